"""The demo province, Tỉnh Minh Sơn, loaded through the same services real users go through.

Imported only by the console script (``survey-app run`` / ``demo``), the tests and the
benchmarks; an import-linter contract keeps it out of the application. ``load`` builds the
campaign, ``data`` makes its units and people, ``lists`` uploads them as the files officers
send, ``responses`` answers part of the sample, ``appraisal`` gives the council's points.
"""

from survey_app.demo.load import DEMO_NAME, DemoInfo, demo_password, describe, ensure_demo

__all__ = ["DEMO_NAME", "DemoInfo", "demo_password", "describe", "ensure_demo"]

"""The demo province, Tỉnh Minh Sơn, loaded through the same services real users go through.

Imported only by the console script (``survey-app run`` / ``demo``), the tests and the
benchmarks; an import-linter contract keeps it out of the application. ``load`` builds the
campaign, ``data`` makes its units and people, ``lists`` uploads them as the files officers
send, ``responses`` answers part of the sample, ``appraisal`` gives the council's points.
``two_tier`` loads the same province after the 2025 reform with its two campaigns, and
``assessment`` puts the self-assessment of its internal index half-way through its round.
"""

from survey_app.demo.load import (
    DEMO_NAME,
    DemoAccount,
    DemoInfo,
    demo_password,
    describe,
    ensure_accounts,
    ensure_demo,
)

__all__ = [
    "DEMO_NAME",
    "DemoAccount",
    "DemoInfo",
    "demo_password",
    "describe",
    "ensure_accounts",
    "ensure_demo",
]

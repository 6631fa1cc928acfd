"""The upload parse deadline stays inside the documented gunicorn worker timeout: a file that
keeps the reader busy is refused with a message before the arbiter kills the worker."""

from __future__ import annotations

import re
from pathlib import Path

from survey_app.ingest import isolate

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_parse_deadline_ends_before_the_documented_worker_timeout() -> None:
    timeout = int(re.search(r"gunicorn [^\n]*--timeout (\d+)", README.read_text()).group(1))
    worst = isolate.ParseLimits().seconds * isolate._WALL_FACTOR + isolate._KILL_GRACE_S
    assert worst + 20 <= timeout  # 20 s left for validating and storing the rows

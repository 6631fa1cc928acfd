"""The session fixtures load the demo without leaving anything in the process environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT_AT_START


def _survey_settings(environment: Mapping[str, str]) -> dict[str, str]:
    """The application's settings in an environment (SURVEY_*, read by create_app)."""
    return {k: v for k, v in environment.items() if k.startswith("SURVEY_")}


def test_demo_fixtures_leave_the_environment_unchanged(request: pytest.FixtureRequest) -> None:
    """After the session's demo databases are loaded (here, or by earlier tests), no SURVEY_*
    setting differs from what the test run started with. (Other variables, such as
    FLASK_RUN_FROM_CLI from the CLI tests or allocator settings, are not ours to check.)"""
    light: Path = request.getfixturevalue("light_demo_db")
    full: Path = request.getfixturevalue("demo_db")
    assert (light / "demo.db").exists() and (full / "instance" / "demo_links.json").exists()
    assert _survey_settings(os.environ) == _survey_settings(ENVIRONMENT_AT_START)
    assert os.environ.get("SURVEY_INSTANCE_DIR") == ENVIRONMENT_AT_START.get("SURVEY_INSTANCE_DIR")

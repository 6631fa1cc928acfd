"""The session fixtures load the demo without leaving anything in the process environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT_AT_START


def _environment() -> dict[str, str]:
    """os.environ without the variable pytest itself keeps up to date."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def test_demo_fixtures_leave_the_environment_unchanged(request: pytest.FixtureRequest) -> None:
    light: Path = request.getfixturevalue("light_demo_db")
    full: Path = request.getfixturevalue("demo_db")
    assert (light / "demo.db").exists() and (full / "instance" / "demo_links.json").exists()
    expected = {k: v for k, v in ENVIRONMENT_AT_START.items() if k != "PYTEST_CURRENT_TEST"}
    assert _environment() == expected
    assert os.environ.get("SURVEY_INSTANCE_DIR") == ENVIRONMENT_AT_START.get(
        "SURVEY_INSTANCE_DIR")

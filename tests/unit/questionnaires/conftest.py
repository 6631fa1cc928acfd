"""Fixtures of the questionnaires tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from questionnaires_testdata import base_definition

from questionnaires import Instrument, instrument_from_data


@pytest.fixture
def demo() -> Instrument:
    """The demo instrument (criteria not tied to a tree)."""
    return instrument_from_data(base_definition())


@pytest.fixture
def build() -> Callable[[dict[str, Any]], Instrument]:
    """Build an instrument from a definition mapping."""
    return lambda data: instrument_from_data(data)

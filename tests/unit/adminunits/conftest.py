"""The country's registry, read once per test session (about half a second)."""

from __future__ import annotations

import pytest

from adminunits import REFORM_2025, Registry, read_registry
from adminunits.gazetteer import Gazetteer


@pytest.fixture(scope="session")
def registry() -> Registry:
    return read_registry()


@pytest.fixture(scope="session")
def gazetteer(registry: Registry) -> Gazetteer:
    return Gazetteer(registry, REFORM_2025)

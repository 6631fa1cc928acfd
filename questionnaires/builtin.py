"""The instruments and criteria trees shipped in ``questionnaires/data``."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from questionnaires.criteria import builtin_criteria_trees
from questionnaires.loader import load_instrument
from questionnaires.model import Instrument

INSTRUMENTS_DIR = Path(__file__).parent / "data" / "instruments"


@cache
def builtin_instruments() -> Mapping[str, Instrument]:
    """Every shipped instrument by code (loaded and validated once, then cached; read-only).

    Only ``data/instruments/*.yaml`` are instruments; shared fragments live in
    ``data/instruments/fragments/``.
    """
    trees = builtin_criteria_trees()
    instruments = [
        load_instrument(p, criteria_trees=trees) for p in sorted(INSTRUMENTS_DIR.glob("*.yaml"))
    ]
    return MappingProxyType({i.code: i for i in instruments})

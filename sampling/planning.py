"""Planning before anything is committed: sample-size helper and a per-unit preview."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from sampling.errors import SettingsError
from sampling.schema import GROUP, PERSON, UNIT, require_columns

PREVIEW_COLUMNS = (
    UNIT,
    GROUP,
    "rule",
    "frame_size",
    "sample_size",
    "reserve_size",
    "expected_forms",
    "suggested_size",
)


def suggested_sample_size(population: int, margin: float = 0.05) -> int:
    """n = N / (1 + N e^2), rounded up (Yamane; SIPAS method since 2012, DOMAIN.md §7).

    Computed in exact rational arithmetic on the decimal value of ``margin``.
    """
    if population < 0 or not 0 < margin < 1:
        raise SettingsError("invalid_margin_of_error", "need population >= 0 and 0 < e < 1")
    e = Fraction(Decimal(str(margin)))
    return math.ceil(Fraction(population) / (1 + population * e * e))


@dataclass(frozen=True)
class GroupPlan:
    """What a preview needs to know of one group's selection.

    ``rule``: the design's rule name, shown as is. ``cap``: people taken per unit at most
    (a quota or a sample size; None: everyone). ``reserve_size``: ordered reserves per unit.
    ``units``: the only units whose people may be taken (chosen units), None for all.
    """

    rule: str
    cap: int | None = None
    reserve_size: int = 0
    units: frozenset[str] | None = None


def preview_plan(
    frame: pd.DataFrame, plans: Mapping[str, GroupPlan], margin_of_error: float = 0.05
) -> pd.DataFrame:
    """Per unit and group: frame size, sample size, reserve size, expected forms, suggestion.

    ``frame``: ``unit_code, person_id, group``, the eligible people. ``expected_forms`` =
    sample size (one form per selected respondent and rated unit is counted by the caller;
    reserves are only used as replacements). ``suggested_size`` =
    :func:`suggested_sample_size` of the unit's frame at ``margin_of_error``. No draw is made.
    """
    require_columns(frame, (UNIT, PERSON, GROUP))
    size = frame.groupby([UNIT, GROUP], sort=True).size().reset_index(name="frame_size")
    if size.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PREVIEW_COLUMNS})
    n = size["frame_size"].to_numpy()
    plan = [plans.get(str(g), GroupPlan("census")) for g in size[GROUP]]
    cap = np.array([p.cap if p.cap is not None else np.iinfo(np.int64).max for p in plan])
    in_scope = np.array(
        [p.units is None or str(u) in p.units for p, u in zip(plan, size[UNIT], strict=True)]
    )
    sample = np.where(in_scope, np.minimum(n, cap), 0)
    reserve = np.where(in_scope, np.minimum([p.reserve_size for p in plan], n - sample), 0)
    table = size.assign(
        rule=[p.rule for p in plan],
        sample_size=sample,
        reserve_size=reserve,
        expected_forms=sample,
        suggested_size=[suggested_sample_size(int(k), margin_of_error) for k in n],
    ).astype({UNIT: "str", GROUP: "str"})
    return table.loc[:, list(PREVIEW_COLUMNS)]

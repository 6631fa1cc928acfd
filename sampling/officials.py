"""Officials and delegates (DOMAIN.md §5, §7): census groups and per-unit quota groups.

Groups are the campaign design's codes. A census group takes everyone eligible with weight 1;
a group limited to some units (census within units chosen by tier: district leaders of the
chosen districts) takes everyone listed by those units. A quota group (PAR officers per
ministry, leaders per association, two leaders per commune office) takes its quota q per unit:
if a unit lists L > q people, q are drawn by simple random sampling (the q smallest keys
fmix64(hash(person, group) ^ salt_unit), as in :mod:`sampling.citizens`) with weight L / q;
otherwise everyone with weight 1.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from sampling.frames import encode_frame
from sampling.hashing import hash_labels, row_keys, unit_salts
from sampling.keyed import smallest_per_group
from sampling.provenance import SAMPLING_VERSION, DrawKind, DrawProvenance, new_run_key
from sampling.schema import GROUP, PERSON, ROLE, UNIT, WEIGHT, Role
from sampling.settings import QuotaSettings


@dataclass(frozen=True)
class ExpectedCount:
    """The national plan's expected number of forms of a group (DOMAIN.md §5, seed 001)."""

    group: str
    low: int
    high: int


EXPECTED_NATIONAL: Mapping[str, ExpectedCount] = MappingProxyType(
    {
        g: ExpectedCount(g, lo, hi)
        for g, lo, hi in (
            ("council_delegate", 3_500, 3_500),
            ("department_leader", 4_100, 4_100),
            ("subunit_leader", 17_800, 17_800),
            ("district_leader", 2_100, 2_100),
            ("citizen", 36_000, 40_000),
            ("ministry_department_leader", 1_600, 1_600),
            ("province_department_leader_for_ministry", 3_700, 3_700),
            ("ministry_subunit_leader", 16_400, 16_400),
            ("par_officer", 800, 800),
            ("association_leader", 155, 155),
        )
    }
)
"""National totals per group of the 2023 national plan (seed 001), by the 2023 design's group
codes; for groups given as "~N" low == high == N. Other designs' groups have no expectation."""


@dataclass(frozen=True)
class OfficialsDraw:
    """Result of an officials draw.

    ``rows``: ``unit_code, person_id, group, role, weight, unit_listed, unit_taken``, one per
    selected person (role ``Role.SAMPLE``). ``counts``: see :func:`compare_with_expected`.
    """

    rows: pd.DataFrame
    counts: pd.DataFrame
    provenance: DrawProvenance


def compare_with_expected(counted: Mapping[str, int]) -> pd.DataFrame:
    """Counted respondents per group beside the national plan's numbers, for the groups the
    plan names (others have no expectation and are left out).

    Columns: ``group, counted, expected_low, expected_high, share_of_expected`` (counted divided
    by the middle of the expected range), one row per counted group the plan names, in the
    plan's order.
    """
    groups = [g for g in EXPECTED_NATIONAL if g in counted]
    low = np.array([EXPECTED_NATIONAL[g].low for g in groups], dtype=np.int64)
    high = np.array([EXPECTED_NATIONAL[g].high for g in groups], dtype=np.int64)
    got = np.array([counted[g] for g in groups], dtype=np.int64)
    return pd.DataFrame(
        {
            GROUP: pd.Series(groups, dtype="str"),
            "counted": got,
            "expected_low": low,
            "expected_high": high,
            "share_of_expected": got / ((low + high) / 2),
        }
    )


def _eligible(frame: pd.DataFrame, within: Mapping[str, Collection[str]]) -> pd.DataFrame:
    """Rows that may be selected: a group limited by ``within`` keeps its rows whose unit is
    one of the units given for it."""
    groups = frame[GROUP].astype("str")
    keep = pd.Series(True, index=frame.index)
    for group, units in within.items():
        keep &= (groups != group) | frame[UNIT].isin(list(units))
    return frame.loc[keep, [UNIT, PERSON, GROUP]].reset_index(drop=True)


def draw_officials(
    frame: pd.DataFrame,
    rng: np.random.Generator,
    settings: QuotaSettings | None = None,
    within: Mapping[str, Collection[str]] | None = None,
) -> OfficialsDraw:
    """Select the officials' groups from ``frame`` (columns ``unit_code, person_id, group``).

    Census groups: everyone, weight 1. A group in ``within``: everyone whose ``unit_code`` is
    one of its units (the chosen districts, or the units under them). Quota groups: the
    settings' quota per unit (module docstring).
    """
    settings = settings or QuotaSettings()
    run_key = new_run_key(rng)
    eligible = _eligible(frame, within or {})
    enc = encode_frame(eligible, GROUP, per_label=True)
    cell = enc.cell
    listed = np.bincount(cell, minlength=enc.cells).astype(np.int64)
    quota = np.array([settings.quota(str(g)) or 0 for g in enc.labels], np.int64)
    cap = np.tile(np.where(quota > 0, quota, np.iinfo(np.int64).max), len(enc.units))
    taken = np.minimum(listed, cap)
    # hash(person, group) = hash(person) ^ hash(group): fold the group's part into the salt
    salt = enc.unit_cells(unit_salts(run_key, enc.units)) ^ enc.label_cells(hash_labels(enc.labels))
    keys = row_keys(enc.person_hash, salt, cell)
    picked, _ = smallest_per_group(cell, keys, taken, listed)
    rows = eligible.take(picked).reset_index(drop=True)
    rows[ROLE] = pd.Series(Role.SAMPLE.value, index=rows.index, dtype="str")
    rows[WEIGHT] = listed[cell[picked]] / taken[cell[picked]]
    rows["unit_listed"] = listed[cell[picked]]
    rows["unit_taken"] = taken[cell[picked]]
    counts = rows[GROUP].value_counts()
    counted = {str(g): int(c) for g, c in counts.items()}
    provenance = DrawProvenance(
        DrawKind.OFFICIALS,
        run_key,
        enc.frame_hash,
        SAMPLING_VERSION,
        settings.to_dict(),
    )
    return OfficialsDraw(rows, compare_with_expected(counted), provenance)

"""Officials and delegates (DOMAIN.md §5, §7): census groups and per-unit quota groups.

Census groups take everyone eligible with weight 1; district leaders only in the chosen
districts. A quota group (PAR officers per ministry, leaders per association) takes its quota q
per unit: if a unit lists L > q people, q are drawn by simple random sampling (the q smallest
keys fmix64(hash(person, group) ^ salt_unit), as in :mod:`sampling.citizens`) with weight L / q;
otherwise everyone with weight 1.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from domain.enums import RespondentGroup, SelectionRule
from sampling.errors import FrameError
from sampling.frames import encode_frame
from sampling.hashing import hash_labels, row_keys, unit_salts
from sampling.keyed import smallest_per_group
from sampling.provenance import SAMPLING_VERSION, DrawKind, DrawProvenance, new_run_key
from sampling.schema import GROUP, PERSON, ROLE, UNIT, WEIGHT, Role
from sampling.settings import QuotaSettings


@dataclass(frozen=True)
class ExpectedCount:
    """The national plan's expected number of forms of a group (DOMAIN.md §5, seed 001)."""

    group: RespondentGroup
    low: int
    high: int


EXPECTED_NATIONAL: Mapping[RespondentGroup, ExpectedCount] = MappingProxyType(
    {
        g: ExpectedCount(g, lo, hi)
        for g, lo, hi in (
            (RespondentGroup.COUNCIL_DELEGATE, 3_500, 3_500),
            (RespondentGroup.DEPARTMENT_LEADER, 4_100, 4_100),
            (RespondentGroup.SUBUNIT_LEADER, 17_800, 17_800),
            (RespondentGroup.DISTRICT_LEADER, 2_100, 2_100),
            (RespondentGroup.CITIZEN, 36_000, 40_000),
            (RespondentGroup.MINISTRY_DEPARTMENT_LEADER, 1_600, 1_600),
            (RespondentGroup.PROVINCE_DEPARTMENT_LEADER_FOR_MINISTRY, 3_700, 3_700),
            (RespondentGroup.MINISTRY_SUBUNIT_LEADER, 16_400, 16_400),
            (RespondentGroup.PAR_OFFICER, 800, 800),
            (RespondentGroup.ASSOCIATION_LEADER, 155, 155),
        )
    }
)
"""National totals per group; for groups given as "~N" low == high == N."""


@dataclass(frozen=True)
class OfficialsDraw:
    """Result of an officials draw.

    ``rows``: ``unit_code, person_id, group, role, weight, unit_listed, unit_taken``, one per
    selected person (role ``Role.SAMPLE``). ``counts``: see :func:`compare_with_expected`.
    """

    rows: pd.DataFrame
    counts: pd.DataFrame
    provenance: DrawProvenance


def compare_with_expected(counted: Mapping[RespondentGroup, int]) -> pd.DataFrame:
    """Counted respondents per group beside the plan's national numbers.

    Columns: ``group, counted, expected_low, expected_high, share_of_expected`` (counted divided
    by the middle of the expected range), one row per group in ``RespondentGroup`` order.
    """
    groups = list(RespondentGroup)
    low = np.array([EXPECTED_NATIONAL[g].low for g in groups])
    high = np.array([EXPECTED_NATIONAL[g].high for g in groups])
    got = np.array([counted.get(g, 0) for g in groups])
    return pd.DataFrame(
        {
            GROUP: pd.Series([g.value for g in groups], dtype="str"),
            "counted": got,
            "expected_low": low,
            "expected_high": high,
            "share_of_expected": got / ((low + high) / 2),
        }
    )


def _eligible(frame: pd.DataFrame, chosen_districts: Collection[str] | None) -> pd.DataFrame:
    """Rows that may be selected: known official groups; district leaders of chosen districts."""
    groups = frame[GROUP].astype("str")
    known = {g.value for g in RespondentGroup if g is not RespondentGroup.CITIZEN}
    bad = sorted(set(groups.unique()) - known)
    if bad:
        raise FrameError("unknown_group", f"not an officials group: {bad}")
    in_district = groups == RespondentGroup.DISTRICT_LEADER.value
    if in_district.any() and chosen_districts is None:
        raise FrameError("districts_not_chosen", "district leaders need the chosen districts")
    keep = ~in_district | frame[UNIT].isin(list(chosen_districts or ()))
    return frame.loc[keep, [UNIT, PERSON, GROUP]].reset_index(drop=True)


def draw_officials(
    frame: pd.DataFrame,
    rng: np.random.Generator,
    settings: QuotaSettings | None = None,
    chosen_districts: Collection[str] | None = None,
) -> OfficialsDraw:
    """Select the officials' groups from ``frame`` (columns ``unit_code, person_id, group``).

    Census groups: everyone, weight 1. ``district_leader``: everyone whose ``unit_code`` is in
    ``chosen_districts``. Quota groups: the settings' quota per unit (module docstring).
    """
    settings = settings or QuotaSettings()
    run_key = new_run_key(rng)
    eligible = _eligible(frame, chosen_districts)
    enc = encode_frame(eligible, GROUP, per_label=True)
    cell = enc.cell
    listed = np.bincount(cell, minlength=enc.cells).astype(np.int64)
    quota = np.array([settings.quota(RespondentGroup(g)) or 0 for g in enc.labels], np.int64)
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
    counted = {RespondentGroup(str(g)): int(c) for g, c in counts.items()}
    provenance = DrawProvenance(
        DrawKind.OFFICIALS,
        run_key,
        enc.frame_hash,
        SAMPLING_VERSION,
        settings.to_dict(),
    )
    return OfficialsDraw(rows, compare_with_expected(counted), provenance)


def selection_rule(group: RespondentGroup, settings: QuotaSettings) -> SelectionRule:
    """The rule applied to a group under these settings (a quota turns a census into QUOTA)."""
    return SelectionRule.QUOTA if settings.quota(group) is not None else group.selection

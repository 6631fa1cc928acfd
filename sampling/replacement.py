"""Replacing an unreachable respondent with the next unused reserve of the same commune.

Rule: the unused reserve with the lowest rank in the same field (stratum) is taken; if that
field has none left, the unused reserve with the lowest rank in any field.

Weights: the replacement takes the replaced person's weight, stratum size and stratum sample
count, i.e. it stands in for the replaced person in the replaced person's stratum. The stratum's
sample count k_h is unchanged, so every stratum's weights still sum to N_h and the commune's to
its eligible count. When the replacement comes from another field this is a substitution: its
answers represent the replaced stratum, which the analysis may want to flag (``replaces`` and
the differing ``field`` show it). The replaced row keeps its weight for the record and gets role
``Role.REPLACED``; analyses use ``role == "sample"`` rows only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sampling.errors import ReplacementError
from sampling.schema import (
    FIELD,
    PERSON,
    REPLACES,
    RESERVE_RANK,
    ROLE,
    STRATUM_SAMPLE,
    STRATUM_SIZE,
    UNIT,
    WEIGHT,
    Role,
)


@dataclass(frozen=True)
class Replacement:
    """New rows after one replacement, and what was done."""

    rows: pd.DataFrame
    unit_code: str
    replaced: str
    replacement: str
    reserve_rank: int
    same_field: bool


def _next_reserve(rows: pd.DataFrame, unit_code: str, field: str) -> int:
    """Index label of the reserve to use (same field first, then any), by reserve rank."""
    pool = rows[(rows[UNIT] == unit_code) & (rows[ROLE] == Role.RESERVE.value)]
    if pool.empty:
        raise ReplacementError("no_reserve_left", f"commune {unit_code!r} has no unused reserve")
    pool = pool.sort_values(RESERVE_RANK)
    same = pool[pool[FIELD] == field]
    return int((same if not same.empty else pool).index[0])


def replace_respondent(rows: pd.DataFrame, unit_code: str, person_id: str) -> Replacement:
    """Replace sampled ``person_id`` of ``unit_code`` in a draw's rows (module docstring).

    ``rows`` are a :class:`~sampling.citizens.CitizenDraw`'s rows (possibly already edited by
    earlier replacements). Raises ``ReplacementError`` if the person is not a current sample
    member or no reserve is left. Returns new rows; the input is not modified.
    """
    hit = rows.index[
        (rows[UNIT] == unit_code) & (rows[PERSON] == person_id) & (rows[ROLE] == Role.SAMPLE.value)
    ]
    if len(hit) != 1:
        raise ReplacementError("not_in_sample", f"{person_id!r} is not sampled in {unit_code!r}")
    old = hit[0]
    new_rows = rows.copy()
    field = str(rows.at[old, FIELD])
    new = _next_reserve(rows, unit_code, field)
    for column in (WEIGHT, STRATUM_SIZE, STRATUM_SAMPLE):
        new_rows.loc[new, column] = rows.loc[old, column]
    new_rows.at[new, ROLE] = Role.SAMPLE.value
    new_rows.at[new, REPLACES] = person_id
    new_rows.at[old, ROLE] = Role.REPLACED.value
    return Replacement(
        new_rows,
        unit_code,
        person_id,
        str(rows.at[new, PERSON]),
        int(rows[RESERVE_RANK].to_numpy()[rows.index.get_loc(new)]),
        str(rows.at[new, FIELD]) == field,
    )

"""Audit: redraw from the stored provenance and compare with the stored rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sampling.citizens import draw_with_key
from sampling.errors import SettingsError
from sampling.provenance import SAMPLING_VERSION, DrawKind, DrawProvenance
from sampling.schema import FIELD, PERSON, REPLACES, RESERVE_RANK, ROLE, UNIT, WEIGHT, Role
from sampling.settings import CitizenSettings

_KEY = [UNIT, PERSON]


@dataclass(frozen=True)
class Verification:
    """Outcome of a redraw. ``differences``: one row per person whose presence, role, reserve
    rank or weight differs, with ``*_stored`` and ``*_redrawn`` columns and ``_merge``."""

    frame_hash_matches: bool
    version_matches: bool
    differences: pd.DataFrame

    @property
    def matches(self) -> bool:
        """True when the redraw reproduces the stored list exactly."""
        return self.frame_hash_matches and self.differences.empty


def _as_drawn(rows: pd.DataFrame) -> pd.DataFrame:
    """Undo replacements: replaced people back to sample, replacements back to reserve."""
    out = rows[[UNIT, PERSON, FIELD, ROLE, RESERVE_RANK, WEIGHT, REPLACES]].copy()
    out.loc[out[ROLE] == Role.REPLACED.value, ROLE] = Role.SAMPLE.value
    used = out[REPLACES].notna()
    out.loc[used, ROLE] = Role.RESERVE.value
    out.loc[used, WEIGHT] = np.nan
    return out.drop(columns=REPLACES).astype({UNIT: "str", PERSON: "str"})


def compare_rows(stored: pd.DataFrame, redrawn: pd.DataFrame) -> pd.DataFrame:
    """Rows whose presence, role, reserve rank or weight differ between two draws."""
    both = _as_drawn(stored).merge(
        _as_drawn(redrawn), on=_KEY, how="outer", suffixes=("_stored", "_redrawn"), indicator=True
    )
    differs = both["_merge"] != "both"
    for column in (ROLE, RESERVE_RANK):
        a, b = both[f"{column}_stored"], both[f"{column}_redrawn"]
        differs |= (a != b).fillna(a.isna() != b.isna()).astype(bool)
    ws, wr = both[f"{WEIGHT}_stored"], both[f"{WEIGHT}_redrawn"]
    differs |= ~(np.isclose(ws, wr, rtol=1e-12, atol=0) | (ws.isna() & wr.isna()))
    return both[differs].reset_index(drop=True)


def verify_citizen_draw(
    frame: pd.DataFrame, rows: pd.DataFrame, provenance: DrawProvenance
) -> Verification:
    """Redraw the citizen list with the stored run key and settings and compare to ``rows``."""
    if provenance.kind is not DrawKind.CITIZENS:
        raise SettingsError("wrong_draw_kind", "provenance is not of a citizen draw")
    redraw = draw_with_key(
        frame, provenance.run_key, CitizenSettings.from_dict(provenance.settings)
    )
    return Verification(
        redraw.provenance.frame_hash == provenance.frame_hash,
        provenance.library_version == SAMPLING_VERSION,
        compare_rows(rows, redraw.rows),
    )

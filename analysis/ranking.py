"""Ranking within peer groups and classification bands (DOMAIN.md §9)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, ErrorCode
from analysis.settings import NATIONAL_BANDS, BandScheme


def rank_units(
    table: pd.DataFrame,
    peer_group: str = "peer_group",
    index: str = "index_pct",
    points: str = "points",
) -> pd.DataFrame:
    """Rank units within each peer group by index, ties broken by total points.

    Units equal on both share a rank and the next rank skips (competition ranking "1224").
    Returns ``table`` (original row order) with an added integer ``rank`` column.
    """
    order = table.sort_values(
        [peer_group, index, points], ascending=[True, False, False], kind="stable"
    )
    keys = order[[peer_group, index, points]]
    new_group = (keys[peer_group] != keys[peer_group].shift()).to_numpy()
    new_value = (keys[[index, points]] != keys[[index, points]].shift()).any(axis=1).to_numpy()
    position = np.arange(len(order))
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    tie_start = np.maximum.accumulate(np.where(new_group | new_value, position, 0))
    ranks = pd.Series(tie_start - group_start + 1, index=order.index, dtype=np.int64)
    return table.assign(rank=ranks.reindex(table.index))


def classify(index_pct: pd.Series, scheme: BandScheme = NATIONAL_BANDS) -> pd.Series:
    """Band label of each index percent: the first band (highest ``lower`` first) it reaches.

    Cut-offs are configurable (:class:`BandScheme`); NaN or an index below every band -> NA.
    """
    lowers = [band.lower for band in scheme.bands]
    if any(a <= b for a, b in zip(lowers, lowers[1:], strict=False)):
        raise AnalysisError(ErrorCode.BAD_SETTINGS, "bands must have decreasing lower bounds")
    labels = pd.Series(pd.NA, index=index_pct.index, dtype=object)
    for band in reversed(scheme.bands):
        labels[index_pct >= band.lower] = band.label
    return labels

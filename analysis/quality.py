"""Data-quality indicators: response rates, Cronbach's alpha, straight-lining and speeding.

Flags are returned beside the data; no function removes a response.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import StrEnum

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, ErrorCode
from analysis.settings import QualitySettings


def response_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``rate = submitted / invited`` (NaN when nobody was invited) to a counts table.

    ``counts`` has ``invited`` and ``submitted`` per row, e.g. per unit and group.
    """
    invited = counts["invited"].astype(np.float64)
    submitted = counts["submitted"].astype(np.float64)
    if ((submitted < 0) | (invited < 0)).any():
        raise AnalysisError(ErrorCode.BAD_SETTINGS, "counts must be >= 0")
    return counts.assign(rate=submitted / invited.where(invited > 0))


LOW_ALPHA = 0.6
"""Below this, a section's items hang together poorly (a common rule of thumb, Nunnally)."""


class AlphaLevel(StrEnum):
    """How to read a section's Cronbach's alpha.

    ``NOT_COMPUTABLE``: NaN (fewer than 2 items or complete respondents, or no spread).
    ``NEGATIVE``: below 0, which alpha cannot be for a coherent scale: items answered in
    opposite directions (a reversed item not recoded) or too few respondents; the value says
    nothing about reliability. ``LOW``: 0 up to ``LOW_ALPHA``. ``ACCEPTABLE``: at least that.
    """

    NOT_COMPUTABLE = "not_computable"
    NEGATIVE = "negative"
    LOW = "low"
    ACCEPTABLE = "acceptable"


def alpha_level(alpha: float | None, low: float = LOW_ALPHA) -> AlphaLevel:
    """The :class:`AlphaLevel` of one alpha (``low``: the lowest acceptable value)."""
    if alpha is None or math.isnan(alpha):
        return AlphaLevel.NOT_COMPUTABLE
    if alpha < 0:
        return AlphaLevel.NEGATIVE
    return AlphaLevel.LOW if alpha < low else AlphaLevel.ACCEPTABLE


def cronbach_alpha(
    items: pd.DataFrame, sections: Mapping[str, Sequence[str]], low: float = LOW_ALPHA
) -> pd.DataFrame:
    """Cronbach's alpha per section (Cronbach 1951), on respondents answering every item.

    ``α = k/(k-1) · (1 - Σ var(item) / var(Σ items))``, sample variances (ddof 1). Returns
    ``section, alpha, n_items, n_respondents, alpha_level``; alpha is NaN with < 2 items or
    respondents, or a zero total variance, and ``alpha_level`` is its :class:`AlphaLevel` value
    (``low``: the lowest acceptable alpha).
    """
    rows = []
    for section, columns in sections.items():
        complete = items[list(columns)].astype(np.float64).dropna()
        k, n = len(columns), len(complete)
        alpha = float("nan")
        if k >= 2 and n >= 2:
            total_var = float(complete.sum(axis=1).var(ddof=1))
            if total_var > 0:
                item_var = float(complete.var(ddof=1).sum())
                alpha = k / (k - 1) * (1 - item_var / total_var)
        rows.append((section, alpha, k, n, alpha_level(alpha, low).value))
    return pd.DataFrame(
        rows, columns=["section", "alpha", "n_items", "n_respondents", "alpha_level"]
    )


def straightlining_flags(
    answers: pd.DataFrame,
    grids: Mapping[str, Sequence[str]],
    settings: QualitySettings = QualitySettings(),
) -> pd.DataFrame:
    """Flag respondents giving the same answer on every item of a grid.

    Only grids with at least ``settings.straightline_min_items`` items are checked, and a
    respondent is flagged when every item is answered and all answers are equal. Returns one
    column per checked grid (bool), indexed like ``answers``.
    """
    flags = pd.DataFrame(index=answers.index)
    for grid, columns in grids.items():
        if len(columns) < settings.straightline_min_items:
            continue
        values = answers[list(columns)].to_numpy(np.float64, na_value=np.nan)
        complete = ~np.isnan(values).any(axis=1)
        same = (values == values[:, :1]).all(axis=1)
        flags[grid] = complete & same
    return flags


def speeding_flags(
    durations: pd.DataFrame,
    by: Sequence[str] = (),
    settings: QualitySettings = QualitySettings(),
) -> pd.DataFrame:
    """Flag completions faster than a fraction of the median or an absolute floor.

    ``durations`` has ``duration_seconds``; the median is taken within ``by`` groups (e.g. the
    instrument). Returns ``durations`` with ``median_seconds``, ``too_fast_relative``,
    ``too_fast_absolute`` and ``too_fast`` (either).
    """
    seconds = durations["duration_seconds"].astype(np.float64)
    if by:
        median = seconds.groupby([durations[c] for c in by]).transform("median")
    else:
        median = pd.Series(seconds.median(), index=durations.index)
    relative = seconds < settings.speed_fraction * median
    absolute = seconds < settings.speed_floor_seconds
    return durations.assign(
        median_seconds=median,
        too_fast_relative=relative,
        too_fast_absolute=absolute,
        too_fast=relative | absolute,
    )

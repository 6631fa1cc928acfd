"""Vectorised confidence intervals for means and shares (formulas as in svy 0.35).

Means: ``estimate ± c × SE``; shares: Wilson score or logit interval on the effective sample
size ``p(1-p)/SE²``. ``c`` is the Student t quantile with the domain's design degrees of freedom
(svy) or the normal quantile (R's ``confint`` default), see :class:`IntervalDistribution`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri, stdtrit

from analysis.design import FloatArray
from analysis.settings import IntervalDistribution, ShareInterval

_BOUNDARY = 1e-12


def critical_values(
    df: FloatArray, confidence: float, distribution: IntervalDistribution
) -> FloatArray:
    """Two-sided critical values: t(df) quantile (NaN where df <= 0) or the normal quantile.

    Design df are few distinct integers, so each distinct value is evaluated once.
    """
    q = 1.0 - (1.0 - confidence) / 2.0
    if distribution is IntervalDistribution.Z:
        return np.full(df.shape, float(ndtri(q)))
    distinct, position = np.unique(df, return_inverse=True)
    positive = distinct > 0
    quantiles = np.where(positive, stdtrit(np.where(positive, distinct, 1.0), q), np.nan)
    return quantiles[position].reshape(df.shape)


def mean_interval(
    estimate: FloatArray, se: FloatArray, crit: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Wald interval ``estimate ± crit × se``."""
    return estimate - crit * se, estimate + crit * se


def share_interval(
    p: FloatArray,
    se: FloatArray,
    n: FloatArray,
    df: FloatArray,
    confidence: float,
    distribution: IntervalDistribution,
    method: ShareInterval,
) -> tuple[FloatArray, FloatArray]:
    """Interval of a share ``p`` with standard error ``se`` from ``n`` valid answers.

    Inside (0, 1): svy's formulas. Wilson uses ``n_eff = p(1-p)/se²``, with the t distribution
    scaled by ``(t_{n-1}/t_df)²`` (Korn-Graubard df adjustment). Logit is
    ``expit(logit p ± c·se/(p(1-p)))``. At p = 0 or 1, or SE = 0, the design says nothing about
    the spread, so both methods fall back to the Wilson interval with ``n_eff = n`` (design
    effect 1) instead of svy's NaN bounds: a commune with every answer satisfied still gets an
    honest interval.
    """
    crit = critical_values(df, confidence, distribution)
    interior = (p > _BOUNDARY) & (p < 1 - _BOUNDARY) & (se > _BOUNDARY)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(interior, p * (1 - p) / se**2, n)
        if distribution is IntervalDistribution.T_DOMAIN_DF:
            t_n = critical_values(n - 1.0, confidence, distribution)
            n_eff = np.where(n > 1, n_eff * (t_n / crit) ** 2, n_eff)
        low, high = _wilson(p, n_eff, crit)
        if method is ShareInterval.LOGIT:
            low, high = _logit(p, se, crit, interior, low, high)
    return low, high


def _wilson(p: FloatArray, n_eff: FloatArray, z: FloatArray) -> tuple[FloatArray, FloatArray]:
    z2 = z * z
    denom = 1 + z2 / n_eff
    centre = (p + z2 / (2 * n_eff)) / denom
    half = (z / denom) * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff))
    return np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)


def _logit(
    p: FloatArray,
    se: FloatArray,
    z: FloatArray,
    interior: npt.NDArray[np.bool_],
    fallback_low: FloatArray,
    fallback_high: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    safe = np.where(interior, p, 0.5)
    centre = np.log(safe / (1 - safe))
    half = z * se / (safe * (1 - safe))
    low = 1 / (1 + np.exp(-(centre - half)))
    high = 1 / (1 + np.exp(-(centre + half)))
    return np.where(interior, low, fallback_low), np.where(interior, high, fallback_high)

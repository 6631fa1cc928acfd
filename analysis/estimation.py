"""Design-based weighted means and shares by domain, with Taylor-linearised standard errors.

For a domain d and variable y (rows with a missing y, or outside d, are outside the domain):

* estimate  ``ŷ_d = Σ w·y / Σ w`` over domain rows (ratio mean);
* linearised variable ``z_i = w_i (y_i - ŷ_d) / W_d`` in the domain and **0 elsewhere**; PSU totals
  ``t_hj = Σ_{i in PSU j} z_i``; strata are the full-sample strata and ``m_h`` counts all of the
  stratum's PSUs, so the data are never subset (Cochran 1977; R survey ``svymean``/``svyby``);
* with-replacement variance ``v = Σ_h m_h/(m_h-1) Σ_j (t_hj - t̄_h)²``, computed from stratum sums
  ``S1 = Σ_j t_hj``, ``S2 = Σ_j t_hj²`` as ``m_h/(m_h-1) (S2 - S1²/m_h)``; a singleton stratum
  follows :class:`SingletonMethod`;
* design effect (Kish, svy ``deff="wor"``, R ``svymean(deff=TRUE)``): ``v / v_srs`` with
  ``v_srs = (1 - n/W_d) s²/n`` and ``s² = n/(n-1) Σ w (y-ŷ)² / W_d``; effective n = ``n / deff``;
* design degrees of freedom of the domain: ``Σ_h max(m_dh - 1, 0)`` with ``m_dh`` the PSUs of h
  holding domain answers (svy's per-domain df; R's ``degf`` would use the full design).

Everything is sums by group (sparse indicator products), never a Python loop over domains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from scipy import sparse

from analysis._atoms import AtomIndex, AtomSums, build_atoms, sum_atoms
from analysis.design import (
    DesignColumns,
    FloatArray,
    IntArray,
    SurveyDesign,
    domain_codes,
    indicator,
    prepare_design,
)
from analysis.errors import AnalysisError, ErrorCode
from analysis.intervals import critical_values, mean_interval, share_interval
from analysis.settings import EstimationSettings, SingletonMethod

_CHUNK = 8

RESULT_COLUMNS = (
    "variable", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n_eff", "n",
    "weight_sum", "small_cell",
)  # fmt: skip
"""Columns after the ``by`` columns of every estimate table."""


class Statistic(StrEnum):
    """What is estimated: a mean of any score, or a share of a 0/1 indicator."""

    MEAN = "mean"
    SHARE = "share"


@dataclass(frozen=True, eq=False)
class _Level:
    """Sums-by-group operators of one domain level, acting on atoms (see ``_atoms``)."""

    labels: pd.DataFrame
    atom_domain: IntArray
    to_domain: sparse.csr_array
    to_psu_cell: sparse.csr_array | None
    to_cell: sparse.csr_array
    cell_to_domain: sparse.csr_array
    coef_s2: FloatArray
    coef_s1sq: FloatArray


def weighted_estimates(
    frame: pd.DataFrame,
    variables: Sequence[str],
    by: Sequence[str] = (),
    design: DesignColumns | SurveyDesign = DesignColumns(),
    statistic: Statistic = Statistic.MEAN,
    settings: EstimationSettings = EstimationSettings(),
) -> pd.DataFrame:
    """Weighted estimate of each variable in each domain of ``by`` (see module docstring).

    ``frame`` has one row per respondent; NaN in a variable is a non-substantive answer and is
    outside the domain (the row stays in the design). Returns one row per (domain, variable)
    with the ``by`` columns then :data:`RESULT_COLUMNS`; small cells are flagged, never hidden.
    """
    return weighted_estimates_by_level(frame, variables, {"_": by}, design, statistic, settings)[
        "_"
    ]


def weighted_estimates_by_level(
    frame: pd.DataFrame,
    variables: Sequence[str],
    levels: Mapping[str, Sequence[str]],
    design: DesignColumns | SurveyDesign = DesignColumns(),
    statistic: Statistic = Statistic.MEAN,
    settings: EstimationSettings = EstimationSettings(),
) -> dict[str, pd.DataFrame]:
    """:func:`weighted_estimates` for several domain levels at once (name -> by columns).

    One pass over the rows serves every level; returns name -> table.
    """
    prepared = design if isinstance(design, SurveyDesign) else prepare_design(frame, design)
    missing = [v for v in variables if v not in frame.columns]
    if missing:
        raise AnalysisError(ErrorCode.MISSING_COLUMN, f"unknown variables {missing}")
    coded = [domain_codes(frame, by) for by in levels.values()]
    atoms = build_atoms([codes for codes, _ in coded], prepared)
    built = [
        _build_level(labels, atom_codes, atoms, prepared, settings)
        for (_, labels), atom_codes in zip(coded, atoms.level_codes, strict=True)
    ]
    parts: list[list[pd.DataFrame]] = [[] for _ in levels]
    for start in range(0, len(variables), _CHUNK):
        names = list(variables[start : start + _CHUNK])
        values = frame[names].to_numpy(np.float64, na_value=np.nan)
        if statistic is Statistic.SHARE:
            _check_binary(values)
        sums = sum_atoms(values, prepared, atoms)
        for tables, level in zip(parts, built, strict=True):
            tables.append(_estimate_level(sums, names, level, statistic, settings))
    return {
        name: pd.concat(tables, ignore_index=True) if tables else _empty(by)
        for (name, by), tables in zip(levels.items(), parts, strict=True)
    }


def _empty(by: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*by, *RESULT_COLUMNS])


def _check_binary(values: FloatArray) -> None:
    valid = values[~np.isnan(values)]
    if np.any((valid != 0) & (valid != 1)):
        raise AnalysisError(ErrorCode.BAD_SHARE, "a share variable must be 0, 1 or missing")


def _build_level(
    labels: pd.DataFrame,
    atom_domain: IntArray,
    atoms: AtomIndex,
    design: SurveyDesign,
    settings: EstimationSettings,
) -> _Level:
    n_domains = len(labels)
    to_psu_cell = None
    if design.psu_stratum is None:
        cell_domain, cell_stratum, cell = _pair_codes(atom_domain, atoms.unit)
    else:
        pc_domain, pc_psu, psu_cell = _pair_codes(atom_domain, atoms.unit)
        to_psu_cell = indicator(psu_cell, pc_domain.shape[0])
        cell_domain, cell_stratum, cell = _pair_codes(pc_domain, design.psu_stratum[pc_psu])
    coef_s2, coef_s1sq = _stratum_coefficients(design.psu_count, settings.singleton)
    if design.sampled_share is not None:  # finite-population correction, 1 - m_h / N_h
        coef_s2 = coef_s2 * (1.0 - design.sampled_share)
        coef_s1sq = coef_s1sq * (1.0 - design.sampled_share)
    return _Level(
        labels=labels,
        atom_domain=atom_domain,
        to_domain=indicator(atom_domain, n_domains),
        to_psu_cell=to_psu_cell,
        to_cell=indicator(cell, cell_domain.shape[0]),
        cell_to_domain=indicator(cell_domain, n_domains),
        coef_s2=coef_s2[cell_stratum][:, None],
        coef_s1sq=coef_s1sq[cell_stratum][:, None],
    )


def _pair_codes(first: IntArray, second: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Code the (first, second) pairs present where ``first >= 0``.

    Returns each pair's first and second value (sorted by pair) and each entry's pair code
    (-1 where ``first`` is negative).
    """
    inside = first >= 0
    radix = int(second.max(initial=0)) + 1
    keys, inverse = np.unique(first[inside] * radix + second[inside], return_inverse=True)
    out = np.full(first.shape[0], -1, np.int64)
    out[inside] = inverse
    return keys // radix, keys % radix, out


def _stratum_coefficients(
    psu_count: IntArray, singleton: SingletonMethod
) -> tuple[FloatArray, FloatArray]:
    """Per-stratum factors a, b of the variance term ``a·S2 - b·S1²``.

    ``m_h > 1``: a = m_h/(m_h-1), b = 1/(m_h-1). Singleton: ADJUST a = 1, b = 0 (the PSU total
    around the grand mean 0); CERTAINTY a = b = 0.
    """
    m = psu_count.astype(np.float64)
    several = m > 1
    denom = np.where(several, m - 1, 1.0)
    single_a = 1.0 if singleton is SingletonMethod.ADJUST else 0.0
    coef_s2 = np.where(several, m / denom, single_a)
    coef_s1sq = np.where(several, 1.0 / denom, 0.0)
    return coef_s2, coef_s1sq


def _estimate_level(
    sums: AtomSums,
    names: list[str],
    level: _Level,
    statistic: Statistic,
    settings: EstimationSettings,
) -> pd.DataFrame:
    n = level.to_domain @ sums.n
    weight_sum = level.to_domain @ sums.w
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = (level.to_domain @ (sums.w * sums.mean)) / weight_sum
    shift = np.where(level.atom_domain[:, None] >= 0, sums.mean - estimate[level.atom_domain], 0)
    shift = np.where(sums.w > 0, shift, 0.0)
    base = sums.wu + shift * sums.w
    deviance = level.to_domain @ (sums.wuu + 2 * shift * sums.wu + shift * shift * sums.w)
    s1, s2, present = _stratum_sums(sums, level, base, shift)
    contrib = level.coef_s2 * s2 - level.coef_s1sq * s1 * s1
    df = level.cell_to_domain @ np.maximum(present - 1, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.maximum(level.cell_to_domain @ contrib, 0.0) / weight_sum**2
        s2_srs = deviance / weight_sum * n / (n - 1)
        v_srs = (1 - n / weight_sum) * s2_srs / n
        deff = np.where(v_srs > 0, variance / v_srs, np.nan)
        n_eff = n / deff
    se = np.sqrt(variance)
    return _table(level.labels, names, estimate, se, df, deff, n_eff, n, weight_sum,
                  statistic, settings)  # fmt: skip


def _stratum_sums(
    sums: AtomSums, level: _Level, base: FloatArray, shift: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per (domain, stratum) cell: S1 = Σ t, S2 = Σ t² over PSU totals t, and PSUs present."""
    if level.to_psu_cell is None:
        assert sums.ww is not None and sums.wwu is not None and sums.wwuu is not None
        s2 = level.to_cell @ (sums.wwuu + 2 * shift * sums.wwu + shift * shift * sums.ww)
        return level.to_cell @ base, s2, level.to_cell @ sums.n
    totals = level.to_psu_cell @ base
    present = ((level.to_psu_cell @ sums.n) > 0).astype(np.float64)
    return level.to_cell @ totals, level.to_cell @ (totals * totals), level.to_cell @ present


def _table(
    labels: pd.DataFrame,
    names: list[str],
    estimate: FloatArray,
    se: FloatArray,
    df: FloatArray,
    deff: FloatArray,
    n_eff: FloatArray,
    n: FloatArray,
    weight_sum: FloatArray,
    statistic: Statistic,
    settings: EstimationSettings,
) -> pd.DataFrame:
    if statistic is Statistic.SHARE:
        low, high = share_interval(estimate, se, n, df, settings.confidence,
                                   settings.distribution, settings.share_interval)  # fmt: skip
    else:
        low, high = mean_interval(
            estimate, se, critical_values(df, settings.confidence, settings.distribution)
        )
    k = len(names)
    out = labels.loc[labels.index.repeat(k)].reset_index(drop=True)
    columns = {
        "variable": np.tile(np.asarray(names, dtype=object), len(labels)),
        "estimate": estimate.ravel(), "se": se.ravel(), "ci_low": low.ravel(),
        "ci_high": high.ravel(), "df": df.ravel(), "deff": deff.ravel(),
        "n_eff": n_eff.ravel(), "n": n.ravel().astype(np.int64),
        "weight_sum": weight_sum.ravel(), "small_cell": n.ravel() < settings.small_cell_n,
    }  # fmt: skip
    for name, column in columns.items():
        out[name] = column
    out["variable"] = out["variable"].astype("str")
    return out

"""SIPAS: citizens' satisfaction with public administrative services (DOMAIN.md §8-9).

Input is one row per respondent (design columns, domain columns such as commune, district and
province, one column per satisfaction question on the 1-5 scale with NaN for no valid answer,
and 0/1 integrity columns where 1 means the bad event happened). Every share and mean is a
design-weighted estimate from :mod:`analysis.estimation`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from analysis.design import DesignColumns, prepare_design
from analysis.errors import AnalysisError, ErrorCode
from analysis.estimation import Statistic, weighted_estimates_by_level
from analysis.settings import (
    EstimationSettings,
    SipasAggregation,
    SipasItemScore,
    SipasSettings,
)

DEFAULT_LEVELS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"commune": ("commune",), "district": ("district",), "province": ("province",)}
)


@dataclass(frozen=True)
class SipasInstrument:
    """Question columns of each of the five service elements, and the integrity columns."""

    elements: Mapping[str, tuple[str, ...]]
    harassed: str | None = None
    unofficial_money: str | None = None
    parts: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """The part each element (factor) belongs to (SIPAS 2023-2026: public policies or
    administrative services); an element not named is a part of its own."""


@dataclass(frozen=True)
class SipasLevel:
    """SIPAS results of one level (domain columns first in every table).

    ``questions``: per question the satisfaction share (0-1) with SE, CI, deff, n_eff, n and
    small-cell flag, plus ``element``. ``means``: the same for the 1-5 mean. ``elements``:
    ``element, index_pct`` (mean of its items' scores × 100: satisfied shares, or 1-5 means
    rescaled, as ``settings.item_score`` says). ``overall``: ``index_pct`` by the configured
    aggregation and ``mean_1_5`` (mean of the question means).
    ``integrity``: ``not_harassed`` and ``not_asked_money`` shares with SE and CI.
    """

    questions: pd.DataFrame
    means: pd.DataFrame
    elements: pd.DataFrame
    overall: pd.DataFrame
    integrity: pd.DataFrame
    parts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """``part, index_pct``: the weighted mean of its elements' indices."""


def sipas_indices(
    respondents: pd.DataFrame,
    instrument: SipasInstrument,
    design: DesignColumns = DesignColumns(),
    levels: Mapping[str, Sequence[str]] = DEFAULT_LEVELS,
    settings: SipasSettings = SipasSettings(),
    estimation: EstimationSettings = EstimationSettings(),
) -> dict[str, SipasLevel]:
    """SIPAS question, element, overall and integrity indices for each level (name -> result)."""
    questions = [q for qs in instrument.elements.values() for q in qs]
    missing = [q for q in questions if q not in respondents.columns]
    if missing:
        raise AnalysisError(ErrorCode.MISSING_COLUMN, f"missing question columns {missing}")
    prepared = prepare_design(respondents, design)
    satisfied = _satisfied(respondents, questions, settings)
    flags = _integrity_flags(respondents, instrument)
    frame = pd.concat([respondents, satisfied, flags], axis=1)
    shares = weighted_estimates_by_level(
        frame, list(satisfied.columns), levels, prepared, Statistic.SHARE, estimation
    )
    means = weighted_estimates_by_level(
        frame, questions, levels, prepared, Statistic.MEAN, estimation
    )
    integrity = weighted_estimates_by_level(
        frame, list(flags.columns), levels, prepared, Statistic.SHARE, estimation
    )
    element_of = {q: e for e, qs in instrument.elements.items() for q in qs}
    out: dict[str, SipasLevel] = {}
    for name, by in levels.items():
        table = shares[name]
        table["variable"] = table["variable"].str.removeprefix("sat__")
        table["element"] = table["variable"].map(element_of)
        items = _item_scores(table, means[name], list(by), settings)
        elements = _element_indices(items, list(by))
        parts = _part_indices(elements, instrument, list(by), settings)
        overall = _overall(items, elements, parts, means[name], prepared.weights, frame,
                           respondents[questions], list(by), settings)  # fmt: skip
        out[name] = SipasLevel(table, means[name], elements, overall, integrity[name], parts)
    return out


def _item_scores(
    shares: pd.DataFrame, means: pd.DataFrame, by: list[str], settings: SipasSettings
) -> pd.DataFrame:
    """Each item's score (0-1) in ``estimate``: its satisfied share, or its 1-5 mean
    rescaled by ``(mean - 1) / 4``."""
    if settings.item_score is SipasItemScore.SATISFIED_SHARE:
        return shares
    keys = [*by, "variable"]
    rescaled = means[[*keys, "estimate"]].assign(estimate=(means["estimate"] - 1.0) / 4.0)
    return shares.drop(columns=["estimate"]).merge(rescaled, on=keys, how="left")


def _part_indices(
    elements: pd.DataFrame, instrument: SipasInstrument, by: list[str], settings: SipasSettings
) -> pd.DataFrame:
    """Part index = weighted mean of its elements' indices (``settings.factor_weights``)."""
    table = elements.assign(
        part=elements["element"].map(lambda e: instrument.parts.get(str(e), str(e))),
        w=elements["element"].map(lambda e: settings.weight("factor", str(e))),
    )
    table = table[table["index_pct"].notna() & (table["w"] > 0)]
    table = table.assign(wx=table["w"] * table["index_pct"])
    grouped = table.groupby([*by, "part"], sort=True)[["wx", "w"]].sum().reset_index()
    grouped["index_pct"] = grouped["wx"] / grouped["w"]
    return grouped[[*by, "part", "index_pct"]]


def _satisfied(
    respondents: pd.DataFrame, questions: list[str], settings: SipasSettings
) -> pd.DataFrame:
    """0/1 satisfied indicators (NaN kept), one column ``sat__<question>`` per question."""
    values = respondents[questions].to_numpy(np.float64, na_value=np.nan)
    bad = ~np.isnan(values) & ~np.isin(values, [1, 2, 3, 4, 5])
    if np.any(bad):
        raise AnalysisError(ErrorCode.BAD_SHARE, "SIPAS answers must be 1-5 or missing")
    sat = np.where(np.isnan(values), np.nan, np.isin(values, settings.satisfied_options) * 1.0)
    return pd.DataFrame(sat, columns=[f"sat__{q}" for q in questions], index=respondents.index)


def _integrity_flags(respondents: pd.DataFrame, instrument: SipasInstrument) -> pd.DataFrame:
    """``not_harassed`` and ``not_asked_money``: 1 minus the 0/1 event columns (NaN kept)."""
    flags = pd.DataFrame(index=respondents.index)
    sources = {"not_harassed": instrument.harassed, "not_asked_money": instrument.unofficial_money}
    for name, column in sources.items():
        if column is not None:
            flags[name] = 1.0 - respondents[column].astype(np.float64)
    return flags


def _element_indices(questions: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Element index = plain mean of its questions' satisfaction shares, in percent."""
    elements = (
        questions.groupby([*by, "element"], sort=True, dropna=False)["estimate"]
        .mean()
        .mul(100.0)
        .rename("index_pct")
        .reset_index()
    )
    return elements


def _overall(
    questions: pd.DataFrame,
    elements: pd.DataFrame,
    parts: pd.DataFrame,
    means: pd.DataFrame,
    weights: np.ndarray,
    frame: pd.DataFrame,
    answers: pd.DataFrame,
    by: list[str],
    settings: SipasSettings,
) -> pd.DataFrame:
    """Overall index by the configured aggregation, and the mean of the 1-5 question means."""
    if settings.aggregation is SipasAggregation.MEAN_OF_ELEMENTS:
        index = _grouped_mean(elements, by, "index_pct")
    elif settings.aggregation is SipasAggregation.MEAN_OF_QUESTIONS:
        index = _grouped_mean(questions, by, "estimate") * 100.0
    elif settings.aggregation is SipasAggregation.FACTORS_AND_PARTS:
        index = _weighted_parts(parts, by, settings)
    else:
        index = _pooled(weights, frame, _item_values(answers, settings), by)
    overall = index.rename("index_pct").reset_index()
    mean_1_5 = _grouped_mean(means, by, "estimate").rename("mean_1_5").reset_index()
    return (
        overall.merge(mean_1_5, on=by, how="outer")
        if by
        else pd.concat([overall, mean_1_5], axis=1)
    )


def _weighted_parts(parts: pd.DataFrame, by: list[str], settings: SipasSettings) -> pd.Series:
    """Index = weighted mean of the part indices (``settings.part_weights``)."""
    w = parts["part"].map(lambda p: settings.weight("part", str(p)))
    table = parts.assign(w=w, wx=w * parts["index_pct"])
    table = table[table["index_pct"].notna() & (table["w"] > 0)]
    if not by:
        return pd.Series([table["wx"].sum() / table["w"].sum()])
    grouped = table.groupby(by, sort=True)[["wx", "w"]].sum()
    return grouped["wx"] / grouped["w"]


def _item_values(answers: pd.DataFrame, settings: SipasSettings) -> pd.DataFrame:
    """Each answer's score (0-1, NaN kept) for pooling: satisfied 0/1, or ``(v - 1) / 4``."""
    values = answers.to_numpy(np.float64, na_value=np.nan)
    if settings.item_score is SipasItemScore.MEAN_RESCALED:
        scored = (values - 1.0) / 4.0
    else:
        scored = np.where(
            np.isnan(values), np.nan, np.isin(values, settings.satisfied_options) * 1.0
        )
    return pd.DataFrame(scored, index=answers.index)


def _grouped_mean(table: pd.DataFrame, by: list[str], column: str) -> pd.Series:
    if not by:
        return pd.Series([table[column].mean()])
    return table.groupby(by, sort=True)[column].mean()


def _pooled(
    w: np.ndarray, frame: pd.DataFrame, satisfied: pd.DataFrame, by: list[str]
) -> pd.Series:
    """Σ_i w_i (satisfied answers of i) / Σ_i w_i (valid answers of i) × 100."""
    values = satisfied.to_numpy(np.float64, na_value=np.nan)
    parts = pd.DataFrame(
        {"num": w * np.nansum(values, axis=1), "den": w * np.sum(~np.isnan(values), axis=1)}
    )
    if not by:
        return pd.Series([100.0 * parts["num"].sum() / parts["den"].sum()])
    grouped = parts.groupby([frame[c].to_numpy() for c in by], sort=True).sum()
    grouped.index.names = by
    return 100.0 * grouped["num"] / grouped["den"]

"""Survey points: answers scored by option shares and pooled over respondent groups (DOMAIN §8-9).

An option share is the fraction of the question's maximum points an option is worth; "don't
know" is non-substantive (NaN) and excluded. For a rated unit and question, each respondent
group's mean share is its weighted mean ``Σ w·s / Σ w`` over valid answers (equal per respondent
when weights are equal); groups are then pooled with their configured shares, renormalised over
the groups present. Question points = pooled share × max points; a sub-criterion, criterion and
field add the points and the maxima of their questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, ErrorCode
from analysis.settings import PoolingSettings

DEFAULT_OPTION_SHARES: Mapping[int, float] = MappingProxyType({1: 1.0, 2: 0.6, 3: 0.2, 4: 0.0})
"""Default 4-option scale worth 100/60/20/0 % of the question's points; other codes
(e.g. 5 = "don't know") are non-substantive."""

ANSWER_COLUMNS = ("response_id", "unit_code", "group", "question_id", "share", "weight")
QUESTION_MAP_COLUMNS = ("question_id", "sub_criterion", "criterion", "field", "max_points")


@dataclass(frozen=True)
class SurveyPoints:
    """Survey points per rated unit at four levels.

    Each table has ``unit_code``, the level's key column(s), ``points``, ``max_points``
    (maximum of the questions with valid answers), ``max_points_all`` (all mapped questions)
    and ``n`` (valid answers).
    """

    questions: pd.DataFrame
    sub_criteria: pd.DataFrame
    criteria: pd.DataFrame
    fields: pd.DataFrame


def option_shares(
    options: pd.Series, shares: Mapping[int, float] = DEFAULT_OPTION_SHARES
) -> pd.Series:
    """Map answer option codes to option shares (fractions of max points); others -> NaN."""
    table = pd.Series(dict(shares), dtype=np.float64)
    if np.any((table < 0) | (table > 1)):
        raise AnalysisError(ErrorCode.BAD_SHARE, "option shares must lie in [0, 1]")
    return options.map(table).astype(np.float64)


def group_pooled_shares(answers: pd.DataFrame, pooling: PoolingSettings) -> pd.DataFrame:
    """Pooled mean share per (unit_code, question_id) over respondent groups.

    Returns ``unit_code, question_id, share, n`` with ``share = Σ_g π_g m_g / Σ_g π_g`` over the
    groups g present, ``m_g = Σ w s / Σ w`` and ``π_g`` the configured group share (1 each when
    none are configured).
    """
    _require(answers, ANSWER_COLUMNS)
    valid = answers[answers["share"].notna() & (answers["weight"] > 0)]
    _check_shares(valid["share"])
    per_group = (
        valid.assign(ws=valid["weight"] * valid["share"])
        .groupby(["unit_code", "question_id", "group"], observed=True, sort=True)
        .agg(w=("weight", "sum"), ws=("ws", "sum"), n=("share", "size"))
        .reset_index()
    )
    per_group["pi"] = _group_factors(per_group["group"], pooling)
    per_group["pi_mean"] = per_group["pi"] * per_group["ws"] / per_group["w"]
    pooled = (
        per_group.groupby(["unit_code", "question_id"], observed=True, sort=True)
        .agg(pi=("pi", "sum"), pi_mean=("pi_mean", "sum"), n=("n", "sum"))
        .reset_index()
    )
    pooled["share"] = pooled["pi_mean"] / pooled["pi"]
    return pooled[["unit_code", "question_id", "share", "n"]]


def survey_points(
    answers: pd.DataFrame,
    question_map: pd.DataFrame,
    pooling: PoolingSettings = PoolingSettings(),
) -> SurveyPoints:
    """Survey points per unit and question, sub-criterion, criterion and field.

    ``answers`` has :data:`ANSWER_COLUMNS` (``share`` NaN when non-substantive); ``question_map``
    has :data:`QUESTION_MAP_COLUMNS`. An answer to an unmapped question raises
    ``UNKNOWN_QUESTION``.
    """
    _require(question_map, QUESTION_MAP_COLUMNS)
    unknown = set(answers["question_id"]) - set(question_map["question_id"])
    if unknown:
        raise AnalysisError(ErrorCode.UNKNOWN_QUESTION, f"unmapped questions {sorted(unknown)}")
    pooled = group_pooled_shares(answers, pooling)
    units = pd.DataFrame({"unit_code": pd.unique(answers["unit_code"])})
    grid = units.merge(question_map[list(QUESTION_MAP_COLUMNS)], how="cross")
    questions = grid.merge(pooled, on=["unit_code", "question_id"], how="left")
    answered = questions["share"].notna()
    questions["points"] = questions["share"] * questions["max_points"]
    questions["n"] = questions["n"].fillna(0).astype(np.int64)
    questions["max_points_all"] = questions["max_points"]
    questions["max_points"] = questions["max_points"].where(answered, 0.0)
    questions = questions.sort_values(["unit_code", "question_id"], ignore_index=True)
    return SurveyPoints(
        questions=questions,
        sub_criteria=_roll_up(questions, ["field", "criterion", "sub_criterion"]),
        criteria=_roll_up(questions, ["field", "criterion"]),
        fields=_roll_up(questions, ["field"]),
    )


def _roll_up(questions: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Add points and maxima of the questions under each key (NaN points when none answered)."""
    return (
        questions.groupby(["unit_code", *keys], observed=True, sort=True)
        .agg(
            points=("points", lambda s: s.sum(min_count=1)),
            max_points=("max_points", "sum"),
            max_points_all=("max_points_all", "sum"),
            n=("n", "sum"),
        )
        .reset_index()
    )


def _group_factors(groups: pd.Series, pooling: PoolingSettings) -> pd.Series:
    if not pooling.group_shares:
        return pd.Series(1.0, index=groups.index)
    configured = {str(g): float(v) for g, v in pooling.group_shares.items()}
    if any(v < 0 for v in configured.values()):
        raise AnalysisError(ErrorCode.BAD_SETTINGS, "group shares must be >= 0")
    missing = set(groups.astype(str)) - set(configured)
    if missing:
        raise AnalysisError(ErrorCode.BAD_SETTINGS, f"no pooling share for groups {missing}")
    return groups.astype(str).map(configured).astype(np.float64)


def _check_shares(shares: pd.Series) -> None:
    if np.any((shares < 0) | (shares > 1)):
        raise AnalysisError(ErrorCode.BAD_SHARE, "option shares must lie in [0, 1]")


def _require(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(ErrorCode.MISSING_COLUMN, f"missing columns {missing}")

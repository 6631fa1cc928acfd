"""PAR Index: appraisal + survey (+ SIPAS-derived) points over a criteria tree (DOMAIN.md §9).

Index % = points / maximum points × 100, rounded half up to ``decimals`` (default 2). A
sub-criterion marked not applicable for a unit leaves both numerator and denominator. A
SIPAS-derived sub-criterion gets ``SIPAS % / 100 × max_points × sipas_share_of_max``. A unit
with no applicable survey or SIPAS sub-criterion has its total rescaled to ``rescale_to``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from analysis.criteria import CriteriaTree, ScoringMethod
from analysis.settings import ParIndexSettings

_KEY = ["unit_code", "sub_criterion"]


@dataclass(frozen=True)
class ParIndexResult:
    """Tables per unit. ``sub_criteria``: tree columns, ``points``, ``missing`` (no points found,
    counted as 0). ``criteria``, ``fields``: ``points, max_points, index_pct``. ``totals``:
    ``points, max_points, index_pct, has_survey, rescaled_points``."""

    sub_criteria: pd.DataFrame
    criteria: pd.DataFrame
    fields: pd.DataFrame
    totals: pd.DataFrame


def round_half_up(values: pd.Series, decimals: int) -> pd.Series:
    """Round half up (away from zero at .5) on each value's shortest decimal form.

    ``86.985`` -> ``86.99`` (binary floating point would give 86.98); NaN stays NaN.
    """
    step = Decimal(1).scaleb(-decimals)

    def one(x: float) -> float:
        if np.isnan(x):
            return float("nan")
        return float(Decimal(repr(float(x))).quantize(step, rounding=ROUND_HALF_UP))

    return values.astype(np.float64).map(one).astype(np.float64)


def index_percent(points: pd.Series, max_points: pd.Series, decimals: int) -> pd.Series:
    """``points / max_points × 100`` rounded half up; NaN where the maximum is 0."""
    ratio = points / max_points.where(max_points > 0)
    return round_half_up(ratio * 100.0, decimals)


def par_index(
    tree: CriteriaTree,
    units: Collection[str],
    appraisal: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    sipas: pd.DataFrame | None = None,
    not_applicable: pd.DataFrame | None = None,
    settings: ParIndexSettings = ParIndexSettings(),
) -> ParIndexResult:
    """Combine points of every unit over the tree.

    ``appraisal``: validated ``unit_code, sub_criterion, points`` (see ``validate_appraisal``);
    ``survey``: ``unit_code, sub_criterion, points`` (e.g. ``SurveyPoints.sub_criteria``);
    ``sipas``: ``unit_code, index_pct``; ``not_applicable``: ``unit_code, sub_criterion``.
    """
    grid = pd.DataFrame({"unit_code": list(units)}).merge(tree.table, how="cross")
    if not_applicable is not None and len(not_applicable):
        marks = not_applicable[_KEY].drop_duplicates().assign(_na=True)
        grid = grid.merge(marks, on=_KEY, how="left")
        grid = grid[grid["_na"].isna()].drop(columns="_na")
    grid["points"] = _points(grid, appraisal, survey, sipas, settings)
    grid["missing"] = grid["points"].isna()
    grid["points"] = grid["points"].fillna(0.0)
    grid = grid.reset_index(drop=True)
    return ParIndexResult(
        sub_criteria=grid,
        criteria=_roll_up(grid, ["unit_code", "field", "criterion"], settings),
        fields=_roll_up(grid, ["unit_code", "field"], settings),
        totals=_totals(grid, settings),
    )


def _points(
    grid: pd.DataFrame,
    appraisal: pd.DataFrame,
    survey: pd.DataFrame | None,
    sipas: pd.DataFrame | None,
    settings: ParIndexSettings,
) -> pd.Series:
    """Points of each grid row from the source its method names (NaN when none given)."""
    method = grid["method"]
    points = pd.Series(np.nan, index=grid.index)
    sources = [(ScoringMethod.APPRAISAL, appraisal), (ScoringMethod.SURVEY, survey)]
    for kind, table in sources:
        if table is not None:
            looked_up = _lookup(grid, table[[*_KEY, "points"]], "points")
            points = points.where(method != kind.value, looked_up)
    if sipas is not None:
        index = grid["unit_code"].map(sipas.set_index("unit_code")["index_pct"])
        derived = index / 100.0 * grid["max_points"] * settings.sipas_share_of_max
        points = points.where(method != ScoringMethod.SIPAS.value, derived)
    return points


def _lookup(grid: pd.DataFrame, table: pd.DataFrame, column: str) -> pd.Series:
    merged = grid[_KEY].merge(table.drop_duplicates(_KEY), on=_KEY, how="left")
    return pd.Series(merged[column].to_numpy(np.float64), index=grid.index)


def _roll_up(grid: pd.DataFrame, keys: list[str], settings: ParIndexSettings) -> pd.DataFrame:
    table = grid.groupby(keys, sort=True)[["points", "max_points"]].sum().reset_index()
    table["index_pct"] = index_percent(table["points"], table["max_points"], settings.decimals)
    return table


def _totals(grid: pd.DataFrame, settings: ParIndexSettings) -> pd.DataFrame:
    surveyed = grid["method"].isin([ScoringMethod.SURVEY.value, ScoringMethod.SIPAS.value])
    totals = _roll_up(grid.assign(has_survey=surveyed), ["unit_code"], settings)
    has_survey = surveyed.groupby(grid["unit_code"]).any()
    totals["has_survey"] = totals["unit_code"].map(has_survey).astype(bool)
    rescaled = (
        totals["points"]
        * settings.rescale_to
        / totals["max_points"].where(totals["max_points"] > 0)
    )
    totals["rescaled_points"] = totals["points"].where(totals["has_survey"], rescaled)
    return totals

"""Criteria tree (field -> criterion -> sub-criterion) and appraisal-points validation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, ErrorCode, RowError

TREE_COLUMNS = ("field", "criterion", "sub_criterion", "max_points", "method")
APPRAISAL_COLUMNS = ("unit_code", "sub_criterion", "points")


class ScoringMethod(StrEnum):
    """Where a sub-criterion's points come from (DOMAIN.md §9)."""

    APPRAISAL = "appraisal"
    SURVEY = "survey"
    SIPAS = "sipas"


@dataclass(frozen=True, eq=False)
class CriteriaTree:
    """A validated criteria tree: one row per sub-criterion with :data:`TREE_COLUMNS`."""

    table: pd.DataFrame

    @property
    def total_points(self) -> float:
        """Maximum points of the whole tree."""
        return float(self.table["max_points"].sum())


@dataclass(frozen=True)
class TreeNode:
    """A node of a criteria tree given as dataclasses; leaves carry points and method."""

    code: str
    children: tuple[TreeNode, ...] = ()
    max_points: float = 0.0
    method: ScoringMethod = ScoringMethod.APPRAISAL


@dataclass(frozen=True)
class AppraisalValidation:
    """Accepted appraisal rows (``unit_code, sub_criterion, points``, original row order) and
    one :class:`RowError` per rejected row; no row is dropped without an error."""

    accepted: pd.DataFrame
    errors: tuple[RowError, ...]


def criteria_tree(table: pd.DataFrame) -> CriteriaTree:
    """Validate a sub-criterion table; raises ``BAD_TREE`` on duplicates, bad points or methods."""
    missing = [c for c in TREE_COLUMNS if c not in table.columns]
    if missing:
        raise AnalysisError(ErrorCode.MISSING_COLUMN, f"criteria tree lacks {missing}")
    tree = table[list(TREE_COLUMNS)].reset_index(drop=True)
    if tree["sub_criterion"].duplicated().any():
        raise AnalysisError(ErrorCode.BAD_TREE, "duplicate sub-criterion codes")
    points = pd.to_numeric(tree["max_points"], errors="coerce")
    if points.isna().any() or (points < 0).any():
        raise AnalysisError(ErrorCode.BAD_TREE, "max_points must be numbers >= 0")
    methods = {m.value for m in ScoringMethod}
    if not set(tree["method"].astype(str)) <= methods:
        raise AnalysisError(ErrorCode.BAD_TREE, f"method must be one of {sorted(methods)}")
    tree["max_points"] = points.astype(np.float64)
    tree["method"] = tree["method"].astype(str)
    return CriteriaTree(tree)


def tree_from_nodes(fields: tuple[TreeNode, ...]) -> CriteriaTree:
    """Flatten field -> criterion -> sub-criterion :class:`TreeNode` objects into a tree."""
    rows = [
        (field.code, criterion.code, sub.code, sub.max_points, sub.method.value)
        for field in fields
        for criterion in field.children
        for sub in criterion.children
    ]
    return criteria_tree(pd.DataFrame(rows, columns=list(TREE_COLUMNS)))


def validate_appraisal(
    points: pd.DataFrame, tree: CriteriaTree, units: Collection[str]
) -> AppraisalValidation:
    """Check imported appraisal points row by row against the tree and the unit registry.

    Row errors (``row`` = 0-based position in ``points``), first failing rule wins:
    ``MISSING_POINTS``, ``UNKNOWN_UNIT``, ``UNKNOWN_CRITERION``, ``NOT_APPRAISAL_CRITERION``,
    ``NEGATIVE_POINTS``, ``POINTS_ABOVE_MAX``, then ``DUPLICATE_ROW`` for a repeated
    (unit, sub-criterion) after the first.
    """
    missing = [c for c in APPRAISAL_COLUMNS if c not in points.columns]
    if missing:
        raise AnalysisError(ErrorCode.MISSING_COLUMN, f"appraisal table lacks {missing}")
    table = points[list(APPRAISAL_COLUMNS)].reset_index(drop=True)
    value = pd.to_numeric(table["points"], errors="coerce").astype(np.float64)
    info = tree.table.set_index("sub_criterion")
    max_points = table["sub_criterion"].map(info["max_points"])
    method = table["sub_criterion"].map(info["method"])
    known = table["sub_criterion"].isin(info.index)
    rules: list[tuple[ErrorCode, pd.Series, str]] = [
        (ErrorCode.MISSING_POINTS, value.isna(), "points missing or not a number"),
        (ErrorCode.UNKNOWN_UNIT, ~table["unit_code"].isin(list(units)), "unknown unit"),
        (ErrorCode.UNKNOWN_CRITERION, ~known, "unknown sub-criterion"),
        (ErrorCode.NOT_APPRAISAL_CRITERION, known & (method != ScoringMethod.APPRAISAL.value),
         "sub-criterion is not scored by appraisal"),
        (ErrorCode.NEGATIVE_POINTS, value < 0, "negative points"),
        (ErrorCode.POINTS_ABOVE_MAX, value > max_points, "points above the maximum"),
        (ErrorCode.DUPLICATE_ROW, table.duplicated(["unit_code", "sub_criterion"]),
         "repeated unit and sub-criterion"),
    ]  # fmt: skip
    code = pd.Series(pd.NA, index=table.index, dtype=object)
    message = pd.Series("", index=table.index, dtype=object)
    for rule, failed, text in rules:
        first = failed.fillna(False).astype(bool) & code.isna()
        code[first] = rule
        message[first] = text
    errors = tuple(
        RowError(int(i), code[i], f"{message[i]}: {table.at[i, 'unit_code']!s}, "
                 f"{table.at[i, 'sub_criterion']!s}, {table.at[i, 'points']!s}")
        for i in np.flatnonzero(code.notna().to_numpy())
    )  # fmt: skip
    accepted = table[code.isna()].assign(points=value[code.isna()])
    return AppraisalValidation(accepted.reset_index(drop=True), errors)

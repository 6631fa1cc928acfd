"""Criteria tree, appraisal validation, PAR Index totals and rounding."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.criteria import (
    ScoringMethod,
    TreeNode,
    criteria_tree,
    tree_from_nodes,
    validate_appraisal,
)
from analysis.errors import AnalysisError, ErrorCode
from analysis.par_index import par_index, round_half_up
from analysis.settings import ParIndexSettings

TREE = tree_from_nodes(
    (
        TreeNode(
            "F1",
            (TreeNode("1", (TreeNode("1.1", max_points=10.0), TreeNode("1.2", max_points=5.0))),),
        ),
        TreeNode(
            "F2",
            (
                TreeNode(
                    "2",
                    (
                        TreeNode("2.1", max_points=3.0, method=ScoringMethod.SURVEY),
                        TreeNode("2.2", max_points=2.0, method=ScoringMethod.SIPAS),
                    ),
                ),
            ),
        ),
    )
)


def test_tree_validation() -> None:
    assert TREE.total_points == 20.0
    bad = TREE.table.assign(method="guess")
    with pytest.raises(AnalysisError):
        criteria_tree(bad)
    with pytest.raises(AnalysisError):
        criteria_tree(pd.concat([TREE.table, TREE.table]))


def test_appraisal_row_errors_with_stable_codes() -> None:
    table = pd.DataFrame(
        {
            "unit_code": ["U1", "U1", "U9", "U1", "U1", "U1", "U1", "U2"],
            "sub_criterion": ["1.1", "9.9", "1.1", "1.2", "1.2", "2.1", "1.1", "1.2"],
            "points": [8.0, 1.0, 2.0, 6.0, -1.0, 1.0, 7.0, None],
        }
    )
    result = validate_appraisal(table, TREE, {"U1", "U2"})
    codes = {e.row: e.code for e in result.errors}
    assert codes == {
        1: ErrorCode.UNKNOWN_CRITERION,
        2: ErrorCode.UNKNOWN_UNIT,
        3: ErrorCode.POINTS_ABOVE_MAX,
        4: ErrorCode.NEGATIVE_POINTS,
        5: ErrorCode.NOT_APPRAISAL_CRITERION,
        6: ErrorCode.DUPLICATE_ROW,
        7: ErrorCode.MISSING_POINTS,
    }
    assert len(result.accepted) + len(result.errors) == len(table)  # nothing silently dropped
    assert result.accepted["points"].tolist() == [8.0]


def test_par_index_combines_sources() -> None:
    # U1: appraisal 8 + 4, survey 1.5 of 3, SIPAS 80 % × 2 = 1.6 -> 15.1 of 20 = 75.50 %.
    # U2: 1.2 not applicable: appraisal 9 (of 10), survey 3, SIPAS 50 % -> 1.0 -> 13 of 15
    # = 86.666.. -> 86.67 %.
    appraisal = pd.DataFrame(
        {
            "unit_code": ["U1", "U1", "U2"],
            "sub_criterion": ["1.1", "1.2", "1.1"],
            "points": [8.0, 4.0, 9.0],
        }
    )
    survey = pd.DataFrame(
        {"unit_code": ["U1", "U2"], "sub_criterion": ["2.1", "2.1"], "points": [1.5, 3.0]}
    )
    sipas = pd.DataFrame({"unit_code": ["U1", "U2"], "index_pct": [80.0, 50.0]})
    not_applicable = pd.DataFrame({"unit_code": ["U2"], "sub_criterion": ["1.2"]})
    result = par_index(TREE, ["U1", "U2"], appraisal, survey, sipas, not_applicable)
    totals = result.totals.set_index("unit_code")
    assert totals.at["U1", "points"] == pytest.approx(15.1)
    assert totals.at["U1", "index_pct"] == 75.5
    assert totals.at["U2", "max_points"] == 15.0
    assert totals.at["U2", "index_pct"] == 86.67
    fields = result.fields.set_index(["unit_code", "field"])
    assert fields.at[("U1", "F2"), "index_pct"] == pytest.approx(62.0)  # 3.1 of 5


def test_missing_points_count_zero_and_are_marked() -> None:
    result = par_index(TREE, ["U1"], pd.DataFrame(columns=["unit_code", "sub_criterion", "points"]))
    assert result.sub_criteria["missing"].all()
    assert result.totals["points"].iloc[0] == 0.0


def test_rescaling_without_survey() -> None:
    # Appraisal-only level: 12 of 15 -> rescaled to 12 × 100/15 = 80 points.
    appraisal_only = criteria_tree(TREE.table[TREE.table["method"] == "appraisal"])
    appraisal = pd.DataFrame(
        {"unit_code": ["U1", "U1"], "sub_criterion": ["1.1", "1.2"], "points": [8.0, 4.0]}
    )
    totals = par_index(appraisal_only, ["U1"], appraisal).totals
    assert not totals["has_survey"].iloc[0]
    assert totals["rescaled_points"].iloc[0] == pytest.approx(80.0)


def test_sipas_share_of_max_setting() -> None:
    sipas = pd.DataFrame({"unit_code": ["U1"], "index_pct": [80.0]})
    settings = ParIndexSettings(sipas_share_of_max=0.5)
    result = par_index(
        TREE,
        ["U1"],
        pd.DataFrame(columns=["unit_code", "sub_criterion", "points"]),
        sipas=sipas,
        settings=settings,
    )
    sub = result.sub_criteria.set_index("sub_criterion")
    assert sub.at["2.2", "points"] == pytest.approx(0.8)  # 80 % × 2 × 0.5


def test_round_half_up() -> None:
    # 86.985 is 86.98499.. in binary; rounding the decimal form half up gives 86.99.
    values = pd.Series([86.985, 0.125, 2.675, 1.0 / 3.0, float("nan")])
    rounded = round_half_up(values, 2)
    assert rounded.iloc[:4].tolist() == [86.99, 0.13, 2.68, 0.33]
    assert pd.isna(rounded.iloc[4])

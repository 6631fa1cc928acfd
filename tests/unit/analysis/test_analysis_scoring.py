"""Survey points: option shares, group pooling, roll-up to sub-criterion, criterion, field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.scoring import option_shares, survey_points
from analysis.settings import PoolingSettings

CITIZEN = "citizen"
LEADER = "district_leader"

QUESTIONS = pd.DataFrame(
    {
        "question_id": ["q1", "q2"],
        "sub_criterion": ["1.1", "1.2"],
        "criterion": ["1", "1"],
        "field": ["F1", "F1"],
        "max_points": [2.0, 1.0],
    }
)


def _answers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4, 1, 3],
            "unit_code": ["U"] * 6,
            "group": [CITIZEN, CITIZEN, LEADER, LEADER, CITIZEN, LEADER],
            "question_id": ["q1", "q1", "q1", "q1", "q2", "q2"],
            "share": [1.0, 0.2, 0.6, np.nan, 0.0, 1.0],
            "weight": [1.0, 3.0, 1.0, 1.0, 1.0, 1.0],
        }
    )


def test_option_shares_default_scale() -> None:
    # 1 -> 100 %, 2 -> 60 %, 3 -> 20 %, 4 -> 0 %, 5 ("don't know") -> excluded.
    shares = option_shares(pd.Series([1, 2, 3, 4, 5]))
    np.testing.assert_allclose(shares.to_numpy(), [1.0, 0.6, 0.2, 0.0, np.nan])


def test_equal_group_pooling() -> None:
    # q1: citizens (w1 s1.0, w3 s0.2) -> (1.0 + 0.6)/4 = 0.4; leaders: 0.6 (NaN excluded).
    # Equal group shares: (0.4 + 0.6)/2 = 0.5 -> 0.5 × 2 points = 1.0.
    # q2: citizens 0.0, leaders 1.0 -> 0.5 × 1 point = 0.5. Sub-criteria 1.0 and 0.5;
    # criterion 1 and field F1: 1.5 of 3.
    points = survey_points(_answers(), QUESTIONS)
    q = points.questions.set_index("question_id")
    assert q.at["q1", "points"] == pytest.approx(1.0)
    assert q.at["q2", "points"] == pytest.approx(0.5)
    assert q.at["q1", "n"] == 3
    assert points.criteria["points"].iloc[0] == pytest.approx(1.5)
    assert points.fields["max_points"].iloc[0] == pytest.approx(3.0)


def test_configured_group_shares_renormalised() -> None:
    # Citizens 0.75, leaders 0.25: q1 = 0.75·0.4 + 0.25·0.6 = 0.45 -> 0.9 points.
    # Unit V has only citizens (share 0.6): renormalised to 1 -> 0.6 × 2 = 1.2 points.
    pooling = PoolingSettings({"citizen": 0.75, "district_leader": 0.25})
    extra = pd.DataFrame(
        {
            "response_id": [9],
            "unit_code": ["V"],
            "group": [CITIZEN],
            "question_id": ["q1"],
            "share": [0.6],
            "weight": [1.0],
        }
    )
    points = survey_points(pd.concat([_answers(), extra]), QUESTIONS, pooling)
    q = points.questions.set_index(["unit_code", "question_id"])
    assert q.at[("U", "q1"), "points"] == pytest.approx(0.9)
    assert q.at[("V", "q1"), "points"] == pytest.approx(1.2)
    assert np.isnan(q.at[("V", "q2"), "points"])
    assert q.at[("V", "q2"), "max_points"] == 0.0  # unanswered question leaves the maximum


def test_unknown_question_and_missing_group_share_raise() -> None:
    bad = _answers().assign(question_id="zz")
    with pytest.raises(AnalysisError):
        survey_points(bad, QUESTIONS)
    with pytest.raises(AnalysisError):
        survey_points(_answers(), QUESTIONS, PoolingSettings({"citizen": 1.0}))


def test_row_order_irrelevant() -> None:
    a = survey_points(_answers(), QUESTIONS).sub_criteria
    b = survey_points(_answers().iloc[::-1], QUESTIONS).sub_criteria
    pd.testing.assert_frame_equal(a, b)

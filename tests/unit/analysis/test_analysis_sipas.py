"""SIPAS indices: hand-worked question, element, overall and integrity figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.design import DesignColumns
from analysis.settings import SipasAggregation, SipasSettings
from analysis.sipas import SipasInstrument, sipas_indices

INSTRUMENT = SipasInstrument(
    elements={"access": ("q1", "q2"), "result": ("q3",)},
    harassed="harassed",
    unofficial_money="money",
)
LEVELS = {"commune": ("commune",), "province": ("province",)}


def _respondents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commune": ["C1"] * 4,
            "province": ["P"] * 4,
            "stratum": ["C1"] * 4,
            "weight": [1.0] * 4,
            "q1": [5, 4, 3, np.nan],
            "q2": [1, 2, 4, 5],
            "q3": [4, 4, 4, 1],
            "harassed": [0, 0, 1, 0],
            "money": [0, 0, 0, 0],
        }
    )


def _run(aggregation: SipasAggregation) -> pd.DataFrame:
    result = sipas_indices(
        _respondents(), INSTRUMENT, DesignColumns(), LEVELS, SipasSettings(aggregation=aggregation)
    )
    return result["commune"].overall


def test_question_and_element_indices() -> None:
    # q1: 2 of 3 valid satisfied = 2/3; q2: 2/4 = 0.5; q3: 3/4 = 0.75.
    # access = (2/3 + 1/2)/2 = 7/12 = 58.333 %; result = 75 %.
    level = sipas_indices(_respondents(), INSTRUMENT, DesignColumns(), LEVELS)["commune"]
    shares = level.questions.set_index("variable")["estimate"]
    assert shares["q1"] == pytest.approx(2 / 3)
    elements = level.elements.set_index("element")["index_pct"]
    assert elements["access"] == pytest.approx(700 / 12)
    assert elements["result"] == pytest.approx(75.0)
    # Means on 1-5: q1 = 4, q2 = 3, q3 = 13/4 -> mean of means 41/12.
    assert level.overall["mean_1_5"].iloc[0] == pytest.approx(41 / 12)
    integrity = level.integrity.set_index("variable")["estimate"]
    assert integrity["not_harassed"] == pytest.approx(0.75)
    assert integrity["not_asked_money"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        (SipasAggregation.MEAN_OF_ELEMENTS, (700 / 12 + 75) / 2),  # 66.667
        (SipasAggregation.MEAN_OF_QUESTIONS, (2 / 3 + 0.5 + 0.75) / 3 * 100),  # 63.889
        (SipasAggregation.POOLED_RESPONSES, 7 / 11 * 100),  # 7 satisfied of 11 valid answers
    ],
)
def test_overall_aggregations(aggregation: SipasAggregation, expected: float) -> None:
    assert _run(aggregation)["index_pct"].iloc[0] == pytest.approx(expected)


def test_weights_change_shares() -> None:
    # Weight 3 on respondent 1 (q2 = 1, not satisfied): q2 = (0+0+1+1)/(3+1+1+1) = 1/3.
    frame = _respondents().assign(weight=[3.0, 1.0, 1.0, 1.0])
    level = sipas_indices(frame, INSTRUMENT, DesignColumns(), LEVELS)["province"]
    assert level.questions.set_index("variable").at["q2", "estimate"] == pytest.approx(1 / 3)

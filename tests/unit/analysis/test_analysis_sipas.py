"""SIPAS indices: hand-worked question, element, overall and integrity figures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.design import DesignColumns
from analysis.settings import SipasAggregation, SipasItemScore, SipasSettings
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


def test_items_scored_by_their_mean_rescaled() -> None:
    # Means q1 = 4, q2 = 3, q3 = 13/4 -> (m - 1) / 4 = 0.75, 0.5, 0.5625.
    settings = SipasSettings(item_score=SipasItemScore.MEAN_RESCALED)
    level = sipas_indices(_respondents(), INSTRUMENT, DesignColumns(), LEVELS, settings)
    elements = level["commune"].elements.set_index("element")["index_pct"]
    assert elements["access"] == pytest.approx(62.5)
    assert elements["result"] == pytest.approx(56.25)
    assert level["commune"].overall["index_pct"].iloc[0] == pytest.approx(59.375)
    pooled = dataclasses.replace(settings, aggregation=SipasAggregation.POOLED_RESPONSES)
    level = sipas_indices(_respondents(), INSTRUMENT, DesignColumns(), LEVELS, pooled)
    # (1 + .75 + .5) + (0 + .25 + .75 + 1) + (.75 * 3 + 0) = 6.5 over 11 valid answers
    assert level["commune"].overall["index_pct"].iloc[0] == pytest.approx(6.5 / 11 * 100)


POLICIES_AND_SERVICES = SipasInstrument(
    elements={"access": ("q1", "q2"), "result": ("q3",), "information": ("q4",)},
    parts={"access": "services", "result": "services", "information": "policies"},
)


def _with_policy_item() -> pd.DataFrame:
    return _respondents().assign(q4=[5, 5, 2, np.nan])  # 2 of 3 satisfied


def test_items_roll_up_to_factors_parts_and_the_index_with_equal_weights() -> None:
    settings = SipasSettings(aggregation=SipasAggregation.FACTORS_AND_PARTS)
    level = sipas_indices(
        _with_policy_item(), POLICIES_AND_SERVICES, DesignColumns(), LEVELS, settings
    )["commune"]
    parts = level.parts.set_index("part")["index_pct"]
    assert parts["services"] == pytest.approx((700 / 12 + 75) / 2)  # 66.667
    assert parts["policies"] == pytest.approx(200 / 3)
    assert level.overall["index_pct"].iloc[0] == pytest.approx((parts.sum()) / 2)


def test_configured_factor_and_part_weights() -> None:
    settings = SipasSettings(
        aggregation=SipasAggregation.FACTORS_AND_PARTS,
        factor_weights=(("result", 3.0),),
        part_weights=(("services", 3.0),),
    )
    level = sipas_indices(
        _with_policy_item(), POLICIES_AND_SERVICES, DesignColumns(), LEVELS, settings
    )["commune"]
    services = (700 / 12 + 3 * 75) / 4  # 70.833
    assert level.parts.set_index("part").at["services", "index_pct"] == pytest.approx(services)
    expected = (200 / 3 + 3 * services) / 4
    assert level.overall["index_pct"].iloc[0] == pytest.approx(expected)


def test_a_part_without_weight_or_answers_does_not_pull_the_index_down() -> None:
    settings = SipasSettings(
        aggregation=SipasAggregation.FACTORS_AND_PARTS, factor_weights=(("information", 0.0),)
    )
    level = sipas_indices(
        _with_policy_item(), POLICIES_AND_SERVICES, DesignColumns(), LEVELS, settings
    )["commune"]
    assert list(level.parts["part"]) == ["services"]
    assert level.overall["index_pct"].iloc[0] == pytest.approx((700 / 12 + 75) / 2)

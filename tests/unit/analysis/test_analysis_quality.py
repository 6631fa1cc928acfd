"""Response rates, Cronbach's alpha, straight-lining and speeding flags."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.quality import (
    AlphaLevel,
    alpha_level,
    cronbach_alpha,
    response_rates,
    speeding_flags,
    straightlining_flags,
)
from analysis.settings import QualitySettings


def test_response_rates() -> None:
    counts = pd.DataFrame(
        {
            "unit_code": ["U", "V"],
            "group": ["citizen", "citizen"],
            "invited": [30, 0],
            "submitted": [24, 0],
        }
    )
    rates = response_rates(counts)["rate"]
    assert rates.iloc[0] == pytest.approx(0.8)
    assert math.isnan(rates.iloc[1])


def test_cronbach_alpha_hand_worked() -> None:
    # Items a = [1,2,3], b = [2,3,4] (var 1 each), totals [3,5,7] (var 4):
    # α = 2/1 · (1 - 2/4) = 1.0. With c = [3,2,1]: item vars 3, totals [6,7,8] var 1:
    # α = 3/2 · (1 - 3/1) = -3.
    items = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 4], "c": [3, 2, 1]})
    table = cronbach_alpha(items, {"s1": ["a", "b"], "s2": ["a", "b", "c"], "one": ["a"]})
    alpha = table.set_index("section")["alpha"]
    assert alpha["s1"] == pytest.approx(1.0)
    assert alpha["s2"] == pytest.approx(-3.0)
    assert math.isnan(alpha["one"])
    levels = table.set_index("section")["alpha_level"]
    assert levels["s1"] == AlphaLevel.ACCEPTABLE.value
    assert levels["s2"] == AlphaLevel.NEGATIVE.value
    assert levels["one"] == AlphaLevel.NOT_COMPUTABLE.value


@pytest.mark.parametrize(
    ("alpha", "level"),
    [
        (-3.0, AlphaLevel.NEGATIVE),
        (-1e-9, AlphaLevel.NEGATIVE),
        (0.0, AlphaLevel.LOW),
        (0.59, AlphaLevel.LOW),
        (0.6, AlphaLevel.ACCEPTABLE),
        (0.93, AlphaLevel.ACCEPTABLE),
        (float("nan"), AlphaLevel.NOT_COMPUTABLE),
        (None, AlphaLevel.NOT_COMPUTABLE),
    ],
)
def test_alpha_levels_tell_negative_from_low(alpha: float | None, level: AlphaLevel) -> None:
    assert alpha_level(alpha) is level


def test_the_low_alpha_threshold_is_a_parameter() -> None:
    assert alpha_level(0.65, low=0.7) is AlphaLevel.LOW
    items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 3, 2, 4]})
    (alpha,) = cronbach_alpha(items, {"s": ["a", "b"]})["alpha"]
    assert 0.7 < alpha < 0.9
    (strict,) = cronbach_alpha(items, {"s": ["a", "b"]}, low=0.9)["alpha_level"]
    assert strict == AlphaLevel.LOW.value


def test_straightlining() -> None:
    answers = pd.DataFrame(
        {f"g{i}": [3, 3, 3, np.nan] for i in range(5)} | {"s1": [1, 1, 2, 2], "s2": [1, 1, 2, 2]}
    )
    answers.loc[1, "g4"] = 2
    flags = straightlining_flags(
        answers, {"grid": [f"g{i}" for i in range(5)], "short": ["s1", "s2"]}
    )
    assert flags["grid"].tolist() == [True, False, True, False]
    assert "short" not in flags.columns  # fewer than 5 items: not checked
    assert len(flags) == len(answers)  # flags only, nothing removed


def test_speeding() -> None:
    # Median 600 s: 1/3 of it = 200 s. 150 s is too fast relatively, 50 s also below the floor.
    durations = pd.DataFrame(
        {"response_id": [1, 2, 3, 4, 5], "duration_seconds": [600.0, 650.0, 150.0, 50.0, 700.0]}
    )
    flags = speeding_flags(durations, settings=QualitySettings(speed_floor_seconds=60.0))
    assert flags["median_seconds"].iloc[0] == 600.0
    assert flags["too_fast"].tolist() == [False, False, True, True, False]
    assert flags["too_fast_absolute"].tolist() == [False, False, False, True, False]

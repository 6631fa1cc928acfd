"""Competition ranking within peer groups and classification bands."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.ranking import classify, rank_units
from analysis.settings import NATIONAL_BANDS, PROVINCIAL_BANDS, Band, BandScheme


def test_ranking_1224_with_points_tiebreak() -> None:
    # Group g: a 90/45, b 85/40, c 85/40 (tie on both -> both 2), d 85/38 (fewer points -> 4),
    # e 80/50 -> 5. Group h ranks separately.
    table = pd.DataFrame(
        {
            "unit_code": ["e", "a", "c", "d", "b", "x", "y"],
            "peer_group": ["g", "g", "g", "g", "g", "h", "h"],
            "index_pct": [80.0, 90.0, 85.0, 85.0, 85.0, 70.0, 75.0],
            "points": [50.0, 45.0, 40.0, 38.0, 40.0, 1.0, 1.0],
        }
    )
    ranked = rank_units(table).set_index("unit_code")["rank"]
    assert ranked.to_dict() == {"e": 5, "a": 1, "c": 2, "d": 4, "b": 2, "x": 2, "y": 1}


def test_row_order_irrelevant() -> None:
    table = pd.DataFrame(
        {"peer_group": ["g"] * 4, "index_pct": [1.0, 3.0, 2.0, 3.0], "points": [1.0, 1.0, 1.0, 1.0]}
    )
    a = rank_units(table)["rank"]
    b = rank_units(table.iloc[::-1])["rank"].sort_index()
    pd.testing.assert_series_equal(a, b)


def test_bands() -> None:
    index = pd.Series([95.0, 90.0, 89.99, 80.0, 70.0, 69.9, 65.0, 64.99])
    assert classify(index, NATIONAL_BANDS).tolist() == ["A", "A", "B", "B", "C", "D", "D", "D"]
    assert classify(index, PROVINCIAL_BANDS).tolist() == [
        "Tốt",
        "Tốt",
        "Khá",
        "Khá",
        "Trung bình",
        "Trung bình",
        "Trung bình",
        "Yếu",
    ]


def test_configurable_bands_must_decrease() -> None:
    custom = BandScheme((Band("Tốt", 85.0), Band("Yếu", 0.0)))
    assert classify(pd.Series([86.0, 84.0]), custom).tolist() == ["Tốt", "Yếu"]
    with pytest.raises(AnalysisError):
        classify(pd.Series([1.0]), BandScheme((Band("x", 10.0), Band("y", 20.0))))

"""District selection: one per tier first, then by size; reproducible; overrides recorded."""

import numpy as np
import pandas as pd
import pytest

from sampling import (
    DistrictOverride,
    DistrictReason,
    DistrictSettings,
    FrameError,
    SettingsError,
    TierPick,
    select_districts,
)

FRAME = pd.DataFrame(
    {
        "province_code": ["P1"] * 9 + ["P2"] * 2,
        "code": [f"D{i}" for i in range(11)],
        "tier": [1, 1, 2, 2, 2, 3, 3, 3, 3, 1, 2],
        "size": [10, 50, 30, 20, 5, 7, 8, 9, 100, 4, 6],
    }
)


def chosen(selection, province="P1"):
    d = selection.districts
    return d[(d.province_code == province) & d.chosen]


def test_one_per_tier_first_then_largest_remaining():
    sel = select_districts(FRAME, np.random.default_rng(3))
    picked = chosen(sel)
    assert len(picked) == 4
    first = picked[picked.reason == DistrictReason.FIRST_OF_TIER.value]
    assert sorted(first.tier) == [1, 2, 3]
    rest = picked[picked.reason == DistrictReason.LARGEST_REMAINING.value]
    remaining = sel.districts[
        (sel.districts.province_code == "P1") & ~sel.districts.code.isin(first.code)
    ]
    assert rest["size"].iloc[0] == remaining["size"].max()
    assert all(d.startswith("tier=") for d in first.detail)
    assert chosen(sel, "P2").reason.tolist() == [DistrictReason.ALL_DISTRICTS.value] * 2


def test_largest_pick_is_deterministic_and_pps_is_reproducible():
    settings = DistrictSettings(3, tier_pick=TierPick.LARGEST)
    largest = select_districts(FRAME, np.random.default_rng(0), settings)
    assert set(chosen(largest).code) == {"D1", "D2", "D8"}
    a = select_districts(FRAME, np.random.default_rng(9))
    b = select_districts(FRAME.iloc[::-1], np.random.default_rng(9))
    pd.testing.assert_frame_equal(a.districts, b.districts)
    seen = {
        tuple(select_districts(FRAME, np.random.default_rng(s)).chosen_codes) for s in range(30)
    }
    assert len(seen) > 1


def test_pps_frequencies_follow_size():
    frame = pd.DataFrame(
        {"code": ["a", "b", "c", "x", "y"], "tier": [1, 1, 1, 2, 3], "size": [10, 30, 60, 1, 1]}
    )
    settings, draws = DistrictSettings(3), 100
    rng = np.random.default_rng(77)
    picks = pd.Series(
        [
            next(c for c in select_districts(frame, rng, settings).chosen_codes if c in "abc")
            for _ in range(draws)
        ]
    ).value_counts()
    for code, p in {"a": 0.1, "b": 0.3, "c": 0.6}.items():
        se = np.sqrt(p * (1 - p) / draws)
        assert abs(picks.get(code, 0) / draws - p) < 4 * se


def test_overrides_applied_first_and_recorded():
    overrides = [DistrictOverride("D8", False, "flooded"), DistrictOverride("D0", True, "pilot")]
    sel = select_districts(FRAME, np.random.default_rng(1), overrides=overrides)
    d = sel.districts.set_index("code")
    assert d.loc["D8", "reason"] == DistrictReason.FORCED_OUT.value and not d.loc["D8", "chosen"]
    assert d.loc["D0", "reason"] == DistrictReason.FORCED_IN.value and d.loc["D0", "chosen"]
    assert d.loc["D8", "override_reason"] == "flooded"
    picked = chosen(sel)
    assert len(picked) == 4 and set(picked.tier) == {1, 2, 3}
    assert sel.overrides == tuple(overrides)
    assert "D0" in sel.chosen_codes


def test_bad_inputs():
    with pytest.raises(SettingsError):
        DistrictSettings(5)
    with pytest.raises(FrameError, match="unknown_district"):
        select_districts(
            FRAME, np.random.default_rng(1), overrides=[DistrictOverride("X", True, "")]
        )
    with pytest.raises(FrameError, match="duplicate_district"):
        select_districts(pd.concat([FRAME, FRAME]), np.random.default_rng(1))

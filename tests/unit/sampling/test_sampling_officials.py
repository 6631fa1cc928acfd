"""Census, quota and chosen-unit groups (any group code), expected counts, planning preview,
sample-size helper, settings."""

import json

import numpy as np
import pandas as pd
import pytest

from sampling import (
    EXPECTED_NATIONAL,
    GroupPlan,
    QuotaSettings,
    SamplingSettings,
    SettingsError,
    draw_officials,
    preview_plan,
    suggested_sample_size,
)


def officials_frame():
    rows = [("P1", f"del{i}", "council_delegate") for i in range(5)]
    rows += [(f"DEP{d}", f"lead{d}-{i}", "department_leader") for d in range(3) for i in range(3)]
    rows += [(f"DIS{d}", f"dl{d}-{i}", "district_leader") for d in range(4) for i in range(2)]
    rows += [("MIN1", f"par{i}", "par_officer") for i in range(55)]
    rows += [("MIN2", f"par{i}", "par_officer") for i in range(12)]
    rows += [
        (f"AS{a}", f"as{a}-{i}", "association_leader") for a in range(3) for i in range(2 + 2 * a)
    ]
    return pd.DataFrame(rows, columns=["unit_code", "person_id", "group"])


def draw(frame, seed=1, chosen=("DIS0", "DIS2")):
    within = {"district_leader": chosen} if chosen is not None else None
    return draw_officials(frame, np.random.default_rng(seed), QuotaSettings(), within)


def test_census_groups_take_everyone_with_weight_one():
    rows = draw(officials_frame()).rows
    census = rows[rows.group.isin(["council_delegate", "department_leader"])]
    assert len(census) == 14 and (census.weight == 1).all()
    districts = rows[rows.group == "district_leader"]
    assert set(districts.unit_code) == {"DIS0", "DIS2"} and len(districts) == 4


def test_quota_groups_draw_quota_with_weight_listed_over_quota():
    rows = draw(officials_frame()).rows
    par = rows[rows.group == "par_officer"].groupby("unit_code")
    assert par.size().to_dict() == {"MIN1": 40, "MIN2": 12}
    assert par.weight.first().to_dict() == pytest.approx({"MIN1": 55 / 40, "MIN2": 1.0})
    assoc = rows[rows.group == "association_leader"].groupby("unit_code").size()
    assert assoc.to_dict() == {"AS0": 2, "AS1": 3, "AS2": 3}


def test_quota_draw_is_reproducible_row_order_free_and_varies_with_seed():
    frame = officials_frame()
    a = draw(frame, 4).rows.sort_values(["unit_code", "person_id"], ignore_index=True)
    b = draw(frame.iloc[::-1], 4).rows.sort_values(["unit_code", "person_id"], ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
    c = draw(frame, 5).rows
    assert set(a.person_id) != set(c.person_id)


def test_counts_beside_expected_numbers():
    counts = draw(officials_frame()).counts.set_index("group")
    assert counts.loc["par_officer", "counted"] == 52
    assert counts.loc["council_delegate", "expected_low"] == 3_500
    assert "subunit_leader" not in counts.index  # nobody counted: no row
    assert EXPECTED_NATIONAL["subunit_leader"].high == 17_800
    assert EXPECTED_NATIONAL["association_leader"].low == 155


def test_any_group_code_is_drawn_and_only_groups_limited_to_units_are_limited():
    frame = officials_frame()
    frame.loc[frame.group == "council_delegate", "group"] = "dai_bieu_khoa_xi"
    everyone = draw(frame, chosen=None).rows
    assert (everyone.group == "dai_bieu_khoa_xi").sum() == 5
    assert (everyone.group == "district_leader").sum() == 8
    quota = draw_officials(
        frame, np.random.default_rng(1), QuotaSettings({"dai_bieu_khoa_xi": 2}), None
    ).rows
    assert (quota.group == "dai_bieu_khoa_xi").sum() == 2
    assert set(draw(frame).counts.group) <= set(EXPECTED_NATIONAL)


def test_suggested_sample_size():
    assert suggested_sample_size(400) == 200  # 400 / (1 + 400 * 0.0025) exactly
    assert suggested_sample_size(1000) == 286  # 285.71 rounded up
    assert suggested_sample_size(0) == 0
    assert suggested_sample_size(100, 0.1) == 50
    with pytest.raises(SettingsError):
        suggested_sample_size(10, 0)


def test_preview_per_unit_and_group():
    citizens = pd.DataFrame(
        {
            "unit_code": ["C1"] * 45 + ["C2"] * 8,
            "person_id": [str(i) for i in range(53)],
            "field": "A",
        }
    )
    people = pd.concat([citizens.drop(columns="field").assign(group="citizen"), officials_frame()])
    plans = {
        "citizen": GroupPlan("stratified", cap=30, reserve_size=10),
        "par_officer": GroupPlan("quota", cap=40),
        "association_leader": GroupPlan("quota", cap=3),
        "district_leader": GroupPlan("census_in_chosen", units=frozenset({"DIS0"})),
    }
    table = preview_plan(people, plans)
    t = table.set_index(["unit_code", "group"])
    assert t.loc[("C1", "citizen"), ["frame_size", "sample_size", "reserve_size"]].tolist() == [
        45,
        30,
        10,
    ]
    assert t.loc[("C2", "citizen"), ["sample_size", "reserve_size"]].tolist() == [8, 0]
    assert t.loc[("MIN1", "par_officer"), "expected_forms"] == 40
    assert t.loc[("DIS1", "district_leader"), "sample_size"] == 0
    assert t.loc[("DIS0", "district_leader"), "rule"] == "census_in_chosen"
    assert t.loc[("P1", "council_delegate"), ["rule", "sample_size"]].tolist() == ["census", 5]
    assert t.loc[("C1", "citizen"), "suggested_size"] == suggested_sample_size(45)


def test_settings_round_trip_through_json():
    s = SamplingSettings(quotas=QuotaSettings({"par_officer": 35}), margin_of_error=0.03)
    assert SamplingSettings.from_dict(json.loads(json.dumps(s.to_dict()))) == s
    assert SamplingSettings.from_dict({}) == SamplingSettings()
    with pytest.raises(SettingsError):
        SamplingSettings.from_dict({"citizens": {"sample_size": 0}})

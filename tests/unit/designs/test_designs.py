"""Designs: templates load and round-trip, every problem is listed by its path, every rule and
shape is read, and a design written by hand (none of the templates) works the same way."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

import designs
from designs import DesignInvalid, RatesShape, SelectionRule

HAND_WRITTEN = """
name: {vi: "Khảo sát thử của Sở Nội vụ", en: Trial survey}
levels:
  - {code: tinh, name: Tỉnh, ranked: false}
  - {code: so, name: {vi: Sở, en: Agency}, parent: tinh}
  - {code: xa, name: {vi: Xã, en: Commune}, parent: tinh}
  - {code: cum, name: {vi: Cụm xã, en: Cluster}, parent: tinh, ranked: false}
  - {code: xa_cum, name: {vi: Xã trong cụm, en: Commune in a cluster}, parent: cum}
groups:
  - code: can_bo_xa
    name: {vi: Cán bộ xã, en: Commune officials}
    submitted_by: xa_cum
    selection: {rule: census_in_chosen, chosen_level: cum, per_parent: 2}
    list: {kind: officials, required: [position, phone]}
    share: 0.5
  - code: doanh_nghiep
    name: {vi: Doanh nghiệp, en: Businesses}
    submitted_by: so
    selection: {rule: quota, quota: 5}
    share: 0.3
  - code: nguoi_dan
    name: {vi: Người dân, en: Citizens}
    submitted_by: xa
    selection: {rule: stratified, sample_size: 12}
    list: {kind: transactions, expected: 12}
    window: {start: 2026-01-01, end: 30/09/2026}
    share: 0.2
evaluations:
  - {group: can_bo_xa, rates: each_of_level, level: so, questionnaire: q_so}
  - {group: can_bo_xa, rates: own_unit, level: cum, questionnaire: q_cum}
  - {group: doanh_nghiep, rates: own_unit, questionnaire: q_so}
  - {group: nguoi_dan, rates: province, questionnaire: q_tinh}
settings:
  deadlines: {lists: 2026-10-15, fieldwork_opens: 2026-10-20, fieldwork_closes: 2026-12-20}
  entry: {double_entry: true}
  analysis: {criteria_tree: tree_a, level_trees: {xa_cum: tree_b}}
"""


def _problems(text_or_data: str | dict[str, Any], **known: Any) -> set[tuple[str, str]]:
    with pytest.raises(DesignInvalid) as caught:
        if isinstance(text_or_data, str):
            designs.load_yaml(text_or_data, **known)
        else:
            designs.parse_design(text_or_data, **known)
    return {(p.path, p.code) for p in caught.value.problems}


@pytest.mark.parametrize("code", designs.template_codes())
def test_every_template_loads_and_round_trips_through_yaml_and_json(code: str) -> None:
    design = designs.template(code)
    assert design.template == code
    assert designs.load_yaml(designs.dump_yaml(design)) == design
    assert designs.parse_design(json.loads(json.dumps(designs.to_json(design)))) == design


def test_the_five_documented_templates_ship() -> None:
    assert designs.template_codes()[:5] == (
        "par_province_2025",
        "internal_index_2025",
        "sipas_2025",
        "par_province_2023",
        "commune_index_2023",
    )
    for code in designs.template_codes():
        assert designs.template_text(code).startswith("# Template")


def test_a_hand_written_design_reads_every_rule_and_shape() -> None:
    design = designs.load_yaml(HAND_WRITTEN)
    rules = {g.code: g.selection for g in design.groups}
    assert rules["can_bo_xa"].rule is SelectionRule.CENSUS_IN_CHOSEN
    assert (rules["can_bo_xa"].min_per_parent, rules["can_bo_xa"].max_per_parent) == (2, 2)
    assert rules["doanh_nghiep"].quota == 5
    assert (rules["nguoi_dan"].sample_size, rules["nguoi_dan"].reserve_size) == (12, 0)
    assert design.group("nguoi_dan").window == designs.Window(
        dt.date(2026, 1, 1), dt.date(2026, 9, 30)
    )
    shapes = {(e.group, e.rates) for e in design.evaluations}
    assert (("can_bo_xa", RatesShape.EACH_OF_LEVEL) in shapes) and (
        ("nguoi_dan", RatesShape.PROVINCE) in shapes
    )
    assert design.level("tinh").name == designs.Text("Tỉnh", "Tỉnh")
    assert design.group_shares() == {"can_bo_xa": 0.5, "doanh_nghiep": 0.3, "nguoi_dan": 0.2}
    assert design.settings.entry.double_entry
    assert design.settings.analysis.tree_of("xa_cum", "x") == "tree_b"
    assert design.settings.analysis.tree_of("so", "x") == "tree_a"
    assert designs.load_yaml(designs.dump_yaml(design)) == design


def test_unknown_questionnaires_and_trees_are_refused_when_the_known_ones_are_given() -> None:
    found = _problems(HAND_WRITTEN, questionnaires={"q_so"}, criteria_trees={"tree_a"})
    assert found == {
        ("evaluations[1].questionnaire", "unknown_questionnaire"),
        ("evaluations[3].questionnaire", "unknown_questionnaire"),
        ("settings.analysis.level_trees.xa_cum", "unknown_tree"),
    }


def test_every_problem_is_listed_by_its_path_at_once() -> None:
    data = designs.to_document(designs.load_yaml(HAND_WRITTEN))
    bad = copy.deepcopy(data)
    bad["levels"][1]["parent"] = "huyen"
    bad["levels"].append(dict(bad["levels"][0]))
    bad["groups"][0]["selection"] = {"rule": "census_in_chosen", "chosen_level": "so"}
    bad["groups"][1]["selection"] = {"rule": "quota", "quota": 0, "sample_size": 3}
    bad["groups"][2]["window"] = {"start": "2026-09-01", "end": "2026-01-01"}
    bad["groups"][2]["colour"] = "red"
    bad["evaluations"][0] = {"group": "ai_do", "rates": "each_of_level", "questionnaire": "q"}
    bad["evaluations"][2] = {
        "group": "doanh_nghiep",
        "rates": "own_unit",
        "level": "xa",
        "questionnaire": "q",
    }
    bad["settings"]["deadlines"]["fieldwork_closes"] = "2026-01-01"
    bad["settings"]["analysis"]["sipas"] = {"satisfied_options": [6]}
    found = _problems(bad)
    assert found >= {
        ("levels[1].parent", "unknown_level"),
        ("levels[5].code", "duplicate_code"),
        ("groups[0].selection.per_parent", "needed_by_rule"),
        ("groups[0].selection.chosen_level", "not_an_ancestor"),
        ("groups[1].selection.quota", "out_of_range"),
        ("groups[1].selection.sample_size", "not_for_rule"),
        ("groups[2].window", "window_order"),
        ("groups[2].colour", "unknown_key"),
        ("evaluations[0].group", "unknown_group"),
        ("evaluations[2].level", "not_an_ancestor"),
        ("settings.deadlines.fieldwork_closes", "fieldwork_order"),
        ("settings.analysis.sipas.satisfied_options[0]", "out_of_range"),
    }


@pytest.mark.parametrize(
    ("evaluation", "problem"),
    [
        ({"rates": "each_of_level"}, ("evaluations[0].level", "needed_by_shape")),
        ({"rates": "province", "level": "so"}, ("evaluations[0].level", "not_for_shape")),
        ({"rates": "own_unit", "within": "tinh"}, ("evaluations[0].within", "not_for_shape")),
        (
            {"rates": "each_of_level", "level": "so", "within": "cum"},
            ("evaluations[0].within", "not_shared_ancestor"),
        ),
        ({"rates": "sideways"}, ("evaluations[0].rates", "bad_choice")),
    ],
)
def test_each_shape_gets_the_levels_it_needs(
    evaluation: dict[str, Any], problem: tuple[str, str]
) -> None:
    data = designs.to_document(designs.load_yaml(HAND_WRITTEN))
    data["evaluations"][0] = {"group": "can_bo_xa", "questionnaire": "q", **evaluation}
    assert problem in _problems(data)


def test_shares_are_given_for_every_group_or_for_none() -> None:
    data = designs.to_document(designs.load_yaml(HAND_WRITTEN))
    del data["groups"][1]["share"]
    assert ("groups[1].share", "share_missing") in _problems(data)
    for group in data["groups"]:
        group.pop("share", None)
    assert designs.parse_design(data).group_shares() == {}


def test_a_group_that_rates_nothing_and_a_levels_cycle_are_refused() -> None:
    data = designs.to_document(designs.load_yaml(HAND_WRITTEN))
    data["evaluations"] = [e for e in data["evaluations"] if e["group"] != "doanh_nghiep"]
    data["levels"][3]["parent"] = "xa_cum"
    found = _problems(data)
    assert ("groups[1].code", "group_rates_nothing") in found
    assert ("levels[3].parent", "level_cycle") in found


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("name: [unclosed", "not_yaml"),
        ("- just\n- a list", "not_a_mapping"),
        (b"\xff\xfe name: x", "not_utf8"),
        ("x" * (designs.document.MAX_DOCUMENT_BYTES + 1), "document_size"),
        ("name: N\nschema: 7\nlevels: []\ngroups: []\nevaluations: []", "bad_schema"),
    ],
)
def test_unreadable_documents_get_one_problem_at_the_root(text: str | bytes, code: str) -> None:
    with pytest.raises(DesignInvalid) as caught:
        designs.load_yaml(text)
    assert code in {p.code for p in caught.value.problems}


def test_sipas_2023_aggregation_settings_read_write_and_are_checked() -> None:
    document = designs.to_json(designs.template("par_province_2025"))
    document["settings"]["analysis"]["sipas"] = {
        "aggregation": "factors_and_parts",
        "item_score": "mean_rescaled",
        "factor_weights": {"result": 2},
        "part_weights": {"policies": 1, "services": 3},
    }
    sipas = designs.parse_design(document).settings.analysis.sipas
    assert sipas.aggregation.value == "factors_and_parts"
    assert sipas.item_score.value == "mean_rescaled"
    assert sipas.weight("factor", "result") == 2.0 and sipas.weight("factor", "access") == 1.0
    assert sipas.weight("part", "services") == 3.0
    again = designs.to_json(designs.parse_design(document))
    assert again["settings"]["analysis"]["sipas"] == {
        "aggregation": "factors_and_parts",
        "satisfied_options": [4, 5],
        "item_score": "mean_rescaled",
        "factor_weights": {"result": 2.0},
        "part_weights": {"policies": 1.0, "services": 3.0},
    }
    bad = copy.deepcopy(document)
    bad["settings"]["analysis"]["sipas"] = {
        "aggregation": "factors_and_parts",
        "item_score": "median",
        "part_weights": {"servies": 3, "policies": 0},
    }
    assert _problems(bad) >= {
        ("settings.analysis.sipas.item_score", "bad_choice"),
        ("settings.analysis.sipas.part_weights.servies", "unknown_name"),
        ("settings.analysis.sipas.part_weights.policies", "out_of_range"),
    }
    unused = copy.deepcopy(document)
    unused["settings"]["analysis"]["sipas"] = {"factor_weights": {"access": 2}}
    assert ("settings.analysis.sipas.factor_weights", "weights_unused") in _problems(unused)
    plain = designs.to_json(designs.template("par_province_2023"))
    assert set(plain["settings"]["analysis"]["sipas"]) == {"aggregation", "satisfied_options"}

"""Loading instrument definitions: builtins load, invalid definitions fail readably."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from questionnaires_testdata import base_definition, t

from questionnaires import (
    Instrument,
    InstrumentError,
    QuestionType,
    SipasElement,
    builtin_criteria_trees,
    builtin_instruments,
    instrument_from_data,
    load_instrument,
)
from questionnaires.criteria import Method
from questionnaires.scales import RATING4_OPTIONS

PROVINCIAL = [
    "par_province_council",
    "par_province_department",
    "par_province_subunit",
    "par_province_district",
]


def problems_of(data: dict[str, Any], **kwargs: Any) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        instrument_from_data(data, "demo.yaml", **kwargs)
    return [str(p) for p in info.value.problems]


def questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data["sections"][0]["questions"]
    return result


def test_every_builtin_instrument_loads_and_is_cached() -> None:
    instruments = builtin_instruments()
    assert set(instruments) == {
        *PROVINCIAL,
        "par_ministry",
        "sipas_citizen",
        "sipas_2023",
        "commune_citizen",
        "par_province_commune_2025",
        "par_province_commune_office_2025",
        "par_agency_2025",
        "par_commune_2025",
    }
    assert builtin_instruments() is instruments
    for instrument in instruments.values():
        assert instrument.questions and instrument.sections


def test_provincial_instruments_share_the_core_and_cover_every_survey_point() -> None:
    tree = builtin_criteria_trees()["province_2022"]
    survey_leaves = {r.code: r.max_points for r in tree.flatten() if r.method is Method.SURVEY}
    cores = []
    for code, group in zip(
        PROVINCIAL,
        ["council_delegate", "department_leader", "subunit_leader", "district_leader"],
        strict=True,
    ):
        instrument = builtin_instruments()[code]
        assert instrument.groups == (group,)
        assert instrument.rated_unit == "province"
        rated = [q for q in instrument.questions if q.type is QuestionType.RATING4]
        assert 30 <= len(rated) <= 40
        points: dict[str, float] = {}
        for q in rated:
            assert q.criterion is not None and q.points is not None
            points[q.criterion] = points.get(q.criterion, 0) + q.points
        assert points == pytest.approx(survey_leaves)
        cores.append([q for q in rated])
    assert all(core == cores[0] for core in cores)
    assert len({builtin_instruments()[c].intro for c in PROVINCIAL}) == 4


def test_ministry_instrument_lists_the_five_ministry_groups() -> None:
    ministry = builtin_instruments()["par_ministry"]
    assert set(ministry.groups) == {
        "ministry_department_leader",
        "province_department_leader_for_ministry",
        "ministry_subunit_leader",
        "par_officer",
        "association_leader",
    }
    assert ministry.rated_unit == "ministry"


def test_sipas_tags_five_elements_with_satisfaction_items() -> None:
    sipas = builtin_instruments()["sipas_citizen"]
    services = [e for e in SipasElement if e.part == "services"]
    assert len(services) == 5
    for element in services:
        tagged = [q for q in sipas.questions if q.element is element]
        assert any(q.satisfaction and q.type is QuestionType.LIKERT5 for q in tagged)
        assert any(not q.satisfaction for q in tagged)
    assert {q.integrity.value for q in sipas.questions if q.integrity} == {
        "harassment",
        "unofficial_payment",
    }
    assert {q.profile.value for q in sipas.questions if q.profile} >= {
        "age_band",
        "sex",
        "education",
        "occupation",
    }
    improve = sipas.question("sipas.expect.improve")
    assert improve.type is QuestionType.MULTIPLE_CHOICE and improve.max_selections == 3
    policy = next(s for s in sipas.sections if s.id == "policy")
    assert policy.show_if is not None
    assert all(not q.required for q in policy.questions)


def test_commune_questionnaire_feeds_the_35_survey_points() -> None:
    commune = builtin_instruments()["commune_citizen"]
    assert commune.rated_unit == "commune"
    total = sum(q.points or 0 for q in commune.questions)
    assert total == pytest.approx(builtin_criteria_trees()["commune_2021"].total(Method.SURVEY))


def test_every_user_visible_string_is_translated() -> None:
    for instrument in builtin_instruments().values():
        texts = [instrument.title, instrument.intro, instrument.confidentiality]
        for section in instrument.sections:
            texts.append(section.title)
            for q in section.questions:
                texts += [q.text] + [o.label for o in q.options]
        for text in texts:
            assert text.vi.strip() and text.en.strip() and text.vi != text.en


def test_rating4_defaults_to_100_60_20_0_with_unscored_dont_know(demo: Instrument) -> None:
    rating = demo.question("q.rating")
    assert rating.options == RATING4_OPTIONS
    assert [o.share for o in rating.options] == [1.0, 0.6, 0.2, 0.0, None]
    assert [o.substantive for o in rating.options] == [True] * 4 + [False]


def test_demo_loads_with_tree_validation() -> None:
    data = base_definition()
    data["criteria_tree"] = "province_2022"
    questions(data)[1]["criterion"] = "8.5.1"
    questions(data)[1]["points"] = 0.5
    instrument = instrument_from_data(data)
    assert instrument.criteria_tree == "province_2022"


def test_duplicate_question_and_section_ids() -> None:
    data = base_definition()
    questions(data).append({"id": "q.choice", "type": "short_text", "text": t("Lặp")})
    data["sections"].append(
        {
            "id": "main",
            "title": t("Khác"),
            "questions": [{"id": "q.other", "type": "short_text", "text": t("Khác")}],
        }
    )
    problems = problems_of(data)
    assert any(
        "duplicate question id 'q.choice'" in p and "sections[0](main)" in p for p in problems
    )
    assert any("duplicate section id 'main'" in p for p in problems)


def test_unknown_and_forward_references_in_show_if() -> None:
    data = base_definition()
    questions(data)[0]["show_if"] = "q.number > 3"
    questions(data)[2]["show_if"] = 'q.nothing == "a"'
    problems = problems_of(data)
    assert any("questions[0](q.choice).show_if" in p and "comes later" in p for p in problems)
    assert any("questions[2](q.likert).show_if" in p and "not a question" in p for p in problems)


def test_show_if_syntax_and_type_errors_are_load_errors() -> None:
    data = base_definition()
    questions(data)[4]["show_if"] = "__import__('os')"
    questions(data)[5]["show_if"] = 'q.choice == "c"'
    problems = problems_of(data)
    assert any("q.number).show_if" in p and "at character" in p for p in problems)
    assert any("q.short).show_if" in p and "not an option of q.choice" in p for p in problems)


def test_section_show_if_may_only_use_earlier_sections() -> None:
    data = base_definition()
    data["sections"][0]["show_if"] = 'q.choice == "a"'
    assert any("sections[0](main).show_if" in p and "comes later" in p for p in problems_of(data))


def test_bad_shares_and_option_shapes() -> None:
    data = base_definition()
    questions(data)[0]["options"][0]["share"] = 1.5
    questions(data)[1]["options"] = [
        {"value": "a", "label": t("A"), "share": 1},
        {"value": "dk", "label": t("DK"), "share": 0.5, "substantive": False},
    ]
    questions(data)[3]["options"].append({"value": "x", "label": t("X2")})
    problems = problems_of(data)
    assert any("options[0].share" in p and "outside [0.0, 1.0]" in p for p in problems)
    assert any("non-substantive" in p for p in problems)
    assert any("exactly 4 substantive" in p for p in problems)
    assert any("duplicate option value 'x'" in p for p in problems)


def test_missing_translations_are_reported_with_path() -> None:
    data = base_definition()
    data["title"] = {"vi": "Phiếu"}
    questions(data)[0]["options"][1]["label"] = {"vi": "B", "en": "  "}
    questions(data)[2]["text"] = "chỉ tiếng Việt"
    problems = problems_of(data)
    assert "demo.yaml: title.en: missing English text" in problems
    assert any("options[1].label.en: missing English text" in p for p in problems)
    assert any("q.likert).text: expected a mapping" in p for p in problems)


def test_unknown_criterion_and_wrong_points_against_the_tree() -> None:
    data = base_definition()
    data["criteria_tree"] = "province_2022"
    questions(data)[1]["criterion"] = "9.9.9"
    questions(data)[2]["criterion"] = "1.1.1"
    problems = problems_of(data)
    assert any("'9.9.9' is not a sub-criterion of tree province_2022" in p for p in problems)
    assert any("1.1.1 is scored by appraisal" in p for p in problems)


def test_points_must_add_up_to_the_sub_criterion_maximum() -> None:
    data = base_definition()
    data["criteria_tree"] = "province_2022"
    questions(data)[1]["criterion"] = "3.4.1"
    questions(data)[1]["points"] = 0.25
    assert any(
        "criterion 3.4.1: question points add up to 0.25" in p and "maximum is 1" in p
        for p in problems_of(data)
    )


def test_unknown_tree_bad_group_code_and_typo_keys() -> None:
    data = base_definition()
    data["criteria_tree"] = "nope"
    data["groups"] = ["citizen", "Mayor!"]
    questions(data)[0]["requried"] = False
    questions(data)[4]["max_length"] = 3
    problems = problems_of(data)
    assert any("unknown criteria tree 'nope'" in p for p in problems)
    assert any("groups[1]: not a code" in p for p in problems)
    assert any("q.choice).requried: unknown key" in p for p in problems)
    assert any("q.number).max_length: not allowed for number" in p for p in problems)


def test_one_error_lists_all_problems() -> None:
    data = base_definition()
    data["version"] = 3
    data["estimated_minutes"] = 0
    del data["intro"]
    with pytest.raises(InstrumentError) as info:
        instrument_from_data(data, "demo.yaml")
    assert len(info.value.problems) == 3
    assert "3 problem(s)" in str(info.value)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_syntax_error_and_duplicate_keys_are_reported(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="line 2"):
        load_instrument(write(tmp_path / "bad.yaml", "code: a\n  version: [\n"))
    with pytest.raises(InstrumentError, match="duplicate key 'code'"):
        load_instrument(write(tmp_path / "dup.yaml", "code: a\ncode: b\n"))
    with pytest.raises(InstrumentError, match="cannot read"):
        load_instrument(tmp_path / "missing.yaml")


def test_python_tags_are_refused(tmp_path: Path) -> None:
    text = "code: !!python/object/apply:os.system ['echo hi']\n"
    with pytest.raises(InstrumentError, match="YAML syntax error"):
        load_instrument(write(tmp_path / "evil.yaml", text))


def test_includes_splice_fragments_and_stay_inside_the_folder(tmp_path: Path) -> None:
    import yaml

    data = base_definition()
    fragment = {"sections": data["sections"]}
    (tmp_path / "fragments").mkdir()
    write(tmp_path / "fragments" / "core.yaml", yaml.safe_dump(fragment, allow_unicode=True))
    data["sections"] = [{"include": "fragments/core.yaml"}]
    instrument = load_instrument(write(tmp_path / "i.yaml", yaml.safe_dump(data)))
    assert [q.id for q in instrument.questions][0] == "q.choice"
    data["sections"] = [{"include": "../outside.yaml"}]
    with pytest.raises(InstrumentError, match="outside the instrument's folder"):
        load_instrument(write(tmp_path / "j.yaml", yaml.safe_dump(data)))


def test_instrument_is_frozen(demo: Instrument) -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.version = "2"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.question("q.choice").required = False  # type: ignore[misc]


def test_iteration_and_lookup(
    demo: Instrument, build: Callable[[dict[str, Any]], Instrument]
) -> None:
    assert [s.id for s in demo] == ["main"]
    assert demo.has_question("q.multi") and not demo.has_question("q.none")
    with pytest.raises(KeyError):
        demo.question("q.none")
    assert build(base_definition()) == demo

"""The 2025 two-tier designs: commune officials rating the province, and the internal index of
provincial agencies and of communes with their editable example criteria trees."""

from __future__ import annotations

import pytest

from questionnaires import (
    CriteriaTree,
    Instrument,
    Method,
    QuestionType,
    builtin_criteria_trees,
    builtin_instruments,
)
from questionnaires.model import ProfileVariable

PROVINCE_2025 = {
    "par_province_commune_2025": "commune_leader",
    "par_province_commune_office_2025": "commune_office_leader",
}
# instrument -> (tree, rated unit, groups, question id prefix)
INTERNAL_2025 = {
    "par_agency_2025": (
        "department_2025",
        "department",
        ("council_delegate", "commune_leader", "commune_office_leader"),
        "agency.",
    ),
    "par_commune_2025": (
        "commune_2025",
        "commune",
        ("council_delegate", "department_leader"),
        "commune25.",
    ),
}
TREES_2025 = {
    # tree -> (level, number of fields, appraisal points, survey points)
    "department_2025": ("department", 7, 70, 30),
    "commune_2025": ("commune", 8, 65, 35),
}


def rated(instrument: Instrument) -> list:
    return [q for q in instrument.questions if q.type is QuestionType.RATING4]


def survey_leaves(tree: CriteriaTree) -> dict[str, float]:
    return {r.code: r.max_points for r in tree.flatten() if r.method is Method.SURVEY}


def points_by_criterion(instrument: Instrument) -> dict[str, float]:
    points: dict[str, float] = {}
    for q in rated(instrument):
        assert q.criterion is not None and q.points is not None, q.id
        points[q.criterion] = points.get(q.criterion, 0) + q.points
    return points


def test_new_instruments_and_trees_are_builtin() -> None:
    assert set(PROVINCE_2025) | set(INTERNAL_2025) <= set(builtin_instruments())
    assert set(TREES_2025) <= set(builtin_criteria_trees())
    for code in [*PROVINCE_2025, *INTERNAL_2025]:
        instrument = builtin_instruments()[code]
        assert instrument.code == code and instrument.version == "2025.1"


@pytest.mark.parametrize("code", sorted(TREES_2025))
def test_example_trees_total_100_with_their_survey_share(code: str) -> None:
    level, n_fields, appraisal, survey = TREES_2025[code]
    tree = builtin_criteria_trees()[code]
    assert tree.level == level
    assert [f.code for f in tree.fields] == [str(i) for i in range(1, n_fields + 1)]
    assert tree.total() == 100
    assert tree.total(Method.APPRAISAL) == appraisal
    assert tree.total(Method.SURVEY) == survey
    assert tree.total(Method.SIPAS) == 0
    assert "editable example" in tree.title.en and "decision" in tree.note.en
    # every field has a survey criterion, so each field gets a component from the survey
    for field in tree.fields:
        assert any(r.field == field.code for r in tree.flatten() if r.method is Method.SURVEY)


@pytest.mark.parametrize("code", sorted(PROVINCE_2025))
def test_commune_officials_rate_the_province_with_the_shared_core(code: str) -> None:
    council = builtin_instruments()["par_province_council"]
    instrument = builtin_instruments()[code]
    assert instrument.groups == (PROVINCE_2025[code],)
    assert instrument.rated_unit == "province"
    assert instrument.campaign_kinds == ("provincial_par",)
    assert instrument.criteria_tree == "province_2022"
    # same ids, texts, criteria and points as the council's form: answers pool across groups
    assert [q.id for q in rated(instrument)] == [q.id for q in rated(council)]
    assert rated(instrument) == rated(council)
    tree = builtin_criteria_trees()["province_2022"]
    assert points_by_criterion(instrument) == pytest.approx(survey_leaves(tree))
    # its own introduction and position question, under the shared position id
    assert instrument.intro != council.intro
    position = instrument.question("par.resp.position")
    assert position.profile is ProfileVariable.POSITION
    assert position.options != council.question("par.resp.position").options


def test_commune_leaders_and_office_leaders_have_their_own_positions() -> None:
    leader = builtin_instruments()["par_province_commune_2025"].question("par.resp.position")
    office = builtin_instruments()["par_province_commune_office_2025"].question("par.resp.position")
    assert [o.label.vi for o in leader.options] == [
        "Chủ tịch Ủy ban nhân dân xã, phường, đặc khu",
        "Phó Chủ tịch Ủy ban nhân dân xã, phường, đặc khu",
    ]
    assert all("Phòng" not in o.label.vi for o in leader.options)
    assert [o.value for o in office.options] == ["head", "deputy"]


@pytest.mark.parametrize("code", sorted(INTERNAL_2025))
def test_internal_instruments_feed_every_survey_leaf_of_their_tree(code: str) -> None:
    tree_code, rated_unit, groups, prefix = INTERNAL_2025[code]
    instrument = builtin_instruments()[code]
    tree = builtin_criteria_trees()[tree_code]
    assert instrument.criteria_tree == tree_code
    assert instrument.rated_unit == rated_unit == tree.level
    assert instrument.groups == groups
    assert instrument.campaign_kinds == ("internal_index",)
    questions = rated(instrument)
    assert 14 <= len(questions) <= 20
    assert points_by_criterion(instrument) == pytest.approx(survey_leaves(tree))
    assert sum(q.points or 0 for q in instrument.questions) == pytest.approx(
        tree.total(Method.SURVEY)
    )
    ids = [q.id for q in instrument.questions]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(prefix) for i in ids)
    # one short position question and no other profile question
    profiled = [q for q in instrument.questions if q.profile is not None]
    assert [q.id for q in profiled] == [f"{prefix}resp.position"]
    assert profiled[0].type is QuestionType.SINGLE_CHOICE and len(profiled[0].options) <= 4


def test_internal_forms_name_the_rated_unit_generically() -> None:
    agency = builtin_instruments()["par_agency_2025"]
    commune = builtin_instruments()["par_commune_2025"]
    assert "cơ quan được đánh giá" in agency.intro.vi
    assert "the agency being rated" in agency.intro.en
    assert "địa phương được đánh giá" in commune.intro.vi
    assert "the commune being rated" in commune.intro.en


@pytest.mark.parametrize("code", sorted([*PROVINCE_2025, *INTERNAL_2025]))
def test_every_text_of_the_new_forms_is_translated(code: str) -> None:
    instrument = builtin_instruments()[code]
    texts = [instrument.title, instrument.intro, instrument.confidentiality]
    for section in instrument.sections:
        texts += [section.title] + ([section.intro] if section.intro else [])
        for q in section.questions:
            texts += [q.text] + [o.label for o in q.options]
    for text in texts:
        assert text.vi.strip() and text.en.strip() and text.vi != text.en
    assert "huyện" not in instrument.intro.vi and "district" not in instrument.intro.en

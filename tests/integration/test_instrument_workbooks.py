"""Questionnaire workbooks through the console script, and stored versions read back from their
own definition (never from the shipped file of the same code)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from analysis.settings import SipasAggregation
from questionnaires import builtin_instruments
from questionnaires.model import Instrument, Option
from questionnaires.xlsform import instrument_workbook, read_instrument
from survey_app.cli import main
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.models import Campaign
from survey_app.services import instruments, responses, results
from tests import factories
from tests.conftest import login
from tests.support import complete_answers


def _next_year(code: str, version: str) -> object:
    """The shipped questionnaire with another version and the first option share changed."""
    shipped = builtin_instruments()[code]
    sections = list(shipped.sections)
    for s_index, section in enumerate(sections):
        for q_index, question in enumerate(section.questions):
            shared = [o for o in question.options if o.share is not None]
            if question.points is not None and shared:
                options = tuple(
                    dataclasses.replace(o, share=0.5) if o is shared[0] else o
                    for o in question.options
                )
                changed = dataclasses.replace(question, options=options)
                questions = list(section.questions)
                questions[q_index] = changed
                sections[s_index] = dataclasses.replace(section, questions=tuple(questions))
                return dataclasses.replace(shipped, version=version, sections=tuple(sections))
    raise AssertionError("no scored question")


def test_check_prints_the_summary_or_every_problem_as_json(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    good = tmp_path / "sipas.xlsx"
    result = runner.invoke(main, ["instrument", "export", "sipas_citizen", "--output", str(good)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["instrument", "check", "--json", str(good)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["code"] == "sipas_citizen"
    assert summary["content_hash"] == builtin_instruments()["sipas_citizen"].content_hash
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK not really")
    result = runner.invoke(main, ["instrument", "check", "--json", str(bad)])
    assert result.exit_code == 1
    (problem,) = json.loads(result.output)
    assert set(problem) == {"sheet", "row", "column", "code", "message_vi", "message_en"}


def test_a_criteria_tree_exports_and_checks(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    out = tmp_path / "tree.xlsx"
    result = runner.invoke(
        main, ["instrument", "export", "commune_2025", "--tree", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["instrument", "check", "--json", str(out)])
    assert json.loads(result.output)["total_points"] == 100.0


def test_a_stored_version_is_read_from_its_definition_and_exported_by_version(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    changed = _next_year("par_province_council", "2099.1")
    assert isinstance(changed, type(builtin_instruments()["par_province_council"]))
    uploaded = read_instrument(instrument_workbook(changed))
    row = instruments.publish(session, uploaded)
    session.commit()
    loaded = instruments.load(row)
    assert (
        loaded.content_hash
        == uploaded.content_hash
        != builtin_instruments()["par_province_council"].content_hash
    )
    shares = [o.share for q in loaded.questions for o in q.options if isinstance(o, Option)]
    assert 0.5 in shares
    assert instruments.load_published(session, row.id, row.content_hash) == loaded
    out = tmp_path / "v2099.xlsx"
    result = app.test_cli_runner().invoke(
        main,
        [
            "instrument",
            "export",
            "par_province_council",
            "--version",
            "2099.1",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert read_instrument(out.read_bytes()).content_hash == uploaded.content_hash


def _points(session: Session, campaign: Campaign, question: str) -> float:
    computed = results.compute(session, campaign)
    assert computed.survey is not None
    table = computed.survey.questions
    row = table[(table["unit_code"] == "S01") & (table["question_id"] == question)]
    assert len(row) == 1, table.columns
    return float(row["points"].iloc[0])


def test_a_group_given_a_new_version_answers_it_and_earlier_answers_keep_theirs(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "par_province_department"
    design = factories.rating_own_unit(factories.dated("par_province_2023"), "department_leader")
    campaign = factories.campaign(session, name="Hai phiên bản", design=design)
    tree = factories.unit_tree(session, campaign, departments=["S01"])
    first = instruments.publish(
        session,
        read_instrument(
            instrument_workbook(dataclasses.replace(builtin_instruments()[code], version="2099.1"))
        ),
    )
    instruments.give_version(session, campaign, "department_leader", first.id, None)
    earlier = factories.respondent(session, campaign, tree["S01"], group="department_leader")
    factories.submitted_response(session, campaign, earlier)
    session.commit()
    changed = _next_year(code, "2099.2")
    assert isinstance(changed, Instrument)
    question = next(q for q in changed.questions if any(o.share == 0.5 for o in q.options))
    before = _points(session, campaign, question.id)

    second = instruments.publish(session, read_instrument(instrument_workbook(changed)))
    instruments.give_version(session, campaign, "department_leader", second.id, None)
    session.commit()
    assert _points(session, campaign, question.id) == before  # scored with the version answered

    monkeypatch.setattr(instruments, "_KNOWN", {})  # another worker: read from the database
    later = factories.respondent(session, campaign, tree["S01"], group="department_leader")
    invited = factories.invitation(session, campaign, later)
    assert responses.instrument_of(invited).version == "2099.2"
    answers = complete_answers(responses.instrument_of(invited))
    assert responses.submit(session, invited, answers, "k-later").outcome.name == "ACCEPTED"
    session.commit()
    # the same answer: full share under 2099.1, half under 2099.2
    assert _points(session, campaign, question.id) == pytest.approx(before * 0.75)


def test_a_version_of_another_questionnaire_or_an_unknown_one_is_refused(
    session: Session,
) -> None:
    campaign = factories.campaign(session, name="Phiên bản sai")
    other = instruments.publish(session, builtin_instruments()["sipas_citizen"])
    with pytest.raises(ServiceError) as refused:
        instruments.give_version(session, campaign, "department_leader", other.id, None)
    assert refused.value.code == "version_not_for_group"
    with pytest.raises(ServiceError) as refused:
        instruments.give_version(session, campaign, "department_leader", 10**9, None)
    assert refused.value.code == "no_instrument_version"


def test_the_respondent_reads_the_questionnaires_own_constraint_message() -> None:
    from questionnaires import validate_answers
    from questionnaires.model import LocalizedText
    from survey_app.catalogue import answer_message

    shipped = builtin_instruments()["sipas_citizen"]
    section = next(s for s in shipped.sections if any(q.maximum for q in s.questions))
    number = next(q for q in section.questions if q.maximum)
    own = LocalizedText("Số lần không quá mức cho phép", "Too many trips")
    changed = dataclasses.replace(number, constraint_message=own)
    questions = tuple(changed if q is number else q for q in section.questions)
    sections = tuple(
        dataclasses.replace(s, questions=questions) if s is section else s for s in shipped.sections
    )
    instrument = read_instrument(
        instrument_workbook(dataclasses.replace(shipped, version="2099.9", sections=sections))
    )
    result = validate_answers(instrument, {number.id: (number.maximum or 0) + 5}, partial=True)
    errors = [e for e in result.errors if e.question_id == number.id]
    assert [answer_message(e, "vi") for e in errors] == ["Số lần không quá mức cho phép"]
    assert [answer_message(e, "en") for e in errors] == ["Too many trips"]


def _with_points(code: str, version: str, points: float) -> Instrument:
    """The shipped questionnaire with another version where the first two scored questions of
    one sub-criterion trade ``points`` (the sub-criterion keeps its total)."""
    shipped = builtin_instruments()[code]
    scored = [q for q in shipped.questions if q.points is not None and q.points > points]
    first, second = next(
        (a, b) for i, a in enumerate(scored) for b in scored[i + 1 :] if a.criterion == b.criterion
    )
    assert first.points is not None and second.points is not None
    moved = {
        first.id: dataclasses.replace(first, points=first.points - points),
        second.id: dataclasses.replace(second, points=second.points + points),
    }
    sections = tuple(
        dataclasses.replace(s, questions=tuple(moved.get(q.id, q) for q in s.questions))
        for s in shipped.sections
    )
    return dataclasses.replace(shipped, version=version, sections=sections)


def test_a_question_scored_differently_by_two_questionnaires_is_two_questions() -> None:
    import pandas as pd

    from survey_app.services.results_data import ResponseData

    shipped = builtin_instruments()["par_province_department"]
    moved = _with_points("par_province_department", "2099.5", 0.25)
    before = {q.id: q.points for q in shipped.questions}
    changed = next(q.id for q in moved.questions if q.points != before[q.id])
    data = ResponseData(pd.DataFrame(), {}, {}, {"a@1": shipped, "a@2": moved})
    assert data.question_keys[("a@1", changed)] == f"a@1/{changed}"
    assert data.question_keys[("a@2", changed)] == f"a@2/{changed}"
    same = next(q.id for q in shipped.questions if q.id != changed)
    assert data.question_keys[("a@1", same)] == data.question_keys[("a@2", same)] == same


def test_a_version_that_moves_points_of_a_question_already_sent_is_refused(
    session: Session,
) -> None:
    code = "par_province_department"
    design = factories.rating_own_unit(factories.dated("par_province_2023"), "department_leader")
    campaign = factories.campaign(session, name="Đổi điểm", design=design)
    tree = factories.unit_tree(session, campaign, departments=["S01"])
    person = factories.respondent(session, campaign, tree["S01"], group="department_leader")
    factories.invitation(session, campaign, person)  # the shipped version, pinned
    moved = instruments.publish(session, _with_points(code, "2099.6", 0.25))
    with pytest.raises(ServiceError) as refused:
        instruments.give_version(session, campaign, "department_leader", moved.id, None)
    assert refused.value.code == "version_moves_points"
    same = instruments.publish(
        session, dataclasses.replace(builtin_instruments()[code], version="2099.7")
    )
    assert instruments.give_version(session, campaign, "department_leader", same.id, None) == same
    with pytest.raises(ServiceError) as refused:  # the shipped version's answers still count
        instruments.give_version(session, campaign, "department_leader", moved.id, None)
    assert refused.value.code == "version_moves_points"


def test_sipas_2023_rolls_policies_and_services_up_to_one_index(
    app: Flask, session: Session
) -> None:
    """Citizens answer the SIPAS 2023-2026 questionnaire; with aggregation factors_and_parts
    the index is the mean of the policies part and the services part."""
    design = factories.dated("par_province_2023")
    lines = tuple(
        dataclasses.replace(e, questionnaire="sipas_2023")
        if e.questionnaire == "sipas_citizen"
        else e
        for e in design.evaluations
    )
    assert lines != design.evaluations
    sipas = dataclasses.replace(
        design.settings.analysis.sipas, aggregation=SipasAggregation.FACTORS_AND_PARTS
    )
    analysis = dataclasses.replace(design.settings.analysis, sipas=sipas)
    design = dataclasses.replace(
        design,
        evaluations=lines,
        settings=dataclasses.replace(design.settings, analysis=analysis),
    )
    campaign = factories.campaign(session, name="SIPAS 2023", design=design)
    tree = factories.unit_tree(session, campaign)
    for variant in (3, 4, 4, 2, 4, 3):
        person = factories.respondent(session, campaign, tree["H01.01"])
        factories.submitted_response(session, campaign, person, variant=variant)
    session.commit()
    computed = results.compute(session, campaign)
    assert computed.sipas is not None
    province = computed.sipas["province"]
    parts = province.parts.set_index("part")["index_pct"]
    assert set(parts.index) == {"policies", "services"}
    assert province.overall["index_pct"].iloc[0] == pytest.approx(parts.mean())
    factors = set(province.elements["element"])
    assert {"information", "participation", "implementation", "impact", "access"} <= factors
    factories.user(session, Role.ANALYST)
    session.commit()
    client = login(app.test_client(), "tk-analyst", factories.PASSWORD)
    page = client.get(f"/results/campaigns/{campaign.id}/sipas").get_data(as_text=True)
    assert "Chính sách công" in page and "Tác động của chính sách" in page

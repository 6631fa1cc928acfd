"""validate_answers, visible_questions and parse_form_value across every question type."""

from __future__ import annotations

import pytest

from questionnaires import (
    ErrorCode,
    Instrument,
    Severity,
    builtin_instruments,
    parse_form,
    parse_form_value,
    validate_answers,
    visible_questions,
)

VALID: dict[str, object] = {
    "q.choice": "a",
    "q.rating": "fair",
    "q.likert": "4",
    "q.multi": ["y", "x"],
    "q.number": 7,
    "q.short": "ok",
}


def codes(demo: Instrument, answers: dict[str, object], partial: bool = False) -> dict[str, str]:
    result = validate_answers(demo, answers, partial=partial)
    return {e.question_id: e.code.value for e in result.issues}


def test_valid_answers_are_cleaned(demo: Instrument) -> None:
    result = validate_answers(demo, {**VALID, "q.short": "  ok  "}, partial=False)
    assert result.ok and result.complete and not result.issues
    assert dict(result.cleaned) == {**VALID, "q.multi": ("x", "y")}
    assert result.visible == ("q.choice", "q.rating", "q.likert", "q.multi", "q.number", "q.short")


def test_required_missing_only_at_final_submit(demo: Instrument) -> None:
    answers = {"q.choice": "a"}
    final = validate_answers(demo, answers, partial=False)
    assert {e.question_id for e in final.errors} == {"q.rating", "q.likert", "q.multi", "q.number"}
    assert all(e.code is ErrorCode.REQUIRED_MISSING for e in final.errors)
    draft = validate_answers(demo, answers, partial=True)
    assert draft.ok and not draft.complete
    assert draft.missing_required == ("q.rating", "q.likert", "q.multi", "q.number")


@pytest.mark.parametrize(
    ("qid", "value", "code"),
    [
        ("q.choice", "c", "unknown_option"),
        ("q.choice", ["a"], "invalid_type"),
        ("q.choice", 1, "invalid_type"),
        ("q.rating", "excellent", "unknown_option"),
        ("q.likert", "6", "unknown_option"),
        ("q.likert", 4, "invalid_type"),
        ("q.multi", ["x", "y", "z"], "too_many_choices"),
        ("q.multi", ["x", "q"], "unknown_option"),
        ("q.multi", ["x", "x"], "duplicate_choice"),
        ("q.multi", "x", "invalid_type"),
        ("q.multi", [1], "invalid_type"),
        ("q.number", 11, "out_of_range"),
        ("q.number", 0, "out_of_range"),
        ("q.number", 2.5, "not_an_integer"),
        ("q.number", "abc", "not_a_number"),
        ("q.number", float("nan"), "not_a_number"),
        ("q.number", float("inf"), "not_a_number"),
        ("q.number", True, "invalid_type"),
        pytest.param(
            "q.number",
            "9" * 4301,
            "number_too_long",  # past int()'s limit
            id="q.number-4301-digits",
        ),
        ("q.number", "-1" + "0" * 15, "number_too_long"),
        pytest.param("q.number", 10**400, "number_too_long", id="q.number-10**400"),
        ("q.number", 1e300, "number_too_long"),
        ("q.short", "o\x00k", "invalid_character"),
        ("q.short", "o\ud800k", "invalid_character"),
        ("q.short", "o\ufffdk", "invalid_character"),  # bytes that were not UTF-8
        ("q.short", "toolong", "too_long"),
        ("q.short", 5, "invalid_type"),
    ],
)
def test_type_errors(demo: Instrument, qid: str, value: object, code: str) -> None:
    result = validate_answers(demo, {**VALID, qid: value}, partial=True)
    assert [(e.question_id, e.code.value) for e in result.errors] == [(qid, code)]
    assert qid not in result.cleaned


def test_too_few_choices_only_at_final(demo: Instrument) -> None:
    data = {**VALID, "q.multi": []}
    assert codes(demo, data) == {"q.multi": "required_missing"}
    assert codes(demo, data, partial=True) == {}


def test_dont_know_is_a_valid_rating_answer(demo: Instrument) -> None:
    result = validate_answers(demo, {**VALID, "q.rating": "dk"}, partial=False)
    assert result.ok and result.cleaned["q.rating"] == "dk"


def test_skip_logic_shows_and_hides(demo: Instrument) -> None:
    assert "q.long" not in [q.id for q in visible_questions(demo, {"q.choice": "a"})]
    assert "q.long" in [q.id for q in visible_questions(demo, {"q.choice": "b"})]
    # an invalid earlier answer never opens a branch
    assert "q.long" not in [q.id for q in visible_questions(demo, {"q.choice": ["b"]})]


def test_hidden_answer_is_dropped_with_a_warning(demo: Instrument) -> None:
    result = validate_answers(demo, {**VALID, "q.long": "text"}, partial=False)
    assert result.ok
    assert [(w.question_id, w.code, w.severity) for w in result.warnings] == [
        ("q.long", ErrorCode.HIDDEN_ANSWERED, Severity.WARNING)
    ]
    assert "q.long" not in result.cleaned
    shown = validate_answers(demo, {**VALID, "q.choice": "b", "q.long": "text"}, partial=False)
    assert shown.cleaned["q.long"] == "text" and not shown.issues


def test_unknown_and_tampered_keys_are_reported(demo: Instrument) -> None:
    tampered: dict[object, object] = {k: v for k, v in VALID.items()}
    tampered.update({"q.injected": "1", "csrf": "x", 3: "y"})
    result = validate_answers(demo, tampered, partial=True)  # type: ignore[arg-type]
    assert sorted(e.question_id for e in result.errors if e.code is ErrorCode.UNKNOWN_QUESTION) == [
        "3",
        "csrf",
        "q.injected",
    ]
    assert not result.ok


def test_an_error_carries_its_code_and_the_parameters_of_its_message(demo: Instrument) -> None:
    """The library words nothing: the application's catalogue does (test_catalogue.py)."""
    result = validate_answers(demo, {**VALID, "q.number": 99}, partial=True)
    (error,) = result.for_question("q.number")
    assert error.code is ErrorCode.OUT_OF_RANGE
    assert error.params == {"range_vi": "từ 1 đến 10", "range_en": "between 1 and 10"}


def test_sipas_branches(demo: Instrument) -> None:
    sipas = builtin_instruments()["sipas_citizen"]
    ids = {q.id for q in visible_questions(sipas, {"sipas.feedback.gave": "no"})}
    assert "sipas.feedback.sat" not in ids and "sipas.policy.access" not in ids
    ids = {
        q.id
        for q in visible_questions(
            sipas,
            {
                "sipas.feedback.gave": "yes",
                "sipas.policy.consent": "yes",
                "sipas.expect.improve": ["faster", "other"],
            },
        )
    }
    assert {"sipas.feedback.sat", "sipas.policy.access", "sipas.expect.other"} <= ids


def test_parse_form_value_types(demo: Instrument) -> None:
    q = demo.question
    assert parse_form_value(q("q.choice"), ["a"]) == "a"
    assert parse_form_value(q("q.choice"), ["", "  "]) is None
    assert parse_form_value(q("q.choice"), ["a", "b"]) == ["a", "b"]
    assert parse_form_value(q("q.multi"), ["x", "", "z"]) == ["x", "z"]
    assert parse_form_value(q("q.number"), [" 7 "]) == 7
    assert parse_form_value(q("q.number"), ["3,5"]) == 3.5
    assert parse_form_value(q("q.number"), ["4.0"]) == 4
    assert parse_form_value(q("q.number"), ["nan"]) == "nan"
    assert parse_form_value(q("q.number"), ["1e3"]) == "1e3"
    assert parse_form_value(q("q.short"), [" hi "]) == "hi"
    assert parse_form_value(q("q.number"), ["1" * 15]) == int("1" * 15)
    assert parse_form_value(q("q.number"), ["1" * 16]) == "1" * 16  # too long: left as text
    assert parse_form_value(q("q.number"), ["1" * 5000]) == "1" * 5000


def test_an_overlong_number_is_refused_with_a_message(demo: Instrument) -> None:
    answers = parse_form(demo, {"q.number": ["7" * 4301]})
    (error,) = validate_answers(demo, answers, partial=True).errors
    assert error.code is ErrorCode.NUMBER_TOO_LONG and error.params == {"limit": 15}


def test_parse_form_round_trip_reports_unparsable_numbers(demo: Instrument) -> None:
    form = {
        "q.choice": ["a"],
        "q.rating": ["good"],
        "q.likert": ["5"],
        "q.multi": ["x"],
        "q.number": ["bảy"],
        "csrf_token": ["t"],
        "evil": ["1"],
    }
    answers = parse_form(demo, form, ignore={"csrf_token"})
    result = validate_answers(demo, answers, partial=False)
    assert {(e.question_id, e.code.value) for e in result.errors} == {
        ("q.number", "not_a_number"),
        ("evil", "unknown_question"),
    }

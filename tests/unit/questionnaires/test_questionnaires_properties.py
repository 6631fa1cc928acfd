"""Property: arbitrary answer mappings only ever produce typed validation results."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from questionnaires_testdata import base_definition

from questionnaires import (
    AnswerError,
    ErrorCode,
    ValidationResult,
    builtin_instruments,
    instrument_from_data,
    parse_form_value,
    validate_answers,
    visible_questions,
)

DEMO = instrument_from_data(base_definition())
SIPAS = builtin_instruments()["sipas_citizen"]
IDS = [q.id for q in DEMO.questions] + [q.id for q in SIPAS.questions]
OPTION_VALUES = sorted({o.value for q in SIPAS.questions + DEMO.questions for o in q.options})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(OPTION_VALUES),
    st.binary(max_size=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner),
        st.frozensets(st.sampled_from(OPTION_VALUES)),
        st.dictionaries(st.text(max_size=3), inner, max_size=2),
    ),
    max_leaves=6,
)
keys = st.one_of(st.sampled_from(IDS), st.text(max_size=20), st.integers())
answers = st.dictionaries(keys, values, max_size=12)


@settings(max_examples=300, deadline=None)
@given(answers, st.booleans())
def test_random_answers_give_typed_results(data: dict[object, object], partial: bool) -> None:
    for instrument in (DEMO, SIPAS):
        result = validate_answers(instrument, data, partial=partial)  # type: ignore[arg-type]
        assert isinstance(result, ValidationResult)
        assert all(
            isinstance(e, AnswerError) and isinstance(e.code, ErrorCode) for e in result.issues
        )
        assert set(result.cleaned) <= set(result.visible)
        shown = visible_questions(instrument, data)  # type: ignore[arg-type]
        assert [q.id for q in shown] == list(result.visible)
        if not partial and result.ok:
            assert not result.missing_required


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=4))
def test_parsed_form_strings_always_validate_to_typed_results(raw: list[str]) -> None:
    for question in DEMO.questions:
        value = parse_form_value(question, raw)
        result = validate_answers(DEMO, {question.id: value}, partial=True)
        assert all(e.question_id == question.id for e in result.issues) or not result.issues

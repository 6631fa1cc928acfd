"""Applying skip logic and validating a respondent's answers against an instrument.

Answers are typed values keyed by question id: an option value (``str``) for single-choice,
likert5 and rating4 questions; a list/tuple of option values for multiple choice; ``int`` or
``float`` for numbers; ``str`` for text. ``None``, ``""`` and ``[]`` mean "not answered".
HTML form strings become such values with ``questionnaires.forms.parse_form_value``.

Questions are walked in form order; a question is visible when its section's and its own
``show_if`` hold over the *cleaned* answers of earlier questions, so an invalid or hidden
earlier answer never makes a later question appear. Nothing here raises on bad input: every
problem becomes an ``AnswerError``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from questionnaires.answer_errors import (
    AnswerError,
    ErrorCode,
    Severity,
    make_error,
    range_phrases,
)
from questionnaires.forms import MAX_NUMBER_DIGITS, is_overlong_number
from questionnaires.model import Instrument, Question, QuestionType

_MAX_KEY_IN_MESSAGE = 80
_LARGEST_NUMBER = 10**MAX_NUMBER_DIGITS
# C0 controls but tab, line feed and carriage return, DEL, lone surrogates (from JSON
# "\ud800") and U+FFFD (what a decoder puts for bytes that were not UTF-8): never typed,
# and neither NUL nor a surrogate can be stored as UTF-8 text.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffd]")


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of ``validate_answers``.

    ``cleaned`` holds the valid answers of visible questions (multiple choice as a tuple in
    option order, integers as ``int``, text stripped); ``visible`` the ids of visible questions
    in form order; ``missing_required`` the visible required questions still unanswered (listed
    in partial mode too, for progress display, without being errors there).
    """

    cleaned: Mapping[str, object]
    issues: tuple[AnswerError, ...]
    visible: tuple[str, ...]
    missing_required: tuple[str, ...]

    @property
    def errors(self) -> tuple[AnswerError, ...]:
        """Issues that block saving."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[AnswerError, ...]:
        """Issues that only report a dropped value (hidden questions answered)."""
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    @property
    def complete(self) -> bool:
        """True when there is no error and every visible required question is answered."""
        return self.ok and not self.missing_required

    def for_question(self, question_id: str) -> tuple[AnswerError, ...]:
        """Issues of one question, for display next to it."""
        return tuple(i for i in self.issues if i.question_id == question_id)


def is_missing(value: object) -> bool:
    """Whether a raw value counts as "not answered"."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | set | frozenset) and len(value) == 0


_Cleaned = tuple[object | None, AnswerError | None]


def _clean_choice(q: Question, value: object) -> _Cleaned:
    if not isinstance(value, str):
        return None, make_error(q.id, ErrorCode.INVALID_TYPE)
    value = value.strip()
    if q.option(value) is None:
        return None, make_error(q.id, ErrorCode.UNKNOWN_OPTION)
    return value, None


def _clean_choices(q: Question, value: object, partial: bool) -> _Cleaned:
    if not isinstance(value, list | tuple | set | frozenset) or not all(
        isinstance(v, str) for v in value
    ):
        return None, make_error(q.id, ErrorCode.INVALID_TYPE)
    chosen = [v.strip() for v in value]
    if any(q.option(v) is None for v in chosen):
        return None, make_error(q.id, ErrorCode.UNKNOWN_OPTION)
    if len(set(chosen)) != len(chosen):
        return None, make_error(q.id, ErrorCode.DUPLICATE_CHOICE)
    if q.max_selections is not None and len(chosen) > q.max_selections:
        return None, make_error(q.id, ErrorCode.TOO_MANY_CHOICES, limit=q.max_selections)
    if not partial and len(chosen) < q.min_selections:
        return None, make_error(q.id, ErrorCode.TOO_FEW_CHOICES, limit=q.min_selections)
    return tuple(o.value for o in q.options if o.value in chosen), None


def _clean_number(q: Question, value: object) -> _Cleaned:
    if isinstance(value, str) and is_overlong_number(value):
        return None, make_error(q.id, ErrorCode.NUMBER_TOO_LONG, limit=MAX_NUMBER_DIGITS)
    if isinstance(value, bool) or not isinstance(value, int | float):
        code = ErrorCode.NOT_A_NUMBER if isinstance(value, str) else ErrorCode.INVALID_TYPE
        return None, make_error(q.id, code)
    if isinstance(value, float) and not math.isfinite(value):
        return None, make_error(q.id, ErrorCode.NOT_A_NUMBER)
    if not -_LARGEST_NUMBER < value < _LARGEST_NUMBER:
        return None, make_error(q.id, ErrorCode.NUMBER_TOO_LONG, limit=MAX_NUMBER_DIGITS)
    if q.integer and value != math.floor(value):
        return None, make_error(q.id, ErrorCode.NOT_AN_INTEGER)
    if (q.minimum is not None and value < q.minimum) or (
        q.maximum is not None and value > q.maximum
    ):
        return None, make_error(q.id, ErrorCode.OUT_OF_RANGE, **range_phrases(q.minimum, q.maximum))
    return (int(value) if q.integer else value), None


def _clean_text(q: Question, value: object) -> _Cleaned:
    if not isinstance(value, str):
        return None, make_error(q.id, ErrorCode.INVALID_TYPE)
    text = value.strip()
    if _UNSTORABLE.search(text):
        return None, make_error(q.id, ErrorCode.INVALID_CHARACTER)
    if q.max_length is not None and len(text) > q.max_length:
        return None, make_error(q.id, ErrorCode.TOO_LONG, limit=q.max_length)
    return text, None


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def _clean_date(q: Question, value: object) -> _Cleaned:
    """A date as ISO ``YYYY-MM-DD``: from a phone's date picker (ISO) or typed the Vietnamese
    way, day first (``25/03/2026``, ``25-3-2026``, ``25.03.2026``)."""
    if not isinstance(value, str):
        return None, make_error(q.id, ErrorCode.INVALID_TYPE)
    text = value.strip()
    iso = _ISO_DATE.fullmatch(text)
    dmy = _DAY_MONTH_YEAR.fullmatch(text)
    parts = (iso[1], iso[2], iso[3]) if iso else (dmy[3], dmy[2], dmy[1]) if dmy else None
    if parts is None:
        return None, make_error(q.id, ErrorCode.NOT_A_DATE)
    try:
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None, make_error(q.id, ErrorCode.NOT_A_DATE)
    if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
        return None, make_error(q.id, ErrorCode.NOT_A_DATE)
    return day.isoformat(), None


def clean_value(q: Question, value: object, *, partial: bool = False) -> _Cleaned:
    """Check one non-missing raw value; returns (cleaned value, None) or (None, error)."""
    if q.type is QuestionType.MULTIPLE_CHOICE:
        return _clean_choices(q, value, partial)
    if q.type.has_options:
        return _clean_choice(q, value)
    if q.type is QuestionType.NUMBER:
        return _clean_number(q, value)
    if q.type is QuestionType.DATE:
        return _clean_date(q, value)
    return _clean_text(q, value)


_LIMIT_CODES = frozenset(
    {
        ErrorCode.OUT_OF_RANGE,
        ErrorCode.TOO_LONG,
        ErrorCode.TOO_MANY_CHOICES,
        ErrorCode.TOO_FEW_CHOICES,
        ErrorCode.NOT_AN_INTEGER,
    }
)


def _with_constraint_message(q: Question, error: AnswerError) -> AnswerError:
    """The error with the questionnaire's own message (``constraint_message``) when the
    answer broke one of the question's limits."""
    if q.constraint_message is None or error.code not in _LIMIT_CODES:
        return error
    message = {"message_vi": q.constraint_message.vi, "message_en": q.constraint_message.en}
    return make_error(q.id, error.code, **{**error.params, **message})


class _Step(NamedTuple):
    """One question of the walk (a tuple: built 40 times per validation)."""

    question: Question
    visible: bool
    raw: object


def _walk(
    instrument: Instrument,
    answers: Mapping[str, object],
    partial: bool,
    cleaned: dict[str, object],
    issues: list[AnswerError],
) -> Iterator[_Step]:
    """Visit questions in order, cleaning visible answers as it goes."""
    for section in instrument.sections:
        shown = section.show_if is None or section.show_if.holds(cleaned)
        for q in section.questions:
            visible = shown and (q.show_if is None or q.show_if.holds(cleaned))
            raw = answers.get(q.id)
            yield _Step(q, visible, raw)
            if is_missing(raw):
                continue
            if not visible:
                issues.append(make_error(q.id, ErrorCode.HIDDEN_ANSWERED))
                continue
            value, error = clean_value(q, raw, partial=partial)
            if error is not None:
                issues.append(_with_constraint_message(q, error))
            else:
                cleaned[q.id] = value


def _unknown_keys(instrument: Instrument, answers: Mapping[str, object]) -> list[AnswerError]:
    errors = []
    for key in answers:
        if isinstance(key, str) and instrument.has_question(key):
            continue
        shown = str(key)[:_MAX_KEY_IN_MESSAGE]
        errors.append(make_error(shown, ErrorCode.UNKNOWN_QUESTION, key=shown))
    return errors


def validate_answers(
    instrument: Instrument, answers: Mapping[str, object], *, partial: bool
) -> ValidationResult:
    """Validate answers; ``partial=True`` for autosave (no required or min-selection check),
    ``partial=False`` at final submission. Unknown or tampered question ids are errors."""
    cleaned: dict[str, object] = {}
    issues: list[AnswerError] = _unknown_keys(instrument, answers)
    visible: list[str] = []
    missing: list[str] = []
    for step in _walk(instrument, answers, partial, cleaned, issues):
        if not step.visible:
            continue
        visible.append(step.question.id)
        if step.question.required and is_missing(step.raw):
            missing.append(step.question.id)
            if not partial:
                issues.append(make_error(step.question.id, ErrorCode.REQUIRED_MISSING))
    return ValidationResult(
        MappingProxyType(cleaned), tuple(issues), tuple(visible), tuple(missing)
    )


def visible_questions(
    instrument: Instrument, answers: Mapping[str, object]
) -> tuple[Question, ...]:
    """The questions shown given the answers so far, in form order (skip logic applied)."""
    steps = _walk(instrument, answers, True, {}, [])
    return tuple(step.question for step in steps if step.visible)

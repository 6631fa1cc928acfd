"""Turning HTML form strings into typed answer values for ``validate_answers``.

Parsing never raises and never decides validity: a string that is not a number is passed on
unchanged so that validation reports ``not_a_number`` next to the question, and several values
for a single-valued question are passed on as a list so validation reports ``invalid_type``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from questionnaires.model import Instrument, Question, QuestionType

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
MAX_NUMBER_DIGITS = 15
"""Digits a number answer may have (a float holds 15 exactly): longer strings are never
converted, so that a 5,000-digit field cannot hit Python's int() limit or eat CPU."""


def _compact_number(text: str) -> str:
    """The field without spaces, a Vietnamese decimal comma ("3,5") made a point."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if "," in compact and "." not in compact:
        compact = compact.replace(",", ".")
    return compact


def is_overlong_number(text: str) -> bool:
    """Whether a field is written as a decimal number with more than ``MAX_NUMBER_DIGITS``
    digits (checked by counting, before any conversion)."""
    compact = _compact_number(text)
    return sum(c.isdigit() for c in compact) > MAX_NUMBER_DIGITS and (
        _NUMBER.fullmatch(compact) is not None
    )


def _parse_number(text: str, integer: bool) -> object:
    """A decimal from the field; accepts a Vietnamese decimal comma ("3,5"). Fields that are
    not numbers, or have more than ``MAX_NUMBER_DIGITS`` digits, are passed on unchanged."""
    compact = _compact_number(text)
    if sum(c.isdigit() for c in compact) > MAX_NUMBER_DIGITS or not _NUMBER.fullmatch(compact):
        return text
    number = float(compact)
    if "." not in compact:
        return int(compact)
    return int(number) if integer and number.is_integer() else number


def parse_form_value(question: Question, raw_strings: Sequence[str]) -> object:
    """Typed value of one question from ``request.form.getlist(question.id)``.

    Empty strings are dropped; no value left gives None (unanswered). Multiple choice gives a
    list of option values; numbers an ``int`` (no decimal point) or ``float``; other types the
    single stripped string.
    """
    values = [s.strip() for s in raw_strings if isinstance(s, str) and s.strip()]
    if not values:
        return None
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return values
    if len(values) > 1:
        return values
    if question.type is QuestionType.NUMBER:
        return _parse_number(values[0], question.integer)
    return values[0]


def parse_form(
    instrument: Instrument, fields: Mapping[str, Sequence[str]], *, ignore: Collection[str] = ()
) -> dict[str, object]:
    """Typed answers from all form fields (e.g. ``request.form.to_dict(flat=False)``).

    Fields named in ``ignore`` (CSRF token, navigation buttons) are skipped; any other field
    that is not a question is kept as its raw list so ``validate_answers`` reports it as
    ``unknown_question`` instead of it being silently dropped.
    """
    answers: dict[str, object] = {}
    for name, raw in fields.items():
        if name in ignore:
            continue
        if instrument.has_question(name):
            answers[name] = parse_form_value(instrument.question(name), list(raw))
        else:
            answers[name] = list(raw)
    return answers

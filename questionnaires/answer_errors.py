"""Answer validation errors: stable codes with their parameters (worded by the application).

Codes never change meaning once published (the form service and stored drafts key on them);
add new codes rather than repurposing old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes of answer problems."""

    REQUIRED_MISSING = "required_missing"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_OPTION = "unknown_option"
    UNKNOWN_QUESTION = "unknown_question"
    TOO_LONG = "too_long"
    TOO_MANY_CHOICES = "too_many_choices"
    TOO_FEW_CHOICES = "too_few_choices"
    DUPLICATE_CHOICE = "duplicate_choice"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    INVALID_TYPE = "invalid_type"
    HIDDEN_ANSWERED = "hidden_answered"
    NUMBER_TOO_LONG = "number_too_long"
    INVALID_CHARACTER = "invalid_character"
    NOT_A_DATE = "not_a_date"


class Severity(StrEnum):
    """An ERROR blocks saving the answer; a WARNING reports a value that was dropped."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class AnswerError:
    """One problem with the answer to one question (or with an unknown key): a stable code
    and its parameters; the application's catalogue words it (``answer.<code>``)."""

    question_id: str
    code: ErrorCode
    params: dict[str, object] = field(default_factory=dict)
    severity: Severity = Severity.ERROR


def _number_vi(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def range_phrases(low: float | None, high: float | None) -> dict[str, str]:
    """The ``range_vi`` / ``range_en`` parameters of an out-of-range message."""
    if low is not None and high is not None:
        return {
            "range_vi": f"từ {_number_vi(low)} đến {_number_vi(high)}",
            "range_en": f"between {low:g} and {high:g}",
        }
    if low is not None:
        return {"range_vi": f"ít nhất {_number_vi(low)}", "range_en": f"at least {low:g}"}
    assert high is not None
    return {"range_vi": f"nhiều nhất {_number_vi(high)}", "range_en": f"at most {high:g}"}


def make_error(question_id: str, code: ErrorCode, **params: object) -> AnswerError:
    """An AnswerError with the parameters its message needs."""
    severity = Severity.WARNING if code is ErrorCode.HIDDEN_ANSWERED else Severity.ERROR
    return AnswerError(question_id, code, dict(params), severity)

"""The catalogue of answer validation errors: stable codes with Vietnamese and English text.

Codes never change meaning once published (the form service and stored drafts key on them);
add new codes rather than repurposing old ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from questionnaires.model import LocalizedText


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


class Severity(StrEnum):
    """An ERROR blocks saving the answer; a WARNING reports a value that was dropped."""

    ERROR = "error"
    WARNING = "warning"


_MESSAGES: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.REQUIRED_MISSING: ("Vui lòng trả lời câu hỏi này.", "Please answer this question."),
    ErrorCode.OUT_OF_RANGE: ("Giá trị phải {range_vi}.", "The value must be {range_en}."),
    ErrorCode.UNKNOWN_OPTION: ("Lựa chọn không hợp lệ cho câu hỏi này.",
                               "This option is not valid for the question."),
    ErrorCode.UNKNOWN_QUESTION: ("Phiếu không có câu hỏi «{key}».",
                                 "This form has no question «{key}»."),
    ErrorCode.TOO_LONG: ("Câu trả lời dài quá {limit} ký tự.",
                         "The answer is longer than {limit} characters."),
    ErrorCode.TOO_MANY_CHOICES: ("Chỉ được chọn tối đa {limit} phương án.",
                                 "Choose at most {limit} options."),
    ErrorCode.TOO_FEW_CHOICES: ("Vui lòng chọn ít nhất {limit} phương án.",
                                "Choose at least {limit} options."),
    ErrorCode.DUPLICATE_CHOICE: ("Một phương án được chọn nhiều lần.",
                                 "An option was selected more than once."),
    ErrorCode.NOT_A_NUMBER: ("Vui lòng nhập một số.", "Please enter a number."),
    ErrorCode.NOT_AN_INTEGER: ("Vui lòng nhập một số nguyên.", "Please enter a whole number."),
    ErrorCode.INVALID_TYPE: ("Câu trả lời không đúng định dạng.",
                             "The answer has the wrong format."),
    ErrorCode.NUMBER_TOO_LONG: ("Số quá dài: tối đa {limit} chữ số.",
                                "The number is too long: at most {limit} digits."),
    ErrorCode.INVALID_CHARACTER: ("Câu trả lời có ký tự không hợp lệ (ký tự điều khiển).",
                                  "The answer contains an invalid (control) character."),
    ErrorCode.HIDDEN_ANSWERED: (
        "Câu hỏi này không áp dụng theo các câu trả lời trước; câu trả lời đã được bỏ qua.",
        "This question does not apply given earlier answers; the answer was ignored."),
}


@dataclass(frozen=True)
class AnswerError:
    """One problem with the answer to one question (or with an unknown key)."""

    question_id: str
    code: ErrorCode
    message: LocalizedText
    severity: Severity = Severity.ERROR


def _number_vi(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def range_phrases(low: float | None, high: float | None) -> dict[str, str]:
    """The ``range_vi`` / ``range_en`` parameters of an out-of-range message."""
    if low is not None and high is not None:
        return {"range_vi": f"từ {_number_vi(low)} đến {_number_vi(high)}",
                "range_en": f"between {low:g} and {high:g}"}
    if low is not None:
        return {"range_vi": f"ít nhất {_number_vi(low)}", "range_en": f"at least {low:g}"}
    assert high is not None
    return {"range_vi": f"nhiều nhất {_number_vi(high)}", "range_en": f"at most {high:g}"}


def make_error(question_id: str, code: ErrorCode, **params: object) -> AnswerError:
    """An AnswerError with its message filled in from the catalogue."""
    vi, en = _MESSAGES[code]
    severity = Severity.WARNING if code is ErrorCode.HIDDEN_ANSWERED else Severity.ERROR
    return AnswerError(question_id, code, LocalizedText(vi.format(**params), en.format(**params)),
                       severity)

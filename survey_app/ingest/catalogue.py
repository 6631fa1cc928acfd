"""The list reader's stable codes; their words are in the application's one catalogue.

Codes are stable strings (StrEnum) that the web layer, the database and the CLI may store;
messages are templates filled with ``str.format`` keyword parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from survey_app.catalogue import CATALOGUE


class ErrorCode(StrEnum):
    """Why a whole file cannot be read."""

    EMPTY_FILE = "empty_file"
    CORRUPT_FILE = "corrupt_file"
    PASSWORD_PROTECTED = "password_protected"  # noqa: S105 (an error code, not a secret)
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    NO_HEADER = "no_header"
    TOO_MANY_ROWS = "too_many_rows"
    DOC_NEEDS_LIBREOFFICE = "doc_needs_libreoffice"
    TOO_COMPLEX = "too_complex"
    UNREADABLE = "unreadable"
    CELL_TOO_LONG = "cell_too_long"


class ReasonCode(StrEnum):
    """Why a row is excluded from the eligible frame."""

    MISSING_NAME = "missing_name"
    MISSING_ADDRESS = "missing_address"
    MISSING_PROCEDURE = "missing_procedure"
    MISSING_POSITION = "missing_position"
    MISSING_UNIT = "missing_unit"
    MISSING_REQUIRED_PHONE = "missing_required_phone"
    MISSING_REQUIRED_EMAIL = "missing_required_email"
    RESULT_NOT_RECEIVED = "result_not_received"
    INVALID_RESULT_DATE = "invalid_result_date"
    OUTSIDE_WINDOW = "outside_window"
    RESULT_BEFORE_APPLICATION = "result_before_application"
    OUTSIDE_LOCALITY = "outside_locality"
    DUPLICATE = "duplicate"


class WarningCode(StrEnum):
    """A problem on a row that leaves it eligible."""

    MISSING_PHONE = "missing_phone"
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    INVALID_APPLICATION_DATE = "invalid_application_date"
    FIELD_NOT_RECOGNISED = "field_not_recognised"
    SPLIT_LOCALITY = "split_locality"
    UNKNOWN_LOCALITY = "unknown_locality"


class ListWarningCode(StrEnum):
    """A problem with the list as a whole."""

    FIELDS_NOT_COVERED = "fields_not_covered"
    BELOW_REQUIRED = "below_required"


@dataclass(frozen=True, slots=True)
class Message:
    """A message template in Vietnamese and English."""

    vi: str
    en: str


Code = ErrorCode | ReasonCode | WarningCode | ListWarningCode


def render(code: Code, params: dict[str, str] | None = None) -> Message:
    """The messages of ``code`` from the application's one catalogue (``survey_app.catalogue``,
    plain data, no Flask), filled with ``params`` (missing keys stay visible)."""
    vi, en = CATALOGUE[code.value]
    values = _Defaulting(params or {})
    return Message(vi.format_map(values), en.format_map(values))


class _Defaulting(dict[str, str]):
    """A format mapping that leaves an unknown placeholder as ``{name}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class IngestError(Exception):
    """A file that cannot be read, with a stable code and messages in both languages."""

    def __init__(self, code: ErrorCode, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    @classmethod
    def of(cls, code: ErrorCode, **params: object) -> IngestError:
        """Build the error of ``code`` with its catalogue messages filled from ``params``."""
        message = render(code, {key: str(value) for key, value in params.items()})
        return cls(code, message.vi, message.en)

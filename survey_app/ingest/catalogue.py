"""The one catalogue of ingest codes and their messages in Vietnamese and English.

Codes are stable strings (StrEnum) that the web layer, the database and the CLI may store;
messages are templates filled with ``str.format`` keyword parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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

MESSAGES: dict[Code, Message] = {
    ErrorCode.EMPTY_FILE: Message("Tệp rỗng, không có dữ liệu.", "The file is empty."),
    ErrorCode.CORRUPT_FILE: Message(
        "Tệp bị hỏng hoặc không đúng định dạng {kind}: {detail}",
        "The file is damaged or is not a valid {kind} file: {detail}",
    ),
    ErrorCode.PASSWORD_PROTECTED: Message(
        "Tệp được đặt mật khẩu. Vui lòng bỏ mật khẩu rồi tải lên lại.",
        "The file is password-protected. Remove the password and upload it again.",
    ),
    ErrorCode.TOO_LARGE: Message(
        "Tệp quá lớn ({size} byte, tối đa {limit} byte).",
        "The file is too large ({size} bytes, the limit is {limit} bytes).",
    ),
    ErrorCode.UNSUPPORTED_TYPE: Message(
        "Định dạng tệp không được hỗ trợ ({kind}). Hãy gửi .xlsx, .xls, .ods, .csv hoặc .docx.",
        "Unsupported file type ({kind}). Send .xlsx, .xls, .ods, .csv or .docx.",
    ),
    ErrorCode.NO_HEADER: Message(
        "Không tìm thấy dòng tiêu đề cột (Họ và tên, Địa chỉ, Số điện thoại...) "
        "trong {rows} dòng đầu.",
        "No column header row (name, address, phone...) was found in the first {rows} rows.",
    ),
    ErrorCode.TOO_MANY_ROWS: Message(
        "Danh sách có quá nhiều dòng (tối đa {limit} dòng dữ liệu).",
        "The list has too many rows (at most {limit} data rows).",
    ),
    ErrorCode.DOC_NEEDS_LIBREOFFICE: Message(
        "Không đọc được tệp Word cũ (.doc) trên máy chủ này. Vui lòng lưu lại dưới dạng .docx.",
        "Old Word files (.doc) cannot be read on this server. Please save the file as .docx.",
    ),
    ErrorCode.TOO_COMPLEX: Message(
        "Tệp quá lớn hoặc quá phức tạp để đọc (vượt giới hạn bộ nhớ hoặc thời gian xử lý). "
        "Hãy lưu lại tệp chỉ với bảng danh sách, xóa các ô thừa ở xa bảng, rồi tải lên lại.",
        "The file is too large or too complex to read (it exceeded the memory or time limit "
        "for reading). Save it again with only the list table, delete stray cells far from "
        "the table, and upload it again.",
    ),
    ErrorCode.UNREADABLE: Message(
        "Không đọc được tệp này ({detail}). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại "
        "dưới dạng .xlsx rồi tải lên lại.",
        "This file cannot be read ({detail}). Open it in Excel or LibreOffice, save it as "
        ".xlsx and upload it again.",
    ),
    ErrorCode.CELL_TOO_LONG: Message(
        "Có ô dài quá {limit} ký tự (gần dòng {row}). Một ô danh sách không thể dài như vậy; "
        "hãy kiểm tra lại tệp (có thể thiếu dấu ngoặc kép đóng trong tệp CSV).",
        "A cell is longer than {limit} characters (near row {row}). No list cell is that "
        "long; check the file (a CSV file may be missing a closing quote).",
    ),
    ReasonCode.MISSING_NAME: Message("Thiếu họ và tên.", "The name is missing."),
    ReasonCode.MISSING_ADDRESS: Message("Thiếu địa chỉ.", "The address is missing."),
    ReasonCode.MISSING_PROCEDURE: Message(
        "Thiếu lĩnh vực hoặc tên thủ tục hành chính.",
        "The procedure field and the procedure name are both missing.",
    ),
    ReasonCode.MISSING_POSITION: Message("Thiếu chức vụ.", "The position is missing."),
    ReasonCode.MISSING_UNIT: Message("Thiếu đơn vị.", "The unit is missing."),
    ReasonCode.RESULT_NOT_RECEIVED: Message(
        "Chưa nhận kết quả giải quyết thủ tục hành chính.",
        "The result of the procedure has not been received yet.",
    ),
    ReasonCode.INVALID_RESULT_DATE: Message(
        "Không đọc được ngày nhận kết quả: {value}",
        "The result date cannot be read: {value}",
    ),
    ReasonCode.OUTSIDE_WINDOW: Message(
        "Ngày {value} nằm ngoài thời gian khảo sát ({date_from} – {date_to}).",
        "The date {value} is outside the survey window ({date_from} – {date_to}).",
    ),
    ReasonCode.RESULT_BEFORE_APPLICATION: Message(
        "Ngày nhận kết quả ({result}) trước ngày nộp hồ sơ ({application}).",
        "The result date ({result}) is before the application date ({application}).",
    ),
    ReasonCode.OUTSIDE_LOCALITY: Message(
        "Địa chỉ không thuộc {unit} ({place}).",
        "The address is not in {unit} ({place}).",
    ),
    ReasonCode.DUPLICATE: Message(
        "Trùng người với dòng {row}.",
        "The same person as row {row}.",
    ),
    WarningCode.MISSING_PHONE: Message(
        "Không có số điện thoại (vẫn có thể liên hệ qua thư hoặc trực tiếp).",
        "No phone number (the person can still be reached by letter or in person).",
    ),
    WarningCode.INVALID_PHONE: Message(
        "Số điện thoại không hợp lệ: {value}",
        "Invalid phone number: {value}",
    ),
    WarningCode.INVALID_EMAIL: Message("Email không hợp lệ: {value}", "Invalid email: {value}"),
    WarningCode.INVALID_APPLICATION_DATE: Message(
        "Không đọc được ngày nộp hồ sơ: {value}",
        "The application date cannot be read: {value}",
    ),
    WarningCode.FIELD_NOT_RECOGNISED: Message(
        "Lĩnh vực không có trong danh mục của đơn vị: {value}",
        "The procedure field is not in the unit's list of fields: {value}",
    ),
    ListWarningCode.FIELDS_NOT_COVERED: Message(
        "Danh sách chưa có người thuộc các lĩnh vực: {fields}.",
        "Nobody eligible in these procedure fields: {fields}.",
    ),
    ListWarningCode.BELOW_REQUIRED: Message(
        "Chỉ có {eligible} người hợp lệ, cần {required} (thiếu {shortfall}).",
        "Only {eligible} eligible people, {required} required ({shortfall} short).",
    ),
}


def render(code: Code, params: dict[str, str] | None = None) -> Message:
    """Fill the message templates of ``code`` with ``params`` (missing keys stay visible)."""
    template = MESSAGES[code]
    values = _Defaulting(params or {})
    return Message(template.vi.format_map(values), template.en.format_map(values))


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

"""Recognising column headers as officers type them, and rows that are not people.

Headers are matched on their folded form (no diacritics, lower case, letters and digits
only), so "Số ĐT", "SO DT" and "số đt:" are the same header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from survey_app.ingest.text import clean_text, fold, fold_words


class Column(StrEnum):
    """Canonical columns of a respondent list."""

    STT = "stt"
    FULL_NAME = "full_name"
    BIRTH = "birth"
    GENDER = "gender"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    FIELD = "field"
    PROCEDURE = "procedure"
    APPLICATION_DATE = "application_date"
    RESULT_DATE = "result_date"
    RESULT_RECEIVED = "result_received"
    POSITION = "position"
    UNIT = "unit"
    NOTE = "note"


class SkipKind(StrEnum):
    """Why a row below the header is not a data row."""

    BLANK = "blank"
    COLUMN_NUMBERS = "column_numbers"
    EXAMPLE = "example"
    TOTAL = "total"
    FOOTER = "footer"


# Ordered rules on the folded header: the first match wins, so specific rules come first.
_HEADER_RULES: tuple[tuple[Column, re.Pattern[str]], ...] = tuple(
    (column, re.compile(pattern))
    for column, pattern in (
        (Column.STT, r"^(stt|tt|sothutu|thutu|so|no)$"),
        (Column.EMAIL, r"(email|thudientu|mail)"),
        (Column.PHONE, r"(dienthoai|^sdt|^dt|didong|^mobile|^phone|^tel)"),
        (Column.BIRTH, r"(namsinh|ngaysinh|ngaythangnamsinh|^tuoi$)"),
        (Column.GENDER, r"^(gioitinh|gioi|phai)"),
        (Column.RESULT_RECEIVED, r"^(danhan|danhanketqua|tinhtrang|trangthai|nhankq$)"),
        (
            Column.APPLICATION_DATE,
            r"^(ngay|thoigian|thoidiem).*(nop|tiepnhan|giaodich|nhanhoso|nhanhs)",
        ),
        (Column.RESULT_DATE, r"^(ngay|thoigian|thoidiem).*(tra|ketqua|kq|hen|nhan)"),
        (Column.FIELD, r"^(linhvuc|nhomthutuc|nganh)"),
        (Column.PROCEDURE, r"^(ten)?(tthc|thutuc|hoso|loaihoso|noidung)"),
        (
            Column.FULL_NAME,
            r"^(hovaten|hoten|hotennguoi|ten(nguoi|canhan|tochuc|congdan|daibieu)|"
            r"ten$|hovatendaibieu|canhantochuc|nguoinop)",
        ),
        (
            Column.ADDRESS,
            r"^(diachi|noicutru|noio|choo|thuongtru|quequan|diachithuongtru|"
            r"noithuongtru|diachicutru|diachilienhe)",
        ),
        (Column.POSITION, r"^(chucvu|chucdanh|chucvuchucdanh)"),
        (Column.UNIT, r"(donvi|coquan|noicongtac|noilamviec|tochuc$)"),
        (Column.NOTE, r"^(ghichu|note)"),
    )
)

HEADER_SCAN_ROWS = 20
_MIN_HEADER_SCORE = 2


def match_header(cell: object) -> Column | None:
    """Canonical column of one header cell, or None when it is not recognised."""
    folded = fold(clean_text(cell))
    if not folded or len(folded) > 60:
        return None
    for column, pattern in _HEADER_RULES:
        if pattern.search(folded):
            return column
    return None


def map_header(cells: Sequence[object]) -> dict[int, Column]:
    """Column index -> canonical column for a header row; the first of a repeated column wins."""
    mapping: dict[int, Column] = {}
    seen: set[Column] = set()
    for index, cell in enumerate(cells):
        column = match_header(cell)
        if column is not None and column not in seen:
            mapping[index] = column
            seen.add(column)
    return mapping


def header_score(cells: Sequence[object]) -> int:
    """How many distinct known columns a row names (STT does not count)."""
    return sum(1 for column in map_header(cells).values() if column is not Column.STT)


def find_header(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the best header among the first rows, or None when no row scores enough."""
    best_index, best_score = None, _MIN_HEADER_SCORE - 1
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score(cells)
        if score > best_score:
            best_index, best_score = index, score
    return best_index


_TOTAL_TYPED = re.compile(r"^(tổng|cộng)\b", re.IGNORECASE)
_TOTAL_FOLDED = re.compile(r"^(tong cong|tong so)\b")
_FOOTER_STRONG = re.compile(
    r"(nguoi lap|ky ghi ro|ky ten|ky va ghi|dong dau|thu truong|xac nhan cua|noi nhan"
    r"|ngay\s*\S*\s*thang\s*\S*\s*nam)"
)
_FOOTER_WEAK = re.compile(r"^(chu tich|pho chu tich|giam doc|truong phong|kt |tm |q |ubnd)")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_EXAMPLE = re.compile(r"^(vd|vi du|mau)$")


def classify_row(
    cells: Sequence[object], columns: dict[Column, int], in_footer: bool
) -> SkipKind | None:
    """Why a row under the header is not a person, or None for a data row.

    A row with a number in the STT column and a name is always data. Otherwise blank rows,
    rows of column numbers "(1) (2) ...", example rows, totals ("Tổng cộng", "Cộng") and
    signature blocks (and every row after a signature block) are skipped.
    """
    stt = _raw_text(cells, columns.get(Column.STT))
    name = _raw_text(cells, columns.get(Column.FULL_NAME))
    if is_total(name):
        return SkipKind.TOTAL
    if stt.isdigit() and name:
        return None
    texts = [clean_text(cell) for cell in cells]
    people_cells = [
        text for index, text in enumerate(texts) if text and index != columns.get(Column.STT, -1)
    ]
    if not people_cells:
        return SkipKind.BLANK
    if all(_COLUMN_NUMBER.match(text) for text in texts if text):
        return SkipKind.COLUMN_NUMBERS
    if _EXAMPLE.match(fold_words(stt)):
        return SkipKind.EXAMPLE
    if in_footer:
        return SkipKind.FOOTER
    folded = [fold_words(text) for text in people_cells]
    if not stt and is_total(people_cells[0]):
        return SkipKind.TOTAL
    if any(_FOOTER_STRONG.search(text) for text in folded):
        return SkipKind.FOOTER
    if not name and any(_FOOTER_WEAK.match(text) for text in folded):
        return SkipKind.FOOTER
    return None


def is_total(text: str) -> bool:
    """Whether a cell starts a total line: "Tổng cộng", "Cộng", "Tổng số", "TONG CONG"."""
    if not text or text[0] not in "TtCc":
        return False
    head = text[:16]
    return bool(_TOTAL_TYPED.match(clean_text(head)) or _TOTAL_FOLDED.match(fold_words(head)))


def _raw_text(cells: Sequence[object], index: int | None) -> str:
    """Trimmed text of one cell ("" when absent); whole numbers without ".0"."""
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return clean_text(value)

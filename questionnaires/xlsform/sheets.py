"""Reading the sheets of an untrusted workbook with bounded size, rows and cells.

A workbook is opened in openpyxl's streaming mode without evaluating anything; formula cells
are reported (never computed); header names are normalised so ``label::Tiếng Việt (vi)`` and
``label::vi`` are the same column.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from questionnaires.xlsform.problems import SheetProblem

MAX_FILE_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 25_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 4_000

_LANGUAGE = re.compile(r"^(?P<base>[a-z_]+)::.*\((?P<code>[a-z]{2})\)\s*$")


def column_key(header: str) -> str:
    """``Label::Tiếng Việt (vi)`` -> ``label::vi``; ``label::vi`` and ``type`` unchanged."""
    text = header.strip().lower()
    match = _LANGUAGE.match(text)
    if match:
        return f"{match['base']}::{match['code']}"
    return re.sub(r"\s*::\s*", "::", text)


@dataclass
class Row:
    """One non-empty row: its 1-based number and cells by normalised column name."""

    number: int
    cells: dict[str, str]
    formulas: set[str] = field(default_factory=set)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Sheet:
    name: str
    columns: dict[str, str]  # normalised -> as written
    rows: list[Row]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unpacks_within_bounds(data: bytes) -> bool:
    """The archive's declared unpacked size is within :data:`MAX_UNPACKED_BYTES` (checked
    before openpyxl reads anything: a zip bomb is refused unread)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(i.file_size for i in archive.infolist()) <= MAX_UNPACKED_BYTES
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def workbook_kind(data: bytes) -> str:
    """``tree`` for a criteria tree workbook (a ``criteria`` sheet, no ``survey``), else
    ``instrument`` (also for a file that cannot be read: its reader says why)."""
    if len(data) > MAX_FILE_BYTES or not _unpacks_within_bounds(data):
        return "instrument"  # the reader says why
    try:
        book = load_workbook(io.BytesIO(data), read_only=True)  # sheet names only: lazy
        names = {ws.title.strip().lower() for ws in book.worksheets}
        book.close()
    except Exception:  # noqa: BLE001 - the reader reports an unreadable file
        return "instrument"
    return "tree" if "criteria" in names and "survey" not in names else "instrument"


def read_sheets(data: bytes, problems: list[SheetProblem]) -> dict[str, Sheet] | None:
    """Every sheet by lower-case name, or None (with a problem) when the file is unusable."""
    if len(data) > MAX_FILE_BYTES:
        problems.append(SheetProblem("", 0, "", "too_large", f"> {MAX_FILE_BYTES:,} bytes"))
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            problems.append(SheetProblem("", 0, "", "too_large", "unpacked content"))
            return None
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable upload is one clear problem
        problems.append(SheetProblem("", 0, "", "not_xlsx"))
        return None
    sheets: dict[str, Sheet] = {}
    try:
        for worksheet in book.worksheets:
            sheet = _sheet(worksheet, problems)
            if sheet is not None:
                sheets.setdefault(worksheet.title.strip().lower(), sheet)
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        problems.append(SheetProblem("", 0, "", "not_xlsx"))
        return None
    finally:
        book.close()
    return sheets


def _sheet(worksheet: object, problems: list[SheetProblem]) -> Sheet | None:
    name = str(getattr(worksheet, "title", "")).strip()
    rows_iter = worksheet.iter_rows(max_col=MAX_COLUMNS)  # type: ignore[attr-defined]
    header: list[str] = []
    rows: list[Row] = []
    for number, cells in enumerate(rows_iter, start=1):
        if number > MAX_ROWS + 1:
            problems.append(SheetProblem(name, 0, "", "too_many_rows", f"> {MAX_ROWS:,}"))
            return None
        if not header:
            header = [_text(c.value) for c in cells]
            if not any(header):
                header = []
            continue
        row = Row(number, {})
        for title, cell in zip(header, cells, strict=False):
            key = column_key(title) if title else ""
            if not key:
                continue
            if getattr(cell, "data_type", None) == "f":
                row.formulas.add(key)
                continue
            text = _text(cell.value)
            if len(text) > MAX_CELL_CHARS:
                problems.append(SheetProblem(name, number, title, "too_large", "cell"))
                text = text[:MAX_CELL_CHARS]
            if text:
                row.cells[key] = text
        if row.cells or row.formulas:
            rows.append(row)
    columns = {column_key(h): h for h in header if h}
    return Sheet(name, columns, rows)

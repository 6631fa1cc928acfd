"""OpenDocument spreadsheets (.ods) read from content.xml with defusedxml.

Repeated rows and columns (how LibreOffice stores runs of empty cells) are expanded
only up to the next non-empty cell, so a sheet that declares a million empty rows
costs nothing; cells covered by a merge take the merged cell's value.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.table import GridRow, SheetSource

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_MAX_COLUMNS = 1024
_MAX_SPANS = 20_000
MAX_CELLS = 5_000_000
"""Most cells (repetitions expanded) one .ods may hold; more is refused, not read."""
MAX_CELL_CHARS = 32_767
"""Longest text of one cell (Excel's own limit); text:s runs and paragraphs stop there."""


def _q(namespace: str, name: str) -> str:
    """Clark-notation name ``{namespace}name``."""
    return f"{{{namespace}}}{name}"


_T_TABLE, _T_ROW = _q(_TABLE, "table"), _q(_TABLE, "table-row")
_T_CELL, _T_COVERED = _q(_TABLE, "table-cell"), _q(_TABLE, "covered-table-cell")
_A_NAME = _q(_TABLE, "name")
_A_ROWS_REPEATED = _q(_TABLE, "number-rows-repeated")
_A_COLS_REPEATED = _q(_TABLE, "number-columns-repeated")
_A_COLS_SPANNED = _q(_TABLE, "number-columns-spanned")
_A_ROWS_SPANNED = _q(_TABLE, "number-rows-spanned")
_A_TYPE, _A_VALUE = _q(_OFFICE, "value-type"), _q(_OFFICE, "value")
_A_DATE, _A_BOOL = _q(_OFFICE, "date-value"), _q(_OFFICE, "boolean-value")
_T_P, _T_S = _q(_TEXT, "p"), _q(_TEXT, "s")
_A_C = _q(_TEXT, "c")


def ods_sheets(data: bytes) -> list[SheetSource]:
    """Every table of an .ods as a grid, in document order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
        return _parse(content)
    except (
        KeyError,
        zipfile.BadZipFile,
        SafeET.ParseError,
        ValueError,
        TypeError,
        OverflowError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="ods", detail=exc) from exc
    except DefusedXmlException as exc:  # entities, external references: never expanded
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="ods", detail=exc) from exc


def _parse(content: bytes) -> list[SheetSource]:
    """Walk content.xml once, building each table's rows."""
    sheets: list[SheetSource] = []
    state = _SheetState()
    for event, element in SafeET.iterparse(io.BytesIO(content), events=("start", "end")):
        if event == "start":
            if element.tag == _T_TABLE:
                state = _SheetState()
            continue
        if element.tag in (_T_CELL, _T_COVERED):
            state.add_cell(element)
        elif element.tag == _T_ROW:
            state.end_row(int(element.get(_A_ROWS_REPEATED, "1")))
            element.clear()
        elif element.tag == _T_TABLE:
            sheets.append(SheetSource(element.get(_A_NAME, f"Sheet{len(sheets) + 1}"), state.rows))
            element.clear()
    return sheets


class _SheetState:
    """Rows of the table being parsed, the current row and the merges still open."""

    def __init__(self) -> None:
        self.rows: list[GridRow] = []
        self.row_number = 1
        self.cells: list[object] = []
        self.pending_empty = 0
        self.spans: list[tuple[int, int, int, int, object]] = []
        self.cell_count = 0

    def add_cell(self, element: Any) -> None:
        """Append a cell (and its repetitions) to the current row."""
        repeat = int(element.get(_A_COLS_REPEATED, "1"))
        if element.tag == _T_COVERED:
            value = self._covering_value(len(self.cells) + self.pending_empty)
        else:
            value = _cell_value(element)
            self._open_span(element, value)
        if value is None:
            self.pending_empty += repeat
            return
        if len(self.cells) + self.pending_empty + repeat > _MAX_COLUMNS:
            return
        self.cells.extend([None] * self.pending_empty + [value] * repeat)
        self.pending_empty = 0

    def end_row(self, repeat: int) -> None:
        """Close the current row; empty repeated rows only advance the row number."""
        if any(cell is not None for cell in self.cells):
            copies = min(repeat, 1000)
            self.cell_count += copies * len(self.cells)
            if self.cell_count > MAX_CELLS:
                raise IngestError.of(ErrorCode.TOO_COMPLEX)
            for offset in range(copies):
                self.rows.append((self.row_number + offset, list(self.cells)))
        self.row_number += repeat
        self.cells = []
        self.pending_empty = 0

    def _open_span(self, element: Any, value: object) -> None:
        """Remember a merged cell so the cells it covers can take its value."""
        columns = int(element.get(_A_COLS_SPANNED, "1"))
        rows = int(element.get(_A_ROWS_SPANNED, "1"))
        if (columns > 1 or rows > 1) and value is not None and len(self.spans) < _MAX_SPANS:
            col = len(self.cells) + self.pending_empty
            self.spans.append(
                (self.row_number, self.row_number + rows - 1, col, col + columns - 1, value)
            )

    def _covering_value(self, col: int) -> object:
        """Value of the merged cell covering (current row, ``col``), if any."""
        for first_row, last_row, first_col, last_col, value in self.spans:
            if first_row <= self.row_number <= last_row and first_col <= col <= last_col:
                return value
        return None


def _cell_value(element: Any) -> object:
    """Python value of a table:table-cell by its office:value-type."""
    kind = element.get(_A_TYPE)
    if kind in ("float", "percentage", "currency"):
        number = float(element.get(_A_VALUE, "nan"))
        return int(number) if number.is_integer() else number
    if kind == "date" and element.get(_A_DATE):
        return _date_value(element)
    if kind == "boolean":
        return element.get(_A_BOOL) == "true"
    text = "\n".join(_paragraph_text(p) for p in element.iter(_T_P))[:MAX_CELL_CHARS]
    return text or None


def _date_value(element: Any) -> object:
    """An office:date-value as a datetime; a value that is no ISO date keeps its text."""
    try:
        return datetime.fromisoformat(element.get(_A_DATE))
    except ValueError:
        text = "\n".join(_paragraph_text(p) for p in element.iter(_T_P))
        return text[:MAX_CELL_CHARS] or element.get(_A_DATE)


def _paragraph_text(paragraph: Any) -> str:
    """Text of a text:p, with text:s runs of spaces expanded."""
    parts: list[str] = [paragraph.text or ""]
    length = len(parts[0])
    for child in paragraph:
        if length > MAX_CELL_CHARS:
            break
        if child.tag == _T_S:
            parts.append(" " * max(0, min(int(child.get(_A_C, "1")), MAX_CELL_CHARS)))
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
        length += len(parts[-1]) + len(parts[-2])
    return "".join(parts)

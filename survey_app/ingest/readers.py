"""Grids of cells from spreadsheets and Word tables, with row numbers as the officer sees them.

Each reader returns one ``SheetSource`` per sheet (or per Word table); ``read_table``
picks the one with the recognisable header. Merged cells are filled with the value of
their top-left cell so that a field merged down several rows reaches every row.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import xlrd
from openpyxl.utils.cell import range_boundaries
from python_calamine import CalamineWorkbook

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.table import GridRow, SheetSource

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_MAX_MERGES = 20_000
MAX_DENSE_CELLS = 6_000_000
"""Largest rows x columns box calamine may fill (it allocates the whole box, ~32 bytes a
cell, even for one cell at XFD1048576); a larger sheet is read row by row by openpyxl."""
# A cell reference with two or more column letters (past Z) or a row of six digits or more
# (past 99,999): refs without either are inside the 26 x 99,999 box below.
_FAR_REF = re.compile(rb' r="([A-Z]{2,}[0-9]+|[A-Z][0-9]{6,})"')
_NEAR_COLUMNS, _NEAR_ROWS = 26, 99_999
_REF_PARTS = re.compile(rb"([A-Z]+)([0-9]+)")
_SOFFICE_TIMEOUT_S = 120

Merge = tuple[int, int, int, int]
"""A merged range as (min_col, min_row, max_col, max_row), 1-based and inclusive."""


def xlsx_sheets(data: bytes) -> list[SheetSource]:
    """Worksheets of an .xlsx; formulas give their cached values, never evaluated.

    calamine (Rust) reads them about ten times faster than openpyxl, whose read-only mode
    re-parses a whole sheet just to size it when the file states no dimensions. openpyxl stays
    the reference reader: it is used when calamine cannot open the file, and it produces the
    corrupt-file messages.
    """
    if largest_grid(data) <= MAX_DENSE_CELLS:
        try:
            return _calamine_sheets(data)
        except Exception:  # noqa: BLE001, S110 - calamine failed: the reference reader decides
            pass
    return _openpyxl_sheets(data)


def largest_grid(data: bytes) -> int:
    """The largest rows x columns box any worksheet of an .xlsx spans, from its cell refs.

    Read from the XML with one regular expression, before any reader builds a grid; an
    upper bound (a sheet inside A1:Z99999 counts as the whole box). An unreadable zip
    counts as too large, so the reference reader reports it.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return max(
                (
                    _grid_of(archive.read(name))
                    for name in archive.namelist()
                    if name.startswith("xl/worksheets/") and name.endswith(".xml")
                ),
                default=0,
            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return MAX_DENSE_CELLS + 1


def _column_number(letters: bytes) -> int:
    """1-based column of letters ("A" 1, "AA" 27, "XFD" 16384), without the XFD cap."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _grid_of(xml: bytes) -> int:
    """rows x columns bound of one worksheet's XML (see ``largest_grid``)."""
    columns, rows = _NEAR_COLUMNS, _NEAR_ROWS
    for ref in set(_FAR_REF.findall(xml)):
        match = _REF_PARTS.fullmatch(ref)
        if match:
            columns = max(columns, _column_number(match.group(1)))
            rows = max(rows, int(match.group(2)))
    return columns * rows


def _calamine_sheets(data: bytes) -> list[SheetSource]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
            continue
        sheet = book.get_sheet_by_name(meta.name)
        merges = [
            (c0 + 1, r0 + 1, c1 + 1, r1 + 1)
            for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
        ][:_MAX_MERGES]
        grid = sheet.to_python(skip_empty_area=False)
        sheets.append(SheetSource(meta.name, _CalamineGrid(grid, merges)))
    return sheets


def _openpyxl_sheets(data: bytes) -> list[SheetSource]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        merges = _xlsx_merges(data)
        sheets = []
        for sheet in book.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chartsheet
            path = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
            sheets.append(SheetSource(sheet.title, _XlsxGrid(sheet, merges.get(path, []))))
    except Exception as exc:  # noqa: BLE001 - zip, XML, defusedxml and openpyxl's own errors
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="xlsx", detail=_detail(exc)) from exc
    return sheets


class _CalamineGrid:
    """Rows read by calamine, made to look like openpyxl's: empty cells None, whole numbers
    int (a phone number typed as a number must not become "916209801.0")."""

    def __init__(self, grid: Sequence[Sequence[object]], merges: list[Merge]) -> None:
        self._grid, self._merges = grid, merges

    def __iter__(self) -> Iterator[GridRow]:
        rows = ((n, _plain_row(cells)) for n, cells in enumerate(self._grid, start=1))
        yield from _fill_merges(rows, self._merges)


def _plain_row(cells: Sequence[object]) -> list[object]:
    """A calamine row with "" as None and whole floats (below 1e15) as int; one expression
    rather than a call per cell, as lists have a million cells."""
    return [
        None
        if value == ""
        else int(value)
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15
        else value
        for value in cells
    ]


class _XlsxGrid:
    """Re-iterable rows of an openpyxl read-only worksheet."""

    def __init__(self, sheet: Any, merges: list[Merge]) -> None:
        self._sheet = sheet
        self._merges = merges

    def __iter__(self) -> Iterator[GridRow]:
        self._sheet.reset_dimensions()  # files from other tools often state wrong dimensions
        rows = enumerate(self._sheet.iter_rows(min_row=1, values_only=True), start=1)
        try:
            yield from _fill_merges(rows, self._merges)
        except IngestError:
            raise
        except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl's own errors
            raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="xlsx", detail=_detail(exc)) from exc


def _xlsx_merges(data: bytes) -> dict[str, list[Merge]]:
    """Merged ranges of every worksheet member, read with a regex (no XML entity expansion)."""
    merges: dict[str, list[Merge]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            found = _MERGE_REF.findall(archive.read(name))[:_MAX_MERGES]
            if found:
                bounds = [range_boundaries(ref.decode("ascii")) for ref in found]
                merges[name] = [b for b in bounds if None not in b]  # type: ignore[misc]
    return merges


def _fill_merges(
    rows: Iterator[tuple[int, Sequence[object]]], merges: Sequence[Merge]
) -> Iterator[GridRow]:
    """Rows with every cell of a merged range set to the range's top-left value."""
    if not merges:
        yield from rows
        return
    by_row: dict[int, list[Merge]] = {}
    for merge in merges:
        for row_number in range(merge[1], min(merge[3], merge[1] + 1000) + 1):
            by_row.setdefault(row_number, []).append(merge)
    top_values: dict[Merge, object] = {}
    for number, cells in rows:
        active = by_row.get(number)
        if not active:
            yield number, cells
            continue
        filled = list(cells)
        for merge in active:
            min_col, min_row, max_col, _ = merge
            if number == min_row:
                top_values[merge] = filled[min_col - 1] if min_col <= len(filled) else None
            filled.extend([None] * (max_col - len(filled)))
            for col in range(min_col, max_col + 1):
                filled[col - 1] = top_values.get(merge)
        yield number, filled


def xls_sheets(data: bytes) -> list[SheetSource]:
    """Worksheets of a legacy .xls (BIFF) with xlrd; date cells become datetimes."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise IngestError.of(ErrorCode.PASSWORD_PROTECTED) from exc
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="xls", detail=exc) from exc
    except Exception as exc:  # noqa: BLE001 - xlrd raises CompDocError, struct.error, KeyError...
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="xls", detail=_detail(exc)) from exc
    sheets = []
    for sheet in book.sheets():
        rows = [
            (index + 1, [_xls_value(cell, book.datemode) for cell in sheet.row(index)])
            for index in range(sheet.nrows)
        ]
        merges = [(c1 + 1, r1 + 1, c2, r2) for r1, r2, c1, c2 in sheet.merged_cells]
        sheets.append(SheetSource(sheet.name, list(_fill_merges(iter(rows), merges))))
    return sheets


def _detail(exc: Exception) -> str:
    """A short, single-line description of a reader's exception for the message."""
    text = " ".join(str(exc).split())[:200]
    return text or type(exc).__name__


def _xls_value(cell: Any, datemode: int) -> object:
    """Python value of an xlrd cell (dates as datetime, whole floats as int)."""
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    value: object = cell.value
    return value


def docx_sheets(data: bytes) -> list[SheetSource]:
    """Tables of a .docx, each with the paragraphs above it as title lines."""
    import docx  # python-docx; imported here because only Word uploads need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="docx", detail=exc) from exc
    except Exception as exc:  # lxml XMLSyntaxError and python-docx package errors
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="docx", detail=exc) from exc
    sheets: list[SheetSource] = []
    paragraphs: list[str] = []
    for child in document.element.body.iterchildren():
        tag = str(child.tag).rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                paragraphs.append(text)
        elif tag == "tbl":
            table = Table(child, document)
            grid = [(i + 1, [cell.text for cell in row.cells]) for i, row in enumerate(table.rows)]
            name = f"Bảng {len(sheets) + 1}"
            sheets.append(SheetSource(name, grid, tuple(paragraphs[-10:])))
    return sheets


def doc_to_docx(data: bytes) -> bytes:
    """Convert a legacy .doc to .docx with LibreOffice in a temporary directory.

    Raises IngestError(doc_needs_libreoffice) when soffice is not installed and
    IngestError(corrupt_file) when the conversion fails or times out.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise IngestError.of(ErrorCode.DOC_NEEDS_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="ingest-doc-") as tmp:
        source = Path(tmp) / "upload.doc"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=_SOFFICE_TIMEOUT_S, check=True)
        except (subprocess.SubprocessError, OSError) as exc:
            raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="doc", detail=exc) from exc
        target = Path(tmp) / "upload.docx"
        if not target.exists():
            raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="doc", detail="conversion failed")
        return target.read_bytes()

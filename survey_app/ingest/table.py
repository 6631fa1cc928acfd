"""The table read from an uploaded file: header, data rows with their source row numbers.

``build_table`` turns a grid of cells (whatever the file format) into a ``RawTable``:
it finds the header below title rows, maps the columns, and separates data rows from
blank, total, example and signature rows, which are kept in ``skipped`` with their kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.headers import (
    HEADER_SCAN_ROWS,
    Column,
    SkipKind,
    classify_row,
    find_header,
    is_total,
    map_header,
    match_header,
)
from survey_app.ingest.text import clean_text, fold, parse_date

GridRow = tuple[int, Sequence[object]]
"""One row of a source grid: (row number as the officer sees it, cell values)."""


class FileType(StrEnum):
    """Formats the reader understands, by content rather than file name."""

    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"
    DOCX = "docx"
    DOC = "doc"


@dataclass(frozen=True, slots=True)
class RawRow:
    """A data row: its row number in the officer's file and its original cell values."""

    source_row: int
    cells: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row below the header that is not a person, with the reason it was skipped."""

    source_row: int
    kind: SkipKind
    text: str


@dataclass(frozen=True, slots=True)
class RawTable:
    """A respondent list as read from a file, before validation."""

    filename: str
    file_type: FileType
    sheet: str
    header_row: int
    header: tuple[str, ...]
    columns: dict[Column, int]
    title_lines: tuple[str, ...]
    rows: tuple[RawRow, ...]
    skipped: tuple[SkippedRow, ...]

    def value(self, row: RawRow, column: Column) -> object:
        """Original value of ``column`` in ``row``; None when the file has no such column."""
        index = self.columns.get(column)
        if index is None or index >= len(row.cells):
            return None
        return row.cells[index]


@dataclass(frozen=True, slots=True)
class SheetSource:
    """One sheet or table of a file: a name and its grid rows (re-iterable)."""

    name: str
    grid: Iterable[GridRow]
    title_lines: tuple[str, ...] = ()


def choose_sheet(sheets: Sequence[SheetSource]) -> SheetSource:
    """The sheet whose best header row recognises the most columns (the first on ties)."""
    best, best_score = None, 0
    for sheet in sheets:
        rows = [cells for _, cells in islice(iter(sheet.grid), HEADER_SCAN_ROWS)]
        index = find_header(rows)
        score = 0 if index is None else len(map_header(rows[index]))
        if score > best_score:
            best, best_score = sheet, score
    if best is None:
        raise IngestError.of(ErrorCode.NO_HEADER, rows=HEADER_SCAN_ROWS)
    return best


def build_table(filename: str, file_type: FileType, sheet: SheetSource, max_rows: int) -> RawTable:
    """Find the header of ``sheet`` and collect its data rows (see module docstring).

    Raises IngestError(no_header) when no header is found in the first rows and
    IngestError(too_many_rows) as soon as more than ``max_rows`` data rows are seen.
    """
    grid = iter(sheet.grid)
    head = list(islice(grid, HEADER_SCAN_ROWS))
    index = find_header([cells for _, cells in head])
    if index is None:
        raise IngestError.of(ErrorCode.NO_HEADER, rows=HEADER_SCAN_ROWS)
    header_cells = [clean_text(cell) for cell in head[index][1]]
    mapping = map_header(header_cells)
    rest: Iterator[GridRow] = _chain(head[index + 1 :], grid)
    first = next(rest, None)
    if first is not None and _merge_subheader(header_cells, first[1], mapping):
        header_cells = _combined_header(header_cells, first[1])
    elif first is not None:
        rest = _chain([first], rest)
    columns = {column: position for position, column in mapping.items()}
    rows, skipped = _collect(rest, columns, max_rows)
    titles = sheet.title_lines + tuple(text for _, cells in head[:index] if (text := _join(cells)))
    return RawTable(
        filename=filename,
        file_type=file_type,
        sheet=sheet.name,
        header_row=head[index][0],
        header=tuple(header_cells),
        columns=columns,
        title_lines=titles,
        rows=tuple(rows),
        skipped=tuple(skipped),
    )


def _collect(
    grid: Iterator[GridRow], columns: dict[Column, int], max_rows: int
) -> tuple[list[RawRow], list[SkippedRow]]:
    """Split the rows under the header into data rows and skipped rows."""
    rows: list[RawRow] = []
    skipped: list[SkippedRow] = []
    in_footer = False
    name_index = columns.get(Column.FULL_NAME)
    stt_index = columns.get(Column.STT)
    for number, cells in grid:
        if _numbered_person(cells, stt_index, name_index):
            kind = None  # what classify_row finds first, without its general checks
        else:
            kind = classify_row(cells, columns, in_footer)
        if (
            kind is None
            and name_index is not None
            and name_index < len(cells)
            and _looks_like_name_header(cells[name_index])
        ):
            continue  # the header repeated on a new page of a Word table
        if kind is None:
            rows.append(RawRow(number, tuple(cells)))
            if len(rows) > max_rows:
                raise IngestError.of(ErrorCode.TOO_MANY_ROWS, limit=max_rows)
            continue
        in_footer = in_footer or kind is SkipKind.FOOTER
        if kind is not SkipKind.BLANK:
            skipped.append(SkippedRow(number, kind, _join(cells)))
    return rows, skipped


def _numbered_person(
    cells: Sequence[object], stt_index: int | None, name_index: int | None
) -> bool:
    """The usual data row: a number in the STT column and a name that is not a total.

    The first rule of ``classify_row`` (which then returns None), on the two cells alone:
    an int STT reads as digits when it is not negative, a text STT and the name as
    ``_raw_text`` reads them (stripped). Any other row is left to ``classify_row``.
    """
    if stt_index is None or name_index is None or max(stt_index, name_index) >= len(cells):
        return False
    stt, name = cells[stt_index], cells[name_index]
    if type(name) is not str:
        return False
    if type(stt) is int:
        numbered = stt >= 0
    elif type(stt) is str:
        numbered = stt.strip().isdigit()
    else:
        return False
    name = name.strip()
    return numbered and bool(name) and not is_total(name)


# How the folded text of every header that match_header reads as the name column starts,
# when it begins with H or T (the other starts of its rule, "canhantochuc" and "nguoinop",
# are ruled out by the first letter), and every beginning of these.
_NAME_HEADER_STARTS = ("hovaten", "hoten", "ten")
_NAME_HEADER_PREFIXES = frozenset(
    header[:end] for header in _NAME_HEADER_STARTS for end in range(1, len(header) + 1)
)


def _looks_like_name_header(cell: object) -> bool:
    """Whether a name cell holds the header text again ("Họ và tên", "Ho ten").

    ``fold`` works character by character, so the fold of the first 8 characters starts
    the fold of the whole cell: a name whose start cannot begin a name header ("Hoàng",
    "Trần") is settled without folding and matching all of it.
    """
    if not isinstance(cell, str) or len(cell) > 40 or cell[:1] not in "HhTt":
        return False
    start = fold(cell[:8])
    if not start.startswith(_NAME_HEADER_STARTS) and start not in _NAME_HEADER_PREFIXES:
        return False
    return match_header(cell) is Column.FULL_NAME


def _merge_subheader(
    header: Sequence[str], below: Sequence[object], mapping: dict[int, Column]
) -> bool:
    """Add columns named by a second header row under merged cells ("Ngày" / "Nộp", "Trả").

    Returns True and updates ``mapping`` when the row below names columns that the
    header alone does not; data rows (a number in the first cell, a date) never do.
    """
    texts = [clean_text(cell) for cell in below]
    if any(text.isdigit() for text in texts[:1]) or any(parse_date(t) for t in texts if t):
        return False
    combined = _combined_header(header, below)
    added = {
        position: column
        for position, column in map_header(combined).items()
        if column not in mapping.values()
        and position not in mapping
        and texts[position : position + 1] != [""]
    }
    if not added:
        return False
    mapping.update(added)
    return True


def _combined_header(header: Sequence[str], below: Sequence[object]) -> list[str]:
    """Header texts with the text of a merged parent carried over its empty neighbours."""
    combined, parent = [], ""
    for position in range(max(len(header), len(below))):
        top = header[position] if position < len(header) else ""
        child = clean_text(below[position]) if position < len(below) else ""
        parent = top or parent
        combined.append(f"{parent} {child}".strip() if child else top)
    return combined


def _chain(first: Iterable[GridRow], then: Iterator[GridRow]) -> Iterator[GridRow]:
    """Iterate ``first`` then ``then``."""
    yield from first
    yield from then


def _join(cells: Sequence[object]) -> str:
    """Non-empty texts of a row joined by " | " (for title lines and skipped rows)."""
    return " | ".join(text for cell in cells if (text := clean_text(cell)))

"""``read_table``: an uploaded file's bytes to a ``RawTable``, whatever the format."""

from __future__ import annotations

import re

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.delimited import csv_sheets
from survey_app.ingest.detect import DEFAULT_MAX_BYTES, DEFAULT_MAX_UNCOMPRESSED, detect_type
from survey_app.ingest.gc_pause import paused_gc
from survey_app.ingest.ods import ods_sheets
from survey_app.ingest.readers import doc_to_docx, docx_sheets, xls_sheets, xlsx_sheets
from survey_app.ingest.table import FileType, RawTable, SheetSource, build_table, choose_sheet
from survey_app.ingest.text import clean_text

DEFAULT_MAX_ROWS = 100_000


def read_table(
    filename: str,
    data: bytes,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
) -> RawTable:
    """Read a respondent list from .xlsx, .xls, .ods, .csv/.txt (any delimiter), .docx or .doc.

    The format is detected from the bytes. The sheet (or Word table) with the best
    recognised header is used; rows above the header are kept as title lines. At most
    ``max_rows`` data rows are accepted. Raises ``IngestError`` with a stable code.
    """
    file_type = detect_type(filename, data, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    with paused_gc():
        sheets = _sheets(file_type, data)
        if not sheets:
            raise IngestError.of(ErrorCode.NO_HEADER, rows=0)
        return build_table(filename, file_type, choose_sheet(sheets), max_rows)


def _sheets(file_type: FileType, data: bytes) -> list[SheetSource]:
    """The candidate grids of a file of a known type."""
    if file_type is FileType.XLSX:
        return xlsx_sheets(data)
    if file_type is FileType.XLS:
        return xls_sheets(data)
    if file_type is FileType.ODS:
        return ods_sheets(data)
    if file_type is FileType.DOCX:
        return docx_sheets(data)
    if file_type is FileType.DOC:
        return docx_sheets(doc_to_docx(data))
    return csv_sheets(data)


_UNIT_IN_TITLE = re.compile(
    r"(?:^|[\s,.:;-])(xã|phường|thị trấn|sở|huyện|thị xã|thành phố)\s+"
    r"([^,;()\n|]+?)\s*(?:[,;()\n|]|\s-\s|$|\s(?:huyện|tỉnh|thị xã|thành phố|quận)\s)",
    re.IGNORECASE,
)
_UNIT_PRIORITY = ("xã", "phường", "thị trấn", "sở", "huyện", "thị xã", "thành phố")


def detect_unit_name(table: RawTable) -> str | None:
    """The unit named in the title lines above the header ("UBND XÃ AN BÌNH, ..." -> "An Bình").

    The lowest administrative level wins (commune before district). Names typed in capitals
    are returned in title case. None when no title line names a unit.
    """
    found: dict[str, str] = {}
    for line in table.title_lines:
        for match in _UNIT_IN_TITLE.finditer(clean_text(line)):
            level = match.group(1).lower()
            name = match.group(2).strip()
            name = name.title() if name.isupper() else name
            found.setdefault(level, f"Sở {name}" if level == "sở" else name)
    for level in _UNIT_PRIORITY:
        if level in found:
            return found[level]
    return None

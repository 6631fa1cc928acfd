"""CSV and tab-separated "Unicode text" as officers' machines save them.

Encoding: a BOM decides (UTF-8, UTF-16 LE/BE); without one, strict UTF-8, then UTF-16 LE
when every other byte is NUL, then Windows-1258 (Vietnamese Windows), whose tone marks
arrive as combining characters and are composed to NFC later by ``clean_text``.
The delimiter is the one among , ; and tab that splits the first lines most consistently.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.detect import utf16_without_bom
from survey_app.ingest.table import GridRow, SheetSource

_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 40
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Text of a delimited file (see module docstring for the order of encodings)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="CSV", detail=exc) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if utf16_without_bom(data[:512]):
        return data.decode("utf-16-le", errors="replace")
    return data.decode("cp1258", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab giving the largest column count shared by most lines."""
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_key = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths = Counter(len(row) for row in _sniff_rows(lines, delimiter))
        width, count = max(widths.items(), key=lambda item: (item[1] * (item[0] > 1), item[0]))
        key = (count * (width > 1), width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _sniff_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    """The first lines split by ``delimiter``; a field over the csv limit stops the file."""
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as exc:
        raise _csv_error(exc, 1) from exc


def _csv_error(exc: csv.Error, row: int) -> IngestError:
    """The message for a csv module error: an overlong field has its own, clearer one."""
    if "field limit" in str(exc):
        return IngestError.of(ErrorCode.CELL_TOO_LONG, limit=csv.field_size_limit(), row=row)
    return IngestError.of(ErrorCode.CORRUPT_FILE, kind="CSV", detail=exc)


def csv_sheets(data: bytes) -> list[SheetSource]:
    """The single grid of a CSV / TSV file; rows are numbered by their first line."""
    text = decode_text(data)
    delimiter = sniff_delimiter(text)
    return [SheetSource("CSV", _CsvGrid(text, delimiter))]


class _CsvGrid:
    """Re-iterable rows of a delimited text, numbered by line as an editor shows them."""

    def __init__(self, text: str, delimiter: str) -> None:
        self._text = text
        self._delimiter = delimiter

    def __iter__(self) -> Iterator[GridRow]:
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=self._delimiter)
        previous_line = 0
        try:
            for row in reader:
                yield previous_line + 1, row
                previous_line = reader.line_num
        except csv.Error as exc:
            raise _csv_error(exc, previous_line + 1) from exc

"""Reading respondent lists that units upload and validating them row by row.

Plain Python (openpyxl, xlrd, python-docx, defusedxml, phonenumbers): no Flask, no
SQLAlchemy, so it can be tested and benchmarked alone. The public API:

- ``read_table(filename, data, *, max_rows=100_000) -> RawTable``, and
  ``read_table_isolated(..., limits=ParseLimits())``: the same in a child process with
  memory and CPU-time limits (what the service uses for uploads)
- ``safe_filename(name) -> str``: an uploaded file's name without directories or controls
- ``detect_unit_name(table) -> str | None``
- ``validate_list(table, rules, context) -> ListReport`` (``ListRules`` from the design)
- ``annotated_xlsx(table, report) -> bytes``, ``annotated_rows_xlsx(header, columns, width,
  rows, skipped)`` (the same from stored rows) and
  ``template_xlsx(group_name, transactions) -> bytes``
- ``survey_app.ingest.stored``: a validated row in stored form and back (cells, issues,
  the table's layout), so a stored list's report needs no re-read
- ``IngestError(code, message_vi, message_en)`` with ``ErrorCode``; row codes in
  ``ReasonCode``, ``WarningCode``, ``ListWarningCode`` (all in ``catalogue``).
"""

from survey_app.ingest.catalogue import (
    ErrorCode,
    IngestError,
    ListWarningCode,
    Message,
    ReasonCode,
    WarningCode,
)
from survey_app.ingest.export import (
    AnnotatedRow,
    annotated_rows_xlsx,
    annotated_xlsx,
    template_xlsx,
)
from survey_app.ingest.headers import Column, SkipKind
from survey_app.ingest.isolate import ParseLimits, read_table_isolated
from survey_app.ingest.names import safe_filename
from survey_app.ingest.read import detect_unit_name, read_table
from survey_app.ingest.report import Issue, ListIssue, ListReport, RowResult, RowStatus
from survey_app.ingest.table import FileType, RawRow, RawTable, SkippedRow
from survey_app.ingest.validate import ListContext, ListRules, validate_list

__all__ = [
    "AnnotatedRow",
    "Column",
    "ErrorCode",
    "FileType",
    "IngestError",
    "Issue",
    "ListContext",
    "ListRules",
    "ListIssue",
    "ListReport",
    "ListWarningCode",
    "Message",
    "ParseLimits",
    "RawRow",
    "RawTable",
    "ReasonCode",
    "RowResult",
    "RowStatus",
    "SkipKind",
    "SkippedRow",
    "WarningCode",
    "annotated_rows_xlsx",
    "annotated_xlsx",
    "detect_unit_name",
    "read_table",
    "read_table_isolated",
    "safe_filename",
    "template_xlsx",
    "validate_list",
]

"""Spreadsheets given back to officers: the annotated list and the blank template.

Every text written is checked for spreadsheet formula injection (OWASP "CSV injection"):
text starting with = + - @ tab or CR is stored as an explicit string cell with the
quote-prefix style, so Excel and LibreOffice show it literally and never evaluate it,
and re-uploading the file reads back exactly the officer's text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from survey_app.ingest.fields import DEFAULT_FIELDS
from survey_app.ingest.headers import Column
from survey_app.ingest.report import Issue, ListReport, RowStatus
from survey_app.ingest.table import RawTable, SkippedRow
from survey_app.ingest.text import is_formula_like

_EXCLUDED_FILL = PatternFill("solid", fgColor="F8CBAD")
_WARNING_FILL = PatternFill("solid", fgColor="FFE699")
_ELIGIBLE_FILL = PatternFill("solid", fgColor="C6EFCE")
_BOLD = Font(bold=True)
_DATE_FORMAT = "DD/MM/YYYY"
_STATUS_VI = {RowStatus.ELIGIBLE: "Hợp lệ", RowStatus.EXCLUDED: "Bị loại"}
_EXTRA_HEADERS = ("Trạng thái", "Lý do loại", "Cảnh báo", "Dòng trong tệp gốc")
_TEMPLATE_ROWS = 1000


@dataclass(frozen=True, slots=True)
class AnnotatedRow:
    """One row of the annotated file: the cells as sent and the row's validation outcome."""

    source_row: int
    cells: tuple[object, ...]
    status: RowStatus
    reasons: tuple[Issue, ...]
    warnings: tuple[Issue, ...]


def annotated_xlsx(original_table: RawTable, report: ListReport) -> bytes:
    """``annotated_rows_xlsx`` of a table just read and its report."""
    width = max([len(original_table.header), *(len(r.cells) for r in original_table.rows)])
    rows = (
        AnnotatedRow(result.source_row, raw.cells, result.status, result.reasons, result.warnings)
        for raw, result in zip(original_table.rows, report.rows, strict=True)
    )
    return annotated_rows_xlsx(
        original_table.header, original_table.columns, width, rows, original_table.skipped
    )


def annotated_rows_xlsx(
    header: Sequence[str],
    columns: Mapping[Column, int],
    width: int,
    rows: Iterable[AnnotatedRow],
    skipped: Sequence[SkippedRow],
) -> bytes:
    """The officer's rows as .xlsx with status, reasons and warnings columns (Vietnamese).

    ``header`` and ``columns`` (canonical column -> cell index) are the table's as read;
    ``width`` is the widest row. Cells with a problem are filled (red: excluded, yellow:
    warning) and carry a comment with the message in Vietnamese and English. Rows skipped as
    totals or signatures are listed on a second sheet.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kết quả kiểm tra")
    width = max(width, len(header))
    padded = list(header) + [""] * (width - len(header))
    sheet.append([_cell(sheet, text, font=_BOLD) for text in (*padded, *_EXTRA_HEADERS)])
    positions = dict(columns)
    for row in rows:
        marks = _marks(row, positions)
        cells = [
            _cell(sheet, value, *marks.get(index, (None, None)))
            for index, value in enumerate(list(row.cells) + [None] * (width - len(row.cells)))
        ]
        status_fill = _ELIGIBLE_FILL if row.status is RowStatus.ELIGIBLE else _EXCLUDED_FILL
        cells.append(_cell(sheet, _STATUS_VI[row.status], status_fill))
        cells.append(_cell(sheet, "; ".join(i.message.vi for i in row.reasons) or None))
        cells.append(_cell(sheet, "; ".join(i.message.vi for i in row.warnings) or None))
        cells.append(_cell(sheet, row.source_row))
        sheet.append(cells)
    if skipped:
        other = book.create_sheet("Dòng bỏ qua")
        other.append([_cell(other, t, font=_BOLD) for t in ("Dòng", "Loại", "Nội dung")])
        for skip in skipped:
            other.append([_cell(other, v) for v in (skip.source_row, str(skip.kind), skip.text)])
    return _save(book)


def _marks(row: AnnotatedRow, positions: dict[Column, int]) -> dict[int, tuple[PatternFill, str]]:
    """Column index -> (fill, comment text) for the cells a row's issues point to."""
    marks: dict[int, tuple[PatternFill, str]] = {}
    issues: Sequence[tuple[Issue, PatternFill]] = [
        *((issue, _WARNING_FILL) for issue in row.warnings),
        *((issue, _EXCLUDED_FILL) for issue in row.reasons),
    ]
    for issue, fill in issues:
        index = positions.get(issue.column) if issue.column else None
        if index is None:
            continue
        text = f"{issue.message.vi}\n{issue.message.en}"
        previous = marks.get(index)
        marks[index] = (fill, f"{previous[1]}\n{text}" if previous else text)
    return marks


def _cell(
    sheet: object,
    value: object,
    fill: PatternFill | None = None,
    comment: str | None = None,
    font: Font | None = None,
) -> Cell:
    """A write-only cell, safe against formula injection, with optional fill and comment."""
    cell = WriteOnlyCell(sheet)  # type: ignore[arg-type]
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    elif isinstance(value, (int, float, bool, date, datetime)) or value is None:
        cell.value = value
        if isinstance(value, (date, datetime)):
            cell.number_format = _DATE_FORMAT
    else:
        cell.value = str(value)
        cell.data_type = "s"
    if fill is not None:
        cell.fill = fill
    if comment:
        cell.comment = Comment(comment, "Hệ thống kiểm tra danh sách", width=320, height=120)
    if font is not None:
        cell.font = font
    return cell


_TEMPLATES: dict[str, tuple[tuple[str, Column | None, str], ...]] = {
    "citizen": (
        ("STT", Column.STT, "Ví dụ"),
        ("Họ và tên", Column.FULL_NAME, "Nguyễn Văn An"),
        ("Địa chỉ", Column.ADDRESS, "Thôn Đông, xã Phú Đa, huyện Vĩnh Tường"),
        ("Số điện thoại", Column.PHONE, "0912 345 678"),
        ("Lĩnh vực TTHC", Column.FIELD, "Hộ tịch"),
        ("Tên thủ tục hành chính", Column.PROCEDURE, "Đăng ký khai sinh"),
        ("Ngày nộp hồ sơ", Column.APPLICATION_DATE, "05/03/2021"),
        ("Ngày nhận kết quả", Column.RESULT_DATE, "08/03/2021"),
        ("Đã nhận kết quả", Column.RESULT_RECEIVED, "Có"),
        ("Ghi chú", Column.NOTE, ""),
    ),
    "leader": (
        ("STT", Column.STT, "Ví dụ"),
        ("Họ và tên", Column.FULL_NAME, "Trần Thị Bình"),
        ("Chức vụ", Column.POSITION, "Phó Giám đốc"),
        ("Đơn vị", Column.UNIT, "Sở Tư pháp"),
        ("Số điện thoại", Column.PHONE, "0912 345 678"),
        ("Email", Column.EMAIL, "tranthibinh@example.gov.vn"),
        ("Ghi chú", Column.NOTE, ""),
    ),
}


TRANSACTIONS_TITLE = "CÁ NHÂN, TỔ CHỨC ĐÃ GIAO DỊCH VÀ NHẬN KẾT QUẢ GIẢI QUYẾT TTHC"


def template_xlsx(
    group_name: str, transactions: bool, procedure_fields: Sequence[str] = ()
) -> bytes:
    """A blank list for a group (its Vietnamese name in the title): Vietnamese headers, an
    example row (STT "Ví dụ", skipped on upload) and, for a transactions list, drop-down lists
    for the procedure field and "Đã nhận kết quả"."""
    columns = _TEMPLATES["citizen" if transactions else "leader"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    title = TRANSACTIONS_TITLE if transactions else group_name.upper()
    sheet.append([f"DANH SÁCH {title}"])
    sheet.append(["(Không xóa dòng tiêu đề cột; dòng Ví dụ sẽ được bỏ qua khi tải lên)"])
    sheet.append([header for header, _, _ in columns])
    sheet.append([example for _, _, example in columns])
    for cell in sheet[3]:
        cell.font = _BOLD
    for cell in sheet[4]:
        cell.font = Font(italic=True, color="808080")
    lists = book.create_sheet("DanhMuc")
    lists.sheet_state = "hidden"
    fields = list(procedure_fields) or list(DEFAULT_FIELDS)
    for index, name in enumerate(fields, start=1):
        lists.cell(row=index, column=1, value=name)
    for offset, (header, column, _) in enumerate(columns):
        letter = chr(ord("A") + offset)
        span = f"{letter}5:{letter}{_TEMPLATE_ROWS + 4}"
        sheet.column_dimensions[letter].width = max(12, len(header) + 6)
        if column is Column.FIELD:
            _add_list(sheet, f"DanhMuc!$A$1:$A${len(fields)}", span, "Lĩnh vực TTHC")
        elif column is Column.RESULT_RECEIVED:
            _add_list(sheet, '"Có,Không"', span, "Đã nhận kết quả")
        elif column in (Column.APPLICATION_DATE, Column.RESULT_DATE):
            for row in range(5, _TEMPLATE_ROWS + 5):
                sheet[f"{letter}{row}"].number_format = _DATE_FORMAT
    sheet.freeze_panes = "A4"
    return _save(book)


def _add_list(sheet: object, formula: str, span: str, title: str) -> None:
    """A drop-down data validation over ``span``."""
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,
        promptTitle=title,
        errorTitle=title,
        error="Chọn một giá trị trong danh sách.",
        showErrorMessage=True,
    )
    validation.add(span)
    sheet.add_data_validation(validation)  # type: ignore[attr-defined]


def _save(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

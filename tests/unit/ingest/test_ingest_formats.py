"""The variety of files officers send: formats, encodings, headers, merged cells, dates."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from ingest_samples import CITIZEN_HEADER, citizen_rows, context, csv_text, xlsx_bytes

from survey_app.ingest import Column, FileType, SkipKind, read_table, validate_list
from tests.support import CITIZENS

TITLES = ["UBND XÃ PHÚ ĐA, HUYỆN VĨNH TƯỜNG", "DANH SÁCH CÁ NHÂN ĐÃ GIAO DỊCH TTHC"]


def _check_citizens(filename: str, data: bytes, count: int, file_type: FileType) -> None:
    table = read_table(filename, data)
    assert table.file_type is file_type
    report = validate_list(table, CITIZENS, context())
    assert (report.data_rows, report.eligible) == (count, count)
    assert report.rows[0].full_name == citizen_rows(1)[0][1]
    assert report.rows[0].application_date == date(2021, 1, 1)


def test_ingest_headers_without_diacritics_and_other_names() -> None:
    header = [
        "TT",
        "HO VA TEN",
        "NOI CU TRU",
        "SĐT",
        "linh vuc",
        "Ten TTHC",
        "Ngay tiep nhan",
        "Ngày hẹn trả",
        "ghi chu",
    ]
    table = read_table("list.xlsx", xlsx_bytes(header, citizen_rows(5), TITLES))
    assert table.columns == {
        Column.STT: 0,
        Column.FULL_NAME: 1,
        Column.ADDRESS: 2,
        Column.PHONE: 3,
        Column.FIELD: 4,
        Column.PROCEDURE: 5,
        Column.APPLICATION_DATE: 6,
        Column.RESULT_DATE: 7,
        Column.NOTE: 8,
    }
    assert table.header_row == 4
    assert [row.source_row for row in table.rows] == [5, 6, 7, 8, 9]


def test_ingest_xls_legacy_workbook(tmp_path: Path) -> None:
    data = _xls_bytes(tmp_path, citizen_rows(12))
    _check_citizens("list.xls", data, 12, FileType.XLS)
    _check_citizens("renamed.xlsx", data, 12, FileType.XLS)  # detected by content


def _xls_bytes(tmp_path: Path, rows: list[list[object]]) -> bytes:
    try:
        import xlwt  # test-only writer of legacy .xls
    except ImportError:
        soffice = shutil.which("soffice")
        if soffice is None:
            pytest.skip("neither xlwt nor LibreOffice is installed to write an .xls")
        source = tmp_path / "list.xlsx"
        source.write_bytes(xlsx_bytes(CITIZEN_HEADER, rows, TITLES))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path}/p",
                "--headless",
                "--convert-to",
                "xls",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (tmp_path / "list.xls").read_bytes()
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    for r, line in enumerate([[t] for t in TITLES] + [[], CITIZEN_HEADER, *rows]):
        for c, value in enumerate(line):
            if value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_ingest_ods_spreadsheet() -> None:
    frame = pd.DataFrame(citizen_rows(9), columns=CITIZEN_HEADER)
    buffer = io.BytesIO()
    frame.to_excel(buffer, engine="odf", index=False, startrow=2)
    _check_citizens("list.ods", buffer.getvalue(), 9, FileType.ODS)
    assert read_table("list.ods", buffer.getvalue()).rows[0].source_row == 4


def test_ingest_decomposed_unicode_csv_cp1258() -> None:
    text = csv_text(CITIZEN_HEADER, citizen_rows(7), ",")
    decomposed = unicodedata.normalize("NFD", text)
    data = decomposed.encode("utf-8")
    _check_citizens("list.csv", data, 7, FileType.CSV)
    report = validate_list(read_table("list.csv", data), CITIZENS, context())
    assert report.rows[0].address == "Thôn Đông, xã Phú Đa, huyện Vĩnh Tường"
    assert unicodedata.is_normalized("NFC", report.rows[0].address or "")


def test_ingest_utf16_tab_separated_unicode_text() -> None:
    data = csv_text(CITIZEN_HEADER, citizen_rows(6), "\t").encode("utf-16")  # BOM + LE
    _check_citizens("list.txt", data, 6, FileType.CSV)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_ingest_csv_with_semicolons(encoding: str) -> None:
    text = "\r\n".join(TITLES) + "\r\n" + csv_text(CITIZEN_HEADER, citizen_rows(8), ";")
    data = _windows_1258_form(text) if encoding == "cp1258" else text
    _check_citizens("list.csv", data.encode(encoding, errors="strict"), 8, FileType.CSV)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _windows_1258_form(text: str) -> str:
    """Text as Windows-1258 stores it: base letters precomposed, tone marks combining."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out)


def test_ingest_formula_cells_read_as_cached_values() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, CITIZEN_HEADER)
    for r, row in enumerate(citizen_rows(3), start=1):
        sheet.write_row(r, 0, row)
    sheet.write_formula(1, 1, '=CONCATENATE("Trần ","Văn Công")', None, "Trần Văn Công")
    sheet.write_formula(4, 0, "=COUNTA(B2:B4)", None, 3)
    sheet.write(4, 1, "Cộng")
    book.close()
    table = read_table("f.xlsx", buffer.getvalue())
    assert table.rows[0].cells[1] == "Trần Văn Công"
    assert len(table.rows) == 3
    assert [row.kind for row in table.skipped] == [SkipKind.TOTAL]


def test_ingest_total_signature_and_column_number_rows() -> None:
    rows: list[list[object]] = [["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"]]
    rows += citizen_rows(4)
    rows += [
        [None] * 9,
        [None, "Tổng cộng: 4 người"],
        [None, "TONG CONG"],
        [None, None, None, None, None, None, "Phú Đa, ngày 20 tháng 10 năm 2021"],
        [None, None, None, None, None, "Người lập biểu", None, "Chủ tịch UBND xã"],
        [None, None, None, None, None, "(Ký, ghi rõ họ tên)"],
        [None, None, None, None, None, "Nguyễn Văn Ký", None, "Trần Văn Dấu"],
    ]
    table = read_table("t.xlsx", xlsx_bytes(CITIZEN_HEADER, rows, TITLES))
    assert len(table.rows) == 4
    assert [s.kind for s in table.skipped] == [
        SkipKind.COLUMN_NUMBERS,
        SkipKind.TOTAL,
        SkipKind.TOTAL,
        SkipKind.FOOTER,
        SkipKind.FOOTER,
        SkipKind.FOOTER,
        SkipKind.FOOTER,
    ]


def test_ingest_excel_serial_and_native_dates() -> None:
    rows = citizen_rows(3)
    rows[0][6], rows[0][7] = 44300, 44305.0  # serial numbers: 2021-04-14, 2021-04-19
    rows[1][6], rows[1][7] = datetime(2021, 3, 2), "2021-03-05"
    rows[2][6], rows[2][7] = "4.5.2021", "ngày 8 tháng 5 năm 2021"
    report = validate_list(
        read_table("d.xlsx", xlsx_bytes(CITIZEN_HEADER, rows)),
        CITIZENS,
        context(required_count=0),
    )
    got = [(r.application_date, r.result_date) for r in report.rows]
    assert got == [
        (date(2021, 4, 14), date(2021, 4, 19)),
        (date(2021, 3, 2), date(2021, 3, 5)),
        (date(2021, 5, 4), date(2021, 5, 8)),
    ]
    assert report.eligible == 3


def test_ingest_vertically_merged_field_cells_fill_every_row() -> None:
    data = xlsx_bytes(CITIZEN_HEADER, citizen_rows(4), TITLES)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    sheet["E5"] = "Đất đai"
    for cell in ("E6", "E7", "E8"):
        sheet[cell] = None
    sheet.merge_cells("E5:E8")
    sheet.merge_cells("A1:I1")
    buffer = io.BytesIO()
    book.save(buffer)
    report = validate_list(
        read_table("m.xlsx", buffer.getvalue()), CITIZENS, context(required_count=4)
    )
    assert [row.field for row in report.rows] == ["Đất đai"] * 4


def _docx_bytes(rows: list[list[object]]) -> bytes:
    import docx

    document = docx.Document()
    for title in TITLES:
        document.add_paragraph(title)
    table = document.add_table(rows=2 + len(rows), cols=len(CITIZEN_HEADER))
    top = table.cell(0, 6).merge(table.cell(0, 7))  # "Ngày" over two sub-columns
    top.text = "Ngày"
    for c, text in enumerate(CITIZEN_HEADER):
        if c not in (6, 7):
            table.cell(0, c).merge(table.cell(1, c)).text = text
    table.cell(1, 6).text, table.cell(1, 7).text = "Nộp hồ sơ", "Nhận kết quả"
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            table.cell(r, c).text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_ingest_docx_with_merged_two_row_header() -> None:
    table = read_table("list.docx", _docx_bytes(citizen_rows(5)))
    assert table.columns[Column.APPLICATION_DATE] == 6
    assert table.columns[Column.RESULT_DATE] == 7
    assert table.title_lines[0] == TITLES[0]
    _check_citizens("list.docx", _docx_bytes(citizen_rows(5)), 5, FileType.DOCX)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_ingest_legacy_doc_converted_with_libreoffice(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[2] / "fixtures/lists/commune_phu_da.docx"
    source = tmp_path / "list.docx"
    source.write_bytes(fixture.read_bytes())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/p",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from_doc = read_table("list.doc", (tmp_path / "list.doc").read_bytes())
    from_docx = read_table("list.docx", source.read_bytes())
    assert from_doc.file_type is FileType.DOC
    assert [r.cells[:2] for r in from_doc.rows] == [r.cells[:2] for r in from_docx.rows]
    assert len(from_doc.rows) == 36

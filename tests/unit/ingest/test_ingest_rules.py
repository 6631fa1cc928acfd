"""Row rules, normalisation helpers, list warnings and the spreadsheets given back."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from ingest_samples import CITIZEN_HEADER, citizen_rows, context, csv_text, xlsx_bytes

from survey_app.ingest import (
    ListWarningCode,
    ReasonCode,
    RowStatus,
    WarningCode,
    annotated_xlsx,
    read_table,
    template_xlsx,
    validate_list,
)
from survey_app.ingest.catalogue import render
from survey_app.ingest.headers import Column, match_header
from survey_app.ingest.locality import LocalityChecker
from survey_app.ingest.text import normalise_phone, parse_date
from tests.support import CITIZENS, LEADERS


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0916.209.801", "+84916209801"),
        ("916209801", "+84916209801"),
        ("+84 916 209 801", "+84916209801"),
        ("84-916-209-801", "+84916209801"),
        (916209801, "+84916209801"),
        (916209801.0, "+84916209801"),
        ("0211 3862 123", "+842113862123"),
        ("0916 209 801 / 0211 3862 123", "+84916209801"),
        ("12345", None),
        ("0123 456 789", None),
    ],
)
def test_ingest_phone_numbers_to_e164(typed: object, e164: str | None) -> None:
    assert normalise_phone(typed) == (e164, True)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("10/9/2021", date(2021, 9, 10)),
        ("08-06-2021", date(2021, 6, 8)),
        ("08.06.2021", date(2021, 6, 8)),
        ("2021-06-08", date(2021, 6, 8)),
        ("8/6/21", date(2021, 6, 8)),
        (44355, date(2021, 6, 8)),
        ("44355", date(2021, 6, 8)),
        (datetime(2021, 6, 8, 9, 30), date(2021, 6, 8)),
        ("31/02/2021", None),
        ("abc", None),
        (1995, None),
    ],
)
def test_ingest_dates_day_first(typed: object, day: date | None) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("SĐT", Column.PHONE),
        ("ĐT", Column.PHONE),
        ("Họ tên", Column.FULL_NAME),
        ("HO VA TEN", Column.FULL_NAME),
        ("Ngày trả kết quả", Column.RESULT_DATE),
        ("Ngày hẹn trả", Column.RESULT_DATE),
        ("Ngày nộp hồ sơ", Column.APPLICATION_DATE),
        ("Ngày tiếp nhận", Column.APPLICATION_DATE),
        ("Nơi cư trú", Column.ADDRESS),
        ("Lĩnh vực", Column.FIELD),
        ("Tên TTHC", Column.PROCEDURE),
        ("Chức vụ", Column.POSITION),
        ("Đơn vị công tác", Column.UNIT),
        ("E-mail", Column.EMAIL),
        ("Ghi chú", Column.NOTE),
        ("Đã nhận kết quả", Column.RESULT_RECEIVED),
        ("Tình trạng", Column.RESULT_RECEIVED),
        ("Năm sinh", Column.BIRTH),
        ("Địa chỉ liên hệ", Column.ADDRESS),
        ("Xyz", None),
    ],
)
def test_ingest_header_aliases(header: str, column: Column | None) -> None:
    assert match_header(header) is column


@pytest.mark.parametrize(
    ("address", "outside"),
    [
        ("Xã Phú Đa", None),
        ("thôn X, xã Phú Đa, huyện Vĩnh Tường", None),
        ("Thôn An Bình, xã Phú Đa", None),
        ("Thôn Đoài", None),
        ("xã An Bình, huyện Vĩnh Tường", "xã An Bình"),
        ("Phường Ngô Quyền, TP. Vĩnh Yên", "Phường Ngô Quyền"),
        ("Thôn Nam, Lũng Hòa, Vĩnh Tường", "lung hoa"),
        ("Thị xã Phúc Yên", None),
    ],
)
def test_ingest_locality(address: str, outside: str | None) -> None:
    checker = LocalityChecker("Xã Phú Đa", ("An Bình", "Lũng Hoà", "Phú Đa"))
    assert checker.outside_place(address) == outside


def _report(rows: list[list[object]], header: list[str] | None = None, **extra: object):  # type: ignore[no-untyped-def]
    table = read_table("l.xlsx", xlsx_bytes(header or CITIZEN_HEADER, rows))
    return validate_list(table, CITIZENS, context(**extra))


def test_ingest_duplicate_by_name_and_address_points_to_first() -> None:
    rows = citizen_rows(3)
    rows.append(list(rows[1]))
    rows[3][3] = None  # no phone: matched on name + address
    rows[3][1] = rows[1][1].upper()  # typed differently
    report = _report(rows)
    assert report.rows[3].status is RowStatus.EXCLUDED
    assert report.rows[3].duplicate_of == report.rows[1].source_row
    assert report.excluded_by_reason == {ReasonCode.DUPLICATE: 1}


def test_ingest_received_flag_and_missing_fields() -> None:
    header = [*CITIZEN_HEADER, "Đã nhận kết quả"]
    rows = [
        [*row, flag] for row, flag in zip(citizen_rows(4), ["Có", "Không", "x", None], strict=True)
    ]
    rows[2][7] = None  # flag "x" without a date: received
    rows[3][2], rows[3][4], rows[3][5] = None, None, None
    report = _report(rows, header)
    assert [r.result_received for r in report.rows] == [True, False, True, True]
    assert {str(i.code) for i in report.rows[3].reasons} == {"missing_address", "missing_procedure"}
    assert report.excluded_by_reason[ReasonCode.RESULT_NOT_RECEIVED] == 1


def test_ingest_warnings_keep_row_eligible_and_list_warnings() -> None:
    rows = citizen_rows(3)
    rows[0][3] = "12345"
    rows[1][3] = None
    rows[2][4], rows[2][5] = "Văn thư lưu trữ", "Sao lưu hồ sơ"
    report = _report(rows, procedure_fields=("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng"))
    assert report.eligible == 3
    assert report.warnings_by_code == {
        WarningCode.MISSING_PHONE: 1,
        WarningCode.INVALID_PHONE: 1,
        WarningCode.FIELD_NOT_RECOGNISED: 1,
    }
    codes = {issue.code: issue for issue in report.list_warnings}
    assert "Đất đai, Xây dựng" in codes[ListWarningCode.FIELDS_NOT_COVERED].message.vi
    assert "thiếu 27" in codes[ListWarningCode.BELOW_REQUIRED].message.vi
    summary = report.to_summary_dict()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["rows_read"] == 3 and summary["eligible"] == 3


def test_ingest_leaders_need_position_and_unit() -> None:
    header = ["STT", "Họ và tên", "Chức vụ", "Số điện thoại"]
    rows: list[list[object]] = [
        [1, "Trần An", "Giám đốc", "0912345678"],
        [2, "Lê Bình", None, "0912345679"],
    ]
    table = read_table("l.xlsx", xlsx_bytes(header, rows, ["SỞ TƯ PHÁP TỈNH VĨNH PHÚC"]))
    report = validate_list(table, LEADERS, context(unit_name="Sở Tư pháp"))
    assert report.rows[0].unit_name == "Sở Tư pháp"  # no unit column: the submitting unit
    assert [str(i.code) for i in report.rows[1].reasons] == ["missing_position"]
    assert report.list_warnings == ()


def test_ingest_every_row_code_has_both_messages() -> None:
    for code in [*ReasonCode, *WarningCode, *ListWarningCode]:
        assert render(code).vi and render(code).en


def test_ingest_annotated_xlsx_marks_cells_and_blocks_formulas() -> None:
    rows = citizen_rows(3)
    rows[0][1] = '=HYPERLINK("http://x","bấm")'
    rows[1][1] = None
    rows[2][8] = "@SUM(A1:A2)"
    data = csv_text(CITIZEN_HEADER, rows, ",").encode()
    table = read_table("l.csv", data)
    report = validate_list(table, CITIZENS, context())
    book = openpyxl.load_workbook(io.BytesIO(annotated_xlsx(table, report)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][-4:] == [
        "Trạng thái",
        "Lý do loại",
        "Cảnh báo",
        "Dòng trong tệp gốc",
    ]
    injected = sheet["B2"]
    assert injected.data_type == "s" and injected.value == rows[0][1]
    assert injected.quotePrefix
    missing = sheet["B3"]
    assert missing.fill.fgColor.rgb.endswith("F8CBAD")
    assert missing.comment is not None and "Thiếu họ và tên" in missing.comment.text
    assert sheet["J3"].value == "Bị loại" and sheet["K3"].value == "Thiếu họ và tên."
    assert sheet["M3"].value == 3
    assert sheet["I4"].value == "@SUM(A1:A2)" and sheet["I4"].data_type == "s"
    assert sheet["D2"].value == rows[0][3]  # phone kept as the officer typed it


def test_ingest_template_round_trip() -> None:
    data = template_xlsx("Người dân, tổ chức", True, ("Hộ tịch", "Đất đai"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Danh sách"]
    formulas = sorted(dv.formula1 for dv in sheet.data_validations.dataValidation)
    assert formulas == ['"Có,Không"', "DanhMuc!$A$1:$A$2"]
    sheet.append(
        [
            1,
            "Nguyễn Văn Bình",
            "xã Phú Đa",
            "0912345678",
            "Đất đai",
            "Xác nhận nguồn gốc đất",
            "02/03/2021",
            "05/03/2021",
            "Có",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table("template.xlsx", buffer.getvalue())
    report = validate_list(table, CITIZENS, context(required_count=1))
    assert report.data_rows == 1 and report.eligible == 1  # the example row is skipped
    leaders = read_table("t.xlsx", template_xlsx("Lãnh đạo sở", False))
    assert Column.POSITION in leaders.columns and leaders.rows == ()


def test_ingest_cli_json_summary(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from survey_app.ingest.__main__ import main

    path = tmp_path / "list.csv"
    path.write_bytes(csv_text(CITIZEN_HEADER, citizen_rows(31), ";").encode("utf-8-sig"))
    assert (
        main(
            [str(path), "--from", "2021-01-01", "--to", "2021-10-15", "--unit", "Phú Đa", "--json"]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows_read"], summary["eligible"], summary["list_warnings"]) == (31, 31, [])
    (tmp_path / "bad.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    assert main([str(tmp_path / "bad.xlsx")]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "unsupported_type"

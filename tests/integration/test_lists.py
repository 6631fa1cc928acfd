"""Unit lists end to end: the fixtures as officers send them, versions, deadline, the board."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import designs
from survey_app.cli import main
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.models import Campaign, ListRow, UnitList
from survey_app.services import accounts, list_reports, lists, registry
from survey_app.services import designs as designs_service
from tests import factories
from tests.conftest import login

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"  # copy of shared/fixtures
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
FIELDS = "Hộ tịch; Chứng thực; Đất đai; Bảo trợ xã hội; Người có công"
REGISTRY = (
    "code,name,level,parent_code,tier,procedure_fields\n"
    "VP,Tỉnh Vĩnh Phúc,province,,,\n"
    "HDND,Văn phòng Đoàn ĐBQH và HĐND tỉnh,department,VP,,\n"
    "STP,Sở Tư pháp,department,VP,,\n"
    "VT,Huyện Vĩnh Tường,district,VP,2,\n"
    f"AB,Xã An Bình,commune,VT,,{FIELDS}\n"
    f"PD,Xã Phú Đa,commune,VT,,{FIELDS}\n"
    f"LH,Xã Lũng Hòa,commune,VT,,{FIELDS}\n"
    "VY,Thành phố Vĩnh Yên,district,VP,1,\n"
    f"NQ,Phường Ngô Quyền,commune,VY,,{FIELDS}\n"
)
UNIT_OF = {
    "commune_an_binh_clean.xlsx": ("AB", "citizen"),
    "commune_an_binh_messy.xlsx": ("AB", "citizen"),
    "commune_phu_da.docx": ("PD", "citizen"),
    "commune_lung_hoa_cp1258.csv": ("LH", "citizen"),
    "department_leaders_so_tu_phap.xlsx": ("STP", "department_leader"),
    "council_delegates.csv": ("VP", "council_delegate"),
}


@pytest.fixture
def campaign(session: Session) -> Campaign:
    design = factories.dated(
        "par_province_2023",
        (dt.date(2021, 1, 1), dt.date(2021, 10, 15)),
        designs.Deadlines(lists=dt.date(2099, 12, 31)),
    )
    c = designs_service.create_campaign(
        session, design, year=2021, name="Vĩnh Phúc 2021", actor=None
    )
    registry.import_units(session, c, "units.csv", REGISTRY.encode(), None)
    session.commit()
    return c


def logged_in(
    app: Flask,
    session: Session,
    username: str,
    role: Role = Role.UNIT_OFFICER,
    unit_code: str | None = "AB",
) -> FlaskClient:
    """A new account (an officer of An Bình by default), committed and logged in."""
    accounts.create_user(
        session,
        username=username,
        full_name=f"Cán bộ {username}",
        password="long-enough-pw",
        role=role,
        unit_code=unit_code if role is Role.UNIT_OFFICER else None,
    )
    session.commit()
    return login(app.test_client(), username, "long-enough-pw")


def _upload(session: Session, campaign: Campaign, name: str) -> lists.UploadResult:
    code, group = UNIT_OF[name]
    unit = registry.unit_by_code(session, campaign, code)
    return lists.upload(session, campaign, unit, group, name, (FIXTURES / name).read_bytes(), None)


@pytest.mark.parametrize("name", sorted(UNIT_OF))
def test_fixture_imports_as_expected(session: Session, campaign: Campaign, name: str) -> None:
    expected = EXPECTED["files"][name]
    result = _upload(session, campaign, name)
    report = result.report
    assert report.data_rows == expected["data_rows"]
    assert report.eligible == expected["eligible"]
    assert sorted(str(c) for c in report.excluded_by_reason) == sorted(expected["excluded"])
    assert set(expected.get("warnings_at_least", ())) <= {str(c) for c in report.warnings_by_code}
    if "fields_represented" in expected:
        assert sorted(report.fields_represented) == sorted(expected["fields_represented"])
    stored = session.scalars(select(ListRow).where(ListRow.list_id == result.unit_list.id))
    rows = list(stored)
    assert len(rows) == expected["data_rows"]  # every row kept, excluded ones too
    assert sum(1 for r in rows if r.status.value == "eligible") == expected["eligible"]
    assert all(r.reasons for r in rows if r.status.value == "excluded")


def test_identical_reupload_and_new_version(session: Session, campaign: Campaign) -> None:
    first = _upload(session, campaign, "commune_an_binh_messy.xlsx")
    again = _upload(session, campaign, "commune_an_binh_messy.xlsx")
    assert not again.new_version and again.unit_list.id == first.unit_list.id
    fixed = _upload(session, campaign, "commune_an_binh_clean.xlsx")
    assert fixed.new_version and fixed.unit_list.version == 2
    current = session.scalars(select(UnitList).where(UnitList.is_current)).all()
    assert [u.id for u in current] == [fixed.unit_list.id]
    assert session.scalar(select(func.count()).select_from(UnitList)) == 2  # history kept


def test_deadline_refuses_then_late_is_flagged(session: Session, campaign: Campaign) -> None:
    def deadline(late: bool) -> None:
        settings = designs_service.settings_of(campaign)
        due = designs.Deadlines(lists=dt.date(2021, 10, 30), late_uploads=late)
        changed = dataclasses.replace(settings, deadlines=due)
        designs_service.save_settings(session, campaign, changed, None)

    deadline(late=False)
    unit = registry.unit_by_code(session, campaign, "AB")
    data = (FIXTURES / "commune_an_binh_clean.xlsx").read_bytes()
    with pytest.raises(ServiceError) as caught:
        lists.upload(
            session,
            campaign,
            unit,
            "citizen",
            "x.xlsx",
            data,
            None,
            today=dt.date(2021, 11, 2),
        )
    assert caught.value.code == "deadline_passed"
    assert session.scalar(select(func.count()).select_from(UnitList)) == 0
    deadline(late=True)
    late = lists.upload(
        session,
        campaign,
        unit,
        "citizen",
        "x.xlsx",
        data,
        None,
        today=dt.date(2021, 11, 2),
    )
    assert late.unit_list.is_late
    statuses = {(r.unit.code, r.group): r.status for r in lists.board(session, campaign)}
    assert statuses[("AB", "citizen")] is lists.BoardStatus.LATE
    assert statuses[("PD", "citizen")] is lists.BoardStatus.MISSING


RED, YELLOW, GREEN = "00F8CBAD", "00FFE699", "00C6EFCE"  # excluded, warning, eligible fills
EXTRA_HEADERS = ["Trạng thái", "Lý do loại", "Cảnh báo", "Dòng trong tệp gốc"]
MESSY_PROBLEMS = {  # source row -> (status, reason or warning, the cell's column, its fill)
    15: (
        "Bị loại",
        "Ngày nhận kết quả (04/01/2021) trước ngày nộp hồ sơ (07/01/2021).",
        "Ngày nhận kết quả",
        RED,
    ),
    26: (
        "Bị loại",
        "Ngày 18/10/2021 nằm ngoài thời gian khảo sát (01/01/2021 – 15/10/2021).",
        "Ngày nộp hồ sơ",
        RED,
    ),
    27: ("Bị loại", "Chưa nhận kết quả giải quyết thủ tục hành chính.", "Ngày nhận kết quả", RED),
    31: ("Bị loại", "Trùng người với dòng 7.", "Họ và tên", RED),
    34: ("Bị loại", "Địa chỉ không thuộc Xã An Bình (Phường Ngô Quyền).", "Địa chỉ", RED),
    37: ("Bị loại", "Thiếu họ và tên.", "Họ và tên", RED),
    12: (
        "Hợp lệ",
        "Không có số điện thoại (vẫn có thể liên hệ qua thư hoặc trực tiếp).",
        "Số điện thoại",
        YELLOW,
    ),
}


def _fill(cell: object) -> str | None:
    fill = getattr(cell, "fill", None)
    return str(fill.fgColor.rgb) if fill is not None and fill.fill_type else None


def test_annotated_file_marks_the_problem_rows(session: Session, campaign: Campaign) -> None:
    """The messy An Bình list: each excluded row has status "Bị loại", its reason in
    Vietnamese and its problem cell filled red (a comment gives the message in both
    languages); the row without a phone is eligible with a warning and a yellow cell."""
    result = _upload(session, campaign, "commune_an_binh_messy.xlsx")
    workbook = load_workbook(io.BytesIO(list_reports.annotated(session, result.unit_list)))
    assert workbook.sheetnames == ["Kết quả kiểm tra", "Dòng bỏ qua"]
    sheet = workbook["Kết quả kiểm tra"]
    header = [c.value for c in sheet[1]]
    assert header[-4:] == EXTRA_HEADERS
    assert header[:3] == ["STT", "Họ và tên", "Năm sinh"]
    column = {name: header.index(name) for name in header if name}
    rows = {row[column["Dòng trong tệp gốc"]].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == EXPECTED["files"]["commune_an_binh_messy.xlsx"]["data_rows"]
    statuses = [row[column["Trạng thái"]].value for row in rows.values()]
    assert statuses.count("Bị loại") == 6 and statuses.count("Hợp lệ") == 30
    for source_row, (status, message, problem, colour) in MESSY_PROBLEMS.items():
        row = rows[source_row]
        status_cell = row[column["Trạng thái"]]
        assert status_cell.value == status, source_row
        assert _fill(status_cell) == (RED if status == "Bị loại" else GREEN), source_row
        text_column = "Lý do loại" if status == "Bị loại" else "Cảnh báo"
        assert row[column[text_column]].value == message, source_row
        marked = {header[i] for i, cell in enumerate(row[:-4]) if _fill(cell)}
        assert marked == {problem}, source_row
        assert _fill(row[column[problem]]) == colour, source_row
    clean = rows[5]  # Lý Hữu Ánh: nothing to say
    assert clean[column["Họ và tên"]].value == "Lý Hữu Ánh"
    assert clean[column["Trạng thái"]].value == "Hợp lệ"
    assert clean[column["Lý do loại"]].value is None and clean[column["Cảnh báo"]].value is None
    assert not any(_fill(cell) for cell in clean[:-4])


def test_annotated_problem_cells_carry_the_message_in_both_languages(
    session: Session, campaign: Campaign
) -> None:
    from openpyxl import load_workbook as load  # comments need a normal (not read-only) load

    result = _upload(session, campaign, "commune_an_binh_messy.xlsx")
    sheet = load(io.BytesIO(list_reports.annotated(session, result.unit_list)))["Kết quả kiểm tra"]
    header = [c.value for c in sheet[1]]
    duplicate = next(row for row in sheet.iter_rows(min_row=2) if row[-1].value == 31)
    comment = duplicate[header.index("Họ và tên")].comment
    assert comment is not None
    vi, en = comment.text.split("\n")[:2]
    assert vi == "Trùng người với dòng 7." and en and en != vi


CITIZEN_HEADERS = [
    "STT",
    "Họ và tên",
    "Địa chỉ",
    "Số điện thoại",
    "Lĩnh vực TTHC",
    "Tên thủ tục hành chính",
    "Ngày nộp hồ sơ",
    "Ngày nhận kết quả",
    "Đã nhận kết quả",
    "Ghi chú",
]
LEADER_HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Số điện thoại", "Email", "Ghi chú"]


@pytest.mark.parametrize(
    "code,group,title,headers",
    [
        (
            "AB",
            "citizen",
            "DANH SÁCH CÁ NHÂN, TỔ CHỨC ĐÃ GIAO DỊCH VÀ NHẬN KẾT QUẢ GIẢI QUYẾT TTHC",
            CITIZEN_HEADERS,
        ),
        ("STP", "department_leader", "DANH SÁCH LÃNH ĐẠO SỞ, BAN, NGÀNH", LEADER_HEADERS),
    ],
)
def test_list_template_downloaded_for_a_unit_opens_with_its_headers(
    app: Flask,
    session: Session,
    campaign: Campaign,
    code: str,
    group: str,
    title: str,
    headers: list[str],
) -> None:
    """The template an officer downloads for their unit: title, Vietnamese column headers,
    the example row (skipped on upload) and the unit's procedure fields in the hidden list."""
    client = logged_in(app, session, "can-bo", unit_code=code)
    unit = registry.unit_by_code(session, campaign, code)
    response = client.get(f"/lists/{unit.id}/{group}/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Danh sách", "DanhMuc"]
    sheet = book["Danh sách"]
    assert sheet["A1"].value == title
    assert [c.value for c in sheet[3]] == headers
    assert sheet["A4"].value == "Ví dụ"
    assert book["DanhMuc"].sheet_state == "hidden"
    if group == "citizen":  # the drop-down offers (at least) the unit's procedure fields
        fields = [c.value for c in book["DanhMuc"]["A"]]
        assert set(unit.procedure_fields or ()) <= set(fields)


def test_citizen_template_offers_only_the_units_procedure_fields(
    app: Flask, session: Session, campaign: Campaign
) -> None:
    client = logged_in(app, session, "can-bo")
    unit = registry.unit_by_code(session, campaign, "AB")
    book = load_workbook(
        io.BytesIO(client.get(f"/lists/{unit.id}/citizen/template.xlsx").get_data())
    )
    assert [c.value for c in book["DanhMuc"]["A"]] == [f.strip() for f in FIELDS.split(";")]


def test_appraisal_template_opens_with_a_row_per_unit_and_criterion(
    app: Flask, session: Session, campaign: Campaign
) -> None:
    from survey_app.services import appraisal

    client = logged_in(app, session, "phan-tich", Role.ANALYST)
    response = client.get(f"/results/campaigns/{campaign.id}/appraisal/template")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Điểm thẩm định"]
    rows = list(book["Điểm thẩm định"].iter_rows(values_only=True))
    assert list(rows[0]) == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Mã tiêu chí thành phần",
        "Tên tiêu chí",
        "Điểm tối đa",
        "Điểm thẩm định",
        "Không áp dụng",
    ]
    leaves = [
        leaf
        for leaf in appraisal.campaign_tree(session, campaign).flatten()
        if leaf.method.value == "appraisal"
    ]
    units = appraisal.indexed_units(session, campaign)
    assert len(rows) - 1 == len(leaves) * len(units) > 0
    assert {r[0] for r in rows[1:]} == {u.code for u in units}
    first = rows[1]
    assert first[2] == leaves[0].code and first[4] == leaves[0].max_points
    assert first[5] is None and first[6] is None  # points left for the council to fill


def test_officer_uploads_in_the_browser_flow(
    app: Flask, session: Session, campaign: Campaign
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    data = {"file": (io.BytesIO((FIXTURES / "commune_an_binh_messy.xlsx").read_bytes()), "ds.xlsx")}
    page = client.post(f"/lists/{unit.id}/citizen", data=data, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kết quả kiểm tra" in html
    listed = session.scalar(select(UnitList))
    assert client.get(f"/lists/file/{listed.id}/annotated.xlsx").status_code == 200
    other = registry.unit_by_code(session, campaign, "PD")
    assert client.get(f"/lists/{other.id}/citizen").status_code == 403
    assert client.get(f"/lists/{unit.id}/citizen/template.xlsx").status_code == 200


@pytest.mark.parametrize(
    "payload,name",
    [
        (b"", "empty.csv"),
        (b"PK\x03\x04broken", "broken.xlsx"),
        (b"\x89PNG\r\n\x1a\n", "x.xlsx"),
        (b"a,b,c\n1,2,3\n", "noheader.csv"),
    ],
)
def test_bad_files_get_a_message_and_change_nothing(
    app: Flask, session: Session, campaign: Campaign, payload: bytes, name: str
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    response = client.post(
        f"/lists/{unit.id}/citizen",
        data={"file": (io.BytesIO(payload), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'class="flash error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(UnitList)) == 0


def test_cli_import_list_prints_a_json_summary(app: Flask, campaign: Campaign) -> None:
    runner = app.test_cli_runner()
    path = FIXTURES / "commune_lung_hoa_cp1258.csv"
    result = runner.invoke(
        main,
        args=[
            "import-list",
            "--unit",
            "LH",
            "--group",
            "citizen",
            "--campaign",
            str(campaign.id),
            "--json",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rows_read"] == 36 and summary["eligible"] == 30
    assert "duplicate" in summary["excluded_by_reason"]

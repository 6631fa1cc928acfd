"""Importing the unit registry: all rows or none, every problem reported by row."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.errors import RowsRejected
from survey_app.persistence.models import Campaign, Unit
from survey_app.services import registry

GOOD = (
    "Mã,Tên đơn vị,Cấp,Mã cấp trên,Nhóm,Lĩnh vực\n"
    "P1,Tỉnh Thử,tỉnh,,,\n"
    "D1,Huyện Một,huyện,P1,2,\n"
    "C1,Xã Một,xã,D1,,Hộ tịch; Đất đai\n"
)


@pytest.fixture
def campaign(session: Session) -> Campaign:
    from survey_app.services import designs

    design = designs.template("par_province_2023")
    c = designs.create_campaign(session, design, year=2026, name="Thử", actor=None)
    session.commit()
    return c


def test_vietnamese_headers_and_levels_are_understood(session: Session, campaign: Campaign):
    result = registry.import_units(session, campaign, "units.csv", GOOD.encode(), None)
    assert (result.created, result.updated) == (3, 0)
    commune = registry.unit_by_code(session, campaign, "C1")
    assert commune.level == "commune"
    assert commune.procedure_fields == ["Hộ tịch", "Đất đai"]
    assert commune.parent is not None and commune.parent.code == "D1"
    assert registry.unit_by_code(session, campaign, "D1").tier == 2


def test_reimport_updates_without_duplicating(session: Session, campaign: Campaign):
    registry.import_units(session, campaign, "units.csv", GOOD.encode(), None)
    again = registry.import_units(
        session, campaign, "units.csv", GOOD.replace("Xã Một", "Xã Một Mới").encode(), None
    )
    assert (again.created, again.updated) == (0, 3)
    assert session.scalar(select(func.count()).select_from(Unit)) == 3


def test_bad_rows_are_all_reported_and_nothing_is_written(session: Session, campaign: Campaign):
    bad = GOOD + (
        "C1,Xã trùng,xã,D1,,\n"  # row 5: duplicate code
        "C2,Xã Hai,làng,D1,,\n"  # row 6: unknown level
        "C3,,xã,D9,,\n"  # row 7: missing name, unknown parent
        "D2,Huyện Hai,huyện,P1,nhiều,\n"  # row 8: bad tier
    )
    with pytest.raises(RowsRejected) as caught:
        registry.import_units(session, campaign, "units.csv", bad.encode(), None)
    codes = {(p.row, p.code) for p in caught.value.problems}
    assert {(5, "duplicate_code"), (6, "unknown_level"), (7, "required"), (8, "bad_tier")} <= codes
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Unit)) == 0


def test_xlsx_registry(session: Session, campaign: Campaign):
    wb = Workbook()
    ws = wb.active
    for line in GOOD.strip().split("\n"):
        ws.append(line.split(","))
    buffer = io.BytesIO()
    wb.save(buffer)
    result = registry.import_units(session, campaign, "units.xlsx", buffer.getvalue(), None)
    assert result.created == 3


def test_upload_page_reports_rows_in_vietnamese(app: Flask, as_role, demo: int):
    client = as_role("admin")
    data = {"file": (io.BytesIO(b"code,name,level\nX1,,tinh\n"), "units.csv")}
    response = client.post(
        f"/admin/campaigns/{demo}/units", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Dòng 2" in page and "Thiếu giá trị bắt buộc" in page


def test_corrupt_file_gets_a_message_not_a_500(app: Flask, as_role, demo: int):
    client = as_role("admin")
    data = {"file": (io.BytesIO(b"PK\x03\x04garbage"), "units.xlsx")}
    response = client.post(
        f"/admin/campaigns/{demo}/units", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Không đọc được tệp" in response.get_data(as_text=True)


def test_english_snake_case_headers(session: Session, campaign: Campaign):
    text = (
        "code,name,level,parent_code,procedure_fields\n"
        "P,T,province,,\nD,H,district,P,\nC,X,commune,D,A | B\n"
    )
    registry.import_units(session, campaign, "u.csv", text.encode(), None)
    commune = registry.unit_by_code(session, campaign, "C")
    assert commune.parent is not None and commune.procedure_fields == ["A", "B"]


def test_a_parent_of_another_level_than_the_design_says_is_refused(
    session: Session, campaign: Campaign
):
    """The design puts communes under districts: a commune under the province is refused."""
    text = "code,name,level,parent_code\nP,Tỉnh Thử,tỉnh,\nC,Xã Thử,xã,P\n"
    with pytest.raises(RowsRejected) as refused:
        registry.import_units(session, campaign, "units.csv", text.encode(), None)
    assert [(p.row, p.code) for p in refused.value.problems] == [(3, "parent_wrong_level")]


def test_a_unit_without_the_parent_its_level_needs_is_refused(session: Session, campaign: Campaign):
    text = "code,name,level,parent_code\nP,Tỉnh Thử,tỉnh,\nX,Xã Lẻ,xã,\n"
    with pytest.raises(RowsRejected) as refused:
        registry.import_units(session, campaign, "units.csv", text.encode(), None)
    assert [(p.row, p.code) for p in refused.value.problems] == [(3, "parent_missing")]


def test_levels_are_the_designs_by_code_name_or_common_word(session: Session):
    from survey_app.services import designs

    design = designs.template("internal_index_2025")
    campaign = designs.create_campaign(session, design, year=2026, name="Hai cấp", actor=None)
    text = (
        "Mã,Tên đơn vị,Cấp,Mã cấp trên\n"
        "T,Tỉnh Thử,Tỉnh,\nS,Sở Nội vụ,sở,T\nX,Đặc khu Cồn Cỏ,đặc khu,T\n"
        "X.VP,Văn phòng HĐND và UBND,Phòng chuyên môn cấp xã,X\n"
    )
    registry.import_units(session, campaign, "units.csv", text.encode(), None)
    levels = {u.code: u.level for u in registry.list_units(session, campaign)}
    assert levels == {"T": "province", "S": "department", "X": "commune", "X.VP": "commune_office"}
    with pytest.raises(RowsRejected) as refused:
        registry.import_units(session, campaign, "u.csv", b"code,name,level\nH,Huyen,huyen\n", None)
    assert [p.code for p in refused.value.problems] == ["unknown_level"]


def test_units_that_are_each_others_parent_are_refused(session: Session, campaign: Campaign):
    """A and B each other's parent (and a unit its own parent) is a cycle: nothing written."""
    looped = (
        "Mã,Tên đơn vị,Cấp,Mã cấp trên\n"
        "P1,Tỉnh Thử,tỉnh,\nA,Sở A,sở,B\nB,Sở B,sở,A\nS,Sở Tự,sở,S\nC,Sở C,sở,P1\n"
    )
    with pytest.raises(RowsRejected) as refused:
        registry.import_units(session, campaign, "units.csv", looped.encode(), None)
    cycle_rows = sorted(p.row for p in refused.value.problems if p.code == "parent_cycle")
    assert cycle_rows == [3, 4, 5]
    assert session.scalar(select(func.count()).select_from(Unit)) == 0


def test_a_cycle_through_units_already_imported_is_refused(session: Session, campaign: Campaign):
    registry.import_units(session, campaign, "units.csv", GOOD.encode(), None)
    session.commit()
    back = "Mã,Tên đơn vị,Cấp,Mã cấp trên\nP1,Tỉnh Thử,tỉnh,C1\n"
    with pytest.raises(RowsRejected) as refused:
        registry.import_units(session, campaign, "units.csv", back.encode(), None)
    codes = [p.code for p in refused.value.problems]
    assert codes == ["parent_not_allowed", "parent_cycle"]  # a province has no parent either
    assert "vòng lặp" in refused.value.problems[1].message("vi")

"""Unit lists end to end: the fixtures as officers send them, versions, deadline, the board."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import CampaignKind, RespondentGroup
from survey_app.cli import main
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.models import Campaign, ListRow, UnitList
from survey_app.services import accounts, list_reports, lists, registry
from survey_app.services.campaigns import CampaignInput, create_campaign
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
UNIT_OF = {"commune_an_binh_clean.xlsx": ("AB", "citizen"),
           "commune_an_binh_messy.xlsx": ("AB", "citizen"),
           "commune_phu_da.docx": ("PD", "citizen"),
           "commune_lung_hoa_cp1258.csv": ("LH", "citizen"),
           "department_leaders_so_tu_phap.xlsx": ("STP", "department_leader"),
           "council_delegates.csv": ("VP", "council_delegate")}


@pytest.fixture
def campaign(session: Session) -> Campaign:
    c = create_campaign(session, CampaignInput(
        2021, CampaignKind.PROVINCIAL_PAR, "Vĩnh Phúc 2021", window_from=dt.date(2021, 1, 1),
        window_to=dt.date(2021, 10, 15), list_deadline=dt.date(2099, 12, 31)), None)
    registry.import_units(session, c, "units.csv", REGISTRY.encode(), None)
    session.commit()
    return c


def _upload(session: Session, campaign: Campaign, name: str) -> lists.UploadResult:
    code, group = UNIT_OF[name]
    unit = registry.unit_by_code(session, campaign, code)
    return lists.upload(session, campaign, unit, RespondentGroup(group), name,
                        (FIXTURES / name).read_bytes(), None)


@pytest.mark.parametrize("name", sorted(UNIT_OF))
def test_fixture_imports_as_expected(session: Session, campaign: Campaign, name: str) -> None:
    expected = EXPECTED["files"][name]
    result = _upload(session, campaign, name)
    report = result.report
    assert report.data_rows == expected["data_rows"]
    assert report.eligible == expected["eligible"]
    assert sorted(str(c) for c in report.excluded_by_reason) == sorted(expected["excluded"])
    assert set(expected.get("warnings_at_least", ())) <= {str(c) for c in
                                                          report.warnings_by_code}
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
    campaign.list_deadline = dt.date(2021, 10, 30)
    unit = registry.unit_by_code(session, campaign, "AB")
    data = (FIXTURES / "commune_an_binh_clean.xlsx").read_bytes()
    with pytest.raises(ServiceError) as caught:
        lists.upload(session, campaign, unit, RespondentGroup.CITIZEN, "x.xlsx", data, None,
                     today=dt.date(2021, 11, 2))
    assert caught.value.code == "deadline_passed"
    assert session.scalar(select(func.count()).select_from(UnitList)) == 0
    campaign.allow_late_uploads = True
    late = lists.upload(session, campaign, unit, RespondentGroup.CITIZEN, "x.xlsx", data, None,
                        today=dt.date(2021, 11, 2))
    assert late.unit_list.is_late
    statuses = {(r.unit.code, r.group): r.status for r in lists.board(session, campaign)}
    assert statuses[("AB", RespondentGroup.CITIZEN)] is lists.BoardStatus.LATE
    assert statuses[("PD", RespondentGroup.CITIZEN)] is lists.BoardStatus.MISSING


def test_annotated_file_marks_the_problem_rows(session: Session, campaign: Campaign) -> None:
    result = _upload(session, campaign, "commune_an_binh_messy.xlsx")
    workbook = load_workbook(io.BytesIO(list_reports.annotated(session, result.unit_list)))
    text = "\n".join(str(c.value) for row in workbook.active.iter_rows() for c in row if c.value)
    assert "Bị loại" in text or "bị loại" in text.lower()


def test_officer_uploads_in_the_browser_flow(app: Flask, session: Session,
                                             campaign: Campaign) -> None:
    accounts.create_user(session, username="xa-ab", full_name="Cán bộ An Bình",
                         password="long-enough-pw", role=Role.UNIT_OFFICER, unit_code="AB")
    session.commit()
    client = login(app.test_client(), "xa-ab", "long-enough-pw")
    unit = registry.unit_by_code(session, campaign, "AB")
    data = {"file": (io.BytesIO((FIXTURES / "commune_an_binh_messy.xlsx").read_bytes()),
                     "ds.xlsx")}
    page = client.post(f"/lists/{unit.id}/citizen", data=data, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kết quả kiểm tra" in html
    listed = session.scalar(select(UnitList))
    assert client.get(f"/lists/file/{listed.id}/annotated.xlsx").status_code == 200
    other = registry.unit_by_code(session, campaign, "PD")
    assert client.get(f"/lists/{other.id}/citizen").status_code == 403
    assert client.get(f"/lists/{unit.id}/citizen/template.xlsx").status_code == 200


@pytest.mark.parametrize("payload,name", [
    (b"", "empty.csv"), (b"PK\x03\x04broken", "broken.xlsx"), (b"\x89PNG\r\n\x1a\n", "x.xlsx"),
    (b"a,b,c\n1,2,3\n", "noheader.csv")])
def test_bad_files_get_a_message_and_change_nothing(app: Flask, session: Session,
                                                    campaign: Campaign, payload: bytes,
                                                    name: str) -> None:
    accounts.create_user(session, username="xa-ab", full_name="Cán bộ An Bình",
                         password="long-enough-pw", role=Role.UNIT_OFFICER, unit_code="AB")
    session.commit()
    client = login(app.test_client(), "xa-ab", "long-enough-pw")
    unit = registry.unit_by_code(session, campaign, "AB")
    response = client.post(f"/lists/{unit.id}/citizen", data={"file": (io.BytesIO(payload), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'class="flash error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(UnitList)) == 0


def test_cli_import_list_prints_a_json_summary(app: Flask, campaign: Campaign) -> None:
    runner = app.test_cli_runner()
    path = FIXTURES / "commune_lung_hoa_cp1258.csv"
    result = runner.invoke(main, args=["import-list", "--unit", "LH", "--group", "citizen",
                                 "--campaign", str(campaign.id), "--json", str(path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rows_read"] == 36 and summary["eligible"] == 30
    assert "duplicate" in summary["excluded_by_reason"]

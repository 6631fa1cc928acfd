"""The official registry in the database: import (CLI and browser), campaigns linked to it,
a merged commune's list checked by it, and results compared year on year."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adminunits import Registry, read_registry
from survey_app.cli import main
from survey_app.persistence.enums import Role
from survey_app.persistence.models import (
    Campaign,
    OfficialImport,
    OfficialSuccession,
    OfficialUnit,
    Unit,
    UnitList,
)
from survey_app.services import (
    lineage,
    lists,
    official_units,
    registry,
    results,
    results_history,
)
from tests import factories
from tests.conftest import csrf
from tests.integration.results_fixtures import results_campaign, seed_results, staff
from tests.unit.ingest.ingest_samples import xlsx_bytes
from tests.unit.ingest.test_ingest_registry import HEADER, _rows

WINDOW_2025 = (dt.date(2025, 7, 1), dt.date(2025, 10, 15))
IN_TIME = dt.date(2025, 10, 20)  # before the lists' deadline


@pytest.fixture(scope="module")
def country() -> Registry:
    return read_registry()


def test_the_cli_imports_the_country_once_and_records_every_run(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(main, ["units", "import-official", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert (summary["provinces"], summary["communes"]) == (34, 3321)
    assert summary["mapped_old_units"] == 10040
    assert summary["source"] == "vietnamadminunits" and summary["version"]
    assert summary["created"] == 14154 and summary["unchanged"] == 0
    again = json.loads(runner.invoke(main, ["units", "import-official", "--json"]).output)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 14154)
    assert again["successions_added"] == 0
    factory = app.extensions["session_factory"]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OfficialUnit)) == 14154
        assert session.scalar(select(func.count()).select_from(OfficialSuccession)) == 10665
        runs = list(session.scalars(select(OfficialImport).order_by(OfficialImport.id)))
        assert len(runs) == 2
        assert {(r.source, r.licence, len(r.digest)) for r in runs} == {
            ("vietnamadminunits", "MIT", 64)
        }
        assert runs[0].data_date == dt.date(2025, 7, 1)


def test_the_cli_refuses_an_unknown_province(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, ["units", "import-official", "--province", "99"])
    assert result.exit_code != 0
    assert "99" in result.output


def _campaign_2025(session: Session, country: Registry) -> Campaign:
    official_units.import_official(session, registry=country)
    design = factories.dated("par_province_2025", WINDOW_2025)
    campaign = factories.campaign(session, name="Phú Thọ 2025", year=2025, design=design)
    session.add(Unit(campaign_id=campaign.id, code="25", name="Tỉnh Phú Thọ", level="province"))
    session.flush()
    province = registry.unit_by_code(session, campaign, "25")
    official_units.link(session, campaign, province, "25", None)
    added, linked = official_units.add_communes(session, campaign, "25", "commune", province, None)
    assert (added, linked) == (148, 0)
    session.commit()
    return campaign


def test_a_merged_communes_list_is_checked_by_the_registry(
    session: Session, country: Registry
) -> None:
    campaign = _campaign_2025(session, country)
    unit = registry.unit_by_code(session, campaign, "09154")
    assert unit.name == "Xã Vĩnh Phú" and unit.official_key == "commune:09154:2025-07-01"
    data = xlsx_bytes(HEADER, _rows(), ["DANH SÁCH NGƯỜI DÂN", "XÃ VĨNH PHÚ"])
    result = lists.upload(
        session, campaign, unit, "citizen", "vinh_phu.xlsx", data, None, today=IN_TIME
    )
    session.commit()
    summary = result.unit_list.summary
    assert (summary["rows_read"], summary["eligible"]) == (36, 31)
    assert summary["excluded_by_reason"] == {"outside_locality": 5}
    # Unlinked and renamed, the unit falls back to the names of the campaign's units.
    official_units.link(session, campaign, unit, None, None)
    unit.name = "Xã Đổi Tên"
    assert lists.context_for(session, campaign, unit, "citizen").locality is None


def test_adding_a_province_twice_links_instead_of_duplicating(
    session: Session, country: Registry
) -> None:
    campaign = _campaign_2025(session, country)
    province = registry.unit_by_code(session, campaign, "25")
    again = official_units.add_communes(session, campaign, "25", "commune", province, None)
    assert again == (0, 0)
    count = session.scalar(
        select(func.count()).select_from(Unit).where(Unit.campaign_id == campaign.id)
    )
    assert count == 149


def test_a_campaign_reads_the_registry_as_of_its_pinned_date(
    session: Session, country: Registry
) -> None:
    campaign = _campaign_2025(session, country)
    assert official_units.as_of(campaign) == WINDOW_2025[1]
    official_units.pin(session, campaign, dt.date(2025, 8, 1), None)
    assert official_units.as_of(campaign) == dt.date(2025, 8, 1)
    unit = registry.unit_by_code(session, campaign, "09154")
    with pytest.raises(official_units.ServiceError) as refused:
        official_units.link(session, campaign, unit, "09157", None)  # old Vĩnh Phú (Vĩnh Tường)
    assert "09157" in refused.value.message("vi")


def test_council_lists_carry_the_council_term(session: Session, country: Registry) -> None:
    campaign = _campaign_2025(session, country)
    province = registry.unit_by_code(session, campaign, "25")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Họ và tên", "Chức vụ", "Số điện thoại"])
    sheet.append([1, "Nguyễn Văn Đại Biểu", "Đại biểu HĐND tỉnh", "0912345678"])
    out = io.BytesIO()
    book.save(out)
    result = lists.upload(
        session,
        campaign,
        province,
        "council_delegate",
        "hdnd.xlsx",
        out.getvalue(),
        None,
        today=IN_TIME,
    )
    session.commit()
    assert result.unit_list.council_term == "2026–2031"
    other = session.scalars(select(UnitList).where(UnitList.group != "council_delegate")).first()
    assert other is None or other.council_term is None


def test_results_compare_a_unit_with_its_predecessors(app: Flask, session: Session) -> None:
    earlier_id = results_campaign(session)
    seed_results(session, earlier_id)
    earlier = session.get(Campaign, earlier_id)
    assert earlier is not None
    later = factories.campaign(
        session,
        name="Đợt sau",
        year=earlier.year + 1,
        design=factories.rating_own_unit(factories.dated("par_province_2023"), "department_leader"),
    )
    factories.unit_tree(session, later, departments=["S01", "S10"])
    merged = registry.unit_by_code(session, later, "S10")
    old = [registry.unit_by_code(session, earlier, code) for code in ("S02", "S03")]
    lineage.set_predecessors(session, merged, [u.id for u in old], None)
    session.commit()
    then = results.compute(session, earlier)
    expected = then.ranking.set_index("unit_code")["index_pct"]
    rows = results_history.year_on_year(session, merged)
    assert [(row.how, row.unit_code) for row in rows] == [
        ("this", "S10"),
        ("linked", "S02"),
        ("linked", "S03"),
    ]
    assert rows[1].index_pct == pytest.approx(float(expected["S02"]))
    assert rows[1].fields, "field points of the predecessor"
    same = results_history.year_on_year(session, registry.unit_by_code(session, later, "S01"))
    assert [(row.how, row.unit_code) for row in same] == [("this", "S01"), ("same_code", "S01")]
    analyst = staff(app, Role.ANALYST)
    page = analyst.get(f"/results/campaigns/{later.id}/units/{merged.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "So sánh với các năm trước" in text and "Sở thử nghiệm S02" in text
    workbook = analyst.get(f"/results/campaigns/{later.id}/export.xlsx")
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    sheet = book["So sánh qua các năm"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "Đơn vị so sánh" in values[0]
    assert values[1][:3] == ["unit_code", "unit_name", "year"], "the codes under the headings"
    assert any("S02" in row for row in values)
    rows = [dict(zip(values[1], row, strict=True)) for row in values[2:]]
    linked = next(row for row in rows if row["compared_unit_code"] == "S02")
    assert linked["relation"] == "Đơn vị tiền thân (đã chọn)"
    assert any(str(code).startswith("field_") for code in values[1]), "fields by their code"


def test_a_predecessor_must_be_of_an_earlier_campaign(session: Session) -> None:
    campaign = factories.campaign(session, year=2030)
    factories.unit_tree(session, campaign, departments=["S01", "S02"])
    first = registry.unit_by_code(session, campaign, "S01")
    second = registry.unit_by_code(session, campaign, "S02")
    with pytest.raises(official_units.ServiceError) as refused:
        lineage.set_predecessors(session, first, [second.id], None)
    assert refused.value.code == "predecessor_not_earlier"


def test_the_browser_pages_import_search_and_link(app: Flask, session: Session) -> None:
    results_campaign(session)
    admin = staff(app, Role.ADMIN)
    page = admin.get("/admin/official-units")
    assert page.status_code == 200 and "Chưa nhập danh mục" in page.get_data(as_text=True)
    refused = admin.post(
        "/admin/official-units", data={"province": ""}, headers={"X-CSRFToken": ""}
    )
    assert refused.status_code == 400
    done = admin.post("/admin/official-units", data={"province": "25", "csrf_token": csrf(admin)})
    assert done.status_code == 302
    found = admin.get("/admin/official-units?q=vinh phu&province=25").get_data(as_text=True)
    assert "Xã Vĩnh Phú" in found and "09154" in found
    detail = admin.get("/admin/official-units/commune:09154:2025-07-01").get_data(as_text=True)
    assert "Xã Ngũ Kiên" in detail and "Xã An Nhân" in detail
    assert admin.get("/admin/official-units/commune:99999:x").status_code == 404
    analyst = staff(app, Role.ANALYST)
    assert analyst.get("/admin/official-units").status_code == 403


def test_a_merged_commune_is_compared_with_every_commune_it_was_made_of(
    session: Session, country: Registry
) -> None:
    """2024: Ngũ Kiên, An Nhân, Vĩnh Thịnh and Vĩnh Phú (Vĩnh Tường) linked to their
    official codes; 2025: xã Vĩnh Phú 09154 continues all four (not only the one whose code
    it took)."""
    official_units.import_official(session, registry=country)
    earlier = factories.campaign(
        session,
        name="2024",
        year=2024,
        design=factories.dated("par_province_2025", (dt.date(2024, 1, 1), dt.date(2024, 10, 15))),
    )
    session.add(Unit(campaign_id=earlier.id, code="26", name="Tỉnh Vĩnh Phúc", level="province"))
    session.flush()
    province = registry.unit_by_code(session, earlier, "26")
    official_units.pin(session, earlier, dt.date(2024, 12, 31), None)
    for code, name in (
        ("09148", "Ngũ Kiên"),
        ("09151", "An Nhân"),
        ("09154", "Vĩnh Thịnh"),
        ("09157", "Vĩnh Phú"),
    ):
        session.add(
            Unit(
                campaign_id=earlier.id,
                code=code,
                name=f"Xã {name}",
                level="commune",
                parent_id=province.id,
                procedure_fields=[],
            )
        )
    session.flush()
    for code in ("09148", "09151", "09154", "09157"):
        official_units.link(
            session, earlier, registry.unit_by_code(session, earlier, code), code, None
        )
    later = _campaign_2025(session, country)
    merged = registry.unit_by_code(session, later, "09154")
    found = lineage.earlier_units(session, merged)
    assert sorted((u.code, how) for u, how in found) == [
        ("09148", "official"),
        ("09151", "official"),
        ("09154", "official"),
        ("09157", "official"),
    ]
    with pytest.raises(official_units.ServiceError) as refused:
        official_units.link(
            session, later, registry.unit_by_code(session, later, "25"), "09154", None
        )
    assert refused.value.code == "official_already_linked"


def test_adding_communes_checks_the_parent_level(session: Session, country: Registry) -> None:
    official_units.import_official(session, registry=country)
    design = factories.dated("par_province_2025", WINDOW_2025)
    campaign = factories.campaign(session, name="Không cấp trên", year=2025, design=design)
    assert official_units.add_communes(session, campaign, "25", "commune", None, None) == (148, 0)
    province = registry.unit_by_code(session, campaign, "25")  # added from the registry
    assert (province.name, province.level) == ("Tỉnh Phú Thọ", "province")
    assert registry.unit_by_code(session, campaign, "09154").parent_id == province.id
    commune = registry.unit_by_code(session, campaign, "09154")
    with pytest.raises(official_units.ServiceError) as refused:
        official_units.add_communes(session, campaign, "24", "commune", commune, None)
    assert refused.value.code == "parent_wrong_level"


def test_a_unit_with_an_official_code_and_name_is_checked_by_the_registry(
    session: Session, country: Registry
) -> None:
    """A registry typed by hand with official codes (no link made) still gets the registry's
    check when the code and the name agree; a code with another name does not."""
    official_units.import_official(session, registry=country)
    design = factories.dated("par_province_2025", WINDOW_2025)
    campaign = factories.campaign(session, name="Theo mã", year=2025, design=design)
    session.add(Unit(campaign_id=campaign.id, code="P25", name="Tỉnh Phú Thọ", level="province"))
    session.flush()
    province = registry.unit_by_code(session, campaign, "P25")
    for code, name in (("09154", "UBND xã Vĩnh Phú"), ("09157", "Xã Không Khớp")):
        session.add(
            Unit(
                campaign_id=campaign.id,
                code=code,
                name=name,
                level="commune",
                parent_id=province.id,
                procedure_fields=[],
            )
        )
    session.flush()
    typed = registry.unit_by_code(session, campaign, "09154")
    assert official_units.locality_for(session, campaign, typed) is not None
    other = registry.unit_by_code(session, campaign, "09157")
    assert official_units.locality_for(session, campaign, other) is None

"""The stored upload report: the page and the annotated file come from the stored rows and
summary (no parse on view), a re-check is an explicit action, and their statement counts."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from survey_app import ingest
from survey_app.ingest import IngestError, read_table, validate_list
from survey_app.ingest.stored import LAYOUT_KEY, UNKNOWN
from survey_app.persistence.models import Campaign, ListRow, UnitList
from survey_app.services import list_reports, lists, registry
from tests import factories
from tests.conftest import csrf
from tests.integration.test_lists import (
    FIXTURES,
    campaign,  # noqa: F401 - the fixture
    logged_in,
)

PAGE_VIEW_BUDGET = 6
"""Statements of the unit officer's GET of a list page with a stored 1,000-row list (6 on
SQLite and PostgreSQL): the staff session with its user, the unit, its campaign, the current
version, the report's rows (problem rows first, at most REPORT_ROW_LIMIT, one SELECT), the
history of versions. None depends on the number of rows, and none reads the file."""
MESSY = "commune_an_binh_messy.xlsx"


def _officer(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    return logged_in(app, session, "xa-ab")


def _upload(
    session: Session,
    campaign: Campaign,
    data: bytes,  # noqa: F811
    name: str = MESSY,
) -> lists.UploadResult:
    unit = registry.unit_by_code(session, campaign, "AB")
    result = lists.upload(session, campaign, unit, "citizen", name, data, None)
    session.commit()
    return result


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any read of an upload from here on fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the upload was parsed again")

    monkeypatch.setattr(ingest, "read_table_isolated", refuse)
    monkeypatch.setattr(lists, "read_table_isolated", refuse)


def _sheet_values(body: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _marks(body: bytes) -> list[tuple[str, str | None, str | None]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    return [
        (
            c.coordinate,
            c.fill.fgColor.rgb if c.fill.fill_type else None,
            c.comment.text if c.comment else None,
        )
        for row in sheet.iter_rows()
        for c in row
    ]


def test_annotated_file_from_stored_rows_is_the_file_of_the_upload(
    session: Session, campaign: Campaign
) -> None:  # noqa: F811
    data = (FIXTURES / MESSY).read_bytes()
    result = _upload(session, campaign, data)
    table = read_table(MESSY, data)
    unit = result.unit_list.unit
    fresh = ingest.annotated_xlsx(
        table,
        validate_list(
            table,
            lists.rules_for(campaign, "citizen"),
            lists.context_for(session, campaign, unit, "citizen"),
        ),
    )
    stored = list_reports.annotated(session, result.unit_list)
    assert _sheet_values(stored) == _sheet_values(fresh)  # the officer's cells, as sent
    assert _marks(stored) == _marks(fresh)  # same fills, same comments with parameters
    skipped = openpyxl.load_workbook(io.BytesIO(stored)).sheetnames
    assert skipped == openpyxl.load_workbook(io.BytesIO(fresh)).sheetnames


def test_page_and_annotated_file_show_the_stored_outcome_without_a_parse(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = _officer(app, session)
    result = _upload(session, campaign, (FIXTURES / MESSY).read_bytes())
    stored = result.report
    # today's rules would exclude almost everyone
    factories.set_window(session, campaign, dt.date(2021, 1, 1), dt.date(2021, 1, 2))
    _no_parse(monkeypatch)
    page = client.get(f"/lists/{result.unit_list.unit_id}/citizen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kết quả kiểm tra" in html
    assert f'<span class="num">{stored.eligible}</span><span>hợp lệ</span>' in html
    body = client.get(f"/lists/file/{result.unit_list.id}/annotated.xlsx")
    assert body.status_code == 200
    values = _sheet_values(body.data)
    status_at = values[0].index("Trạng thái")
    assert sum(1 for row in values[1:] if row[status_at] == "Hợp lệ") == stored.eligible


def test_recheck_stores_a_new_version_only_when_the_outcome_differs(
    app: Flask, session: Session, campaign: Campaign
) -> None:  # noqa: F811
    client = _officer(app, session)
    data = (FIXTURES / MESSY).read_bytes()
    first = _upload(session, campaign, data).unit_list
    answer = client.post(f"/lists/file/{first.id}/recheck", data={"csrf_token": csrf(client)})
    assert answer.status_code == 302
    assert session.scalar(select(func.count()).select_from(UnitList)) == 1
    assert "kết quả không đổi" in client.get(answer.location).get_data(as_text=True)
    factories.set_window(session, campaign, dt.date(2021, 1, 1), dt.date(2021, 3, 1))
    answer = client.post(f"/lists/file/{first.id}/recheck", data={"csrf_token": csrf(client)})
    assert answer.status_code == 302
    session.expire_all()
    versions = session.scalars(select(UnitList).order_by(UnitList.version)).all()
    assert [v.version for v in versions] == [1, 2] and versions[1].is_current
    assert versions[1].content == versions[0].content == data  # the same bytes, kept twice
    assert versions[1].summary[lists.RECHECK_KEY] == 1
    assert versions[1].summary["eligible"] < versions[0].summary["eligible"]
    again = _upload(session, campaign, data)  # the same file finds the newest outcome
    assert not again.new_version and again.unit_list.id == versions[1].id


def test_recheck_is_a_csrf_protected_action_of_the_unit_itself(
    app: Flask, session: Session, campaign: Campaign
) -> None:  # noqa: F811
    client = _officer(app, session)
    pd = registry.unit_by_code(session, campaign, "PD")
    other = lists.upload(
        session,
        campaign,
        pd,
        "citizen",
        "pd.docx",
        (FIXTURES / "commune_phu_da.docx").read_bytes(),
        None,
    ).unit_list
    session.commit()
    forbidden = client.post(f"/lists/file/{other.id}/recheck", data={"csrf_token": csrf(client)})
    assert forbidden.status_code == 403
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    own = _upload(session, campaign, (FIXTURES / MESSY).read_bytes()).unit_list
    assert client.post(f"/lists/file/{own.id}/recheck").status_code == 400
    assert (
        client.post("/lists/file/999999/recheck", data={"csrf_token": csrf(client)}).status_code
        == 404
    )


def test_a_version_stored_before_its_layout_still_gives_its_file(
    session: Session, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: F811
    result = _upload(session, campaign, (FIXTURES / MESSY).read_bytes())
    unit_list = result.unit_list
    unit_list.summary = {k: v for k, v in unit_list.summary.items() if k != LAYOUT_KEY}
    session.execute(
        update(ListRow).where(ListRow.list_id == unit_list.id).values(cells=None, issues=None)
    )
    session.commit()
    _no_parse(monkeypatch)
    values = _sheet_values(list_reports.annotated(session, unit_list))
    assert values[0][:2] == ["Họ và tên", "Số điện thoại"]
    assert len(values) == result.report.data_rows + 1
    report = list_reports.stored_report(session, unit_list, 500)
    messages = [i.message.vi for r in report.rows for i in r.reasons + r.warnings]
    assert messages and not any("{" in m for m in messages)
    assert any(UNKNOWN in m for m in messages)


def _long_list(count: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Địa chỉ", "Số điện thoại", "Lĩnh vực", "Ngày nhận kết quả"])
    for i in range(count):
        phone = "" if i % 10 == 0 else f"09{i:08d}"
        day = "12/03/2020" if i % 50 == 0 else "12/03/2021"
        sheet.append([i + 1, f"Người Thứ {i}", "Thôn Đông, xã An Bình", phone, "Hộ tịch", day])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_list_page_of_a_1000_row_list_stays_within_its_budget(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    count_queries,
) -> None:
    client = _officer(app, session)
    result = _upload(session, campaign, _long_list(1000), "dai.xlsx")
    assert result.report.data_rows == 1000 and result.report.excluded >= 20
    _no_parse(monkeypatch)
    with count_queries() as page:
        answer = client.get(f"/lists/{result.unit_list.unit_id}/citizen")
    assert answer.status_code == 200
    assert len(page) <= PAGE_VIEW_BUDGET, page.statements
    with count_queries() as download:
        assert client.get(f"/lists/file/{result.unit_list.id}/annotated.xlsx").status_code == 200
    assert sum(1 for s in download.statements if "FROM list_rows" in s) == 1


def test_an_unreadable_stored_file_no_longer_hides_its_report(
    app: Flask, session: Session, campaign: Campaign
) -> None:  # noqa: F811
    client = _officer(app, session)
    result = _upload(session, campaign, (FIXTURES / MESSY).read_bytes())
    result.unit_list.content = b"PK\x03\x04broken"  # as if today's reader could not read it
    session.commit()
    page = client.get(f"/lists/{result.unit_list.unit_id}/citizen")
    assert page.status_code == 200 and 'class="flash error"' not in page.get_data(as_text=True)
    assert client.get(f"/lists/file/{result.unit_list.id}/annotated.xlsx").status_code == 200
    with pytest.raises(IngestError):
        list_reports.recheck(session, result.unit_list, None)

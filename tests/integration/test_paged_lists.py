"""Long admin lists are paged, never cut: the sampling preview (search, level filter, pages
with their totals) and the upload report (problem rows first, paged in SQL past 500 rows, the
counts exact); the upload's flash says what happened in the right colour; the columns a list
needs are listed before upload; no reason or skip code reaches the page."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import openpyxl
from babel.numbers import format_decimal
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey_app.ingest import ReasonCode, SkipKind
from survey_app.persistence.models import Campaign
from survey_app.services import list_reports, lists, registry, sample_plan
from tests.integration.test_lists import (
    FIXTURES,
    campaign,  # noqa: F401 - the fixture
    logged_in,
)

Login = Callable[[str], FlaskClient]
PREVIEW_PAGE = 50
REPORT_PAGE = 100
BAD, WARNED, CLEAN = 1050, 40, 30
"""The long list: rows outside the transaction window, rows without a phone, clean rows."""


def _n(value: int) -> str:
    """A count as the Vietnamese pages write it (1.090)."""
    return str(format_decimal(value, locale="vi"))


def _section(html: str, marker: str) -> str:
    """The part of a page from ``marker`` to the end of its section."""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def _visible(html: str) -> str:
    """The text a reader sees: tags and attribute values removed."""
    return re.sub(r"<[^>]+>", " ", html)


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^0-9a-z]+", " ", bare.encode("ascii", "ignore").decode().lower()).strip()


# --- the sampling preview ----------------------------------------------------------------------


def _campaign(session: Session, campaign_id: int) -> Campaign:
    found = session.get(Campaign, campaign_id)
    assert found is not None
    return found


def _preview_rows(html: str) -> int:
    return _section(html, 'id="preview"').count('data-label="Khung mẫu"')


def test_the_sampling_preview_pages_every_row_with_its_total(
    full_demo: int, session: Session, as_role: Login
) -> None:
    table = sample_plan.preview(session, _campaign(session, full_demo))
    total = len(table)
    assert total > 60  # more than the old cut of 60 rows
    admin = as_role("admin")
    url = f"/sampling/?campaign={full_demo}"
    html = admin.get(url).get_data(as_text=True)
    assert f"Dòng 1–{PREVIEW_PAGE} trong {_n(total)}" in html
    assert _preview_rows(html) == PREVIEW_PAGE
    last = (total - 1) // PREVIEW_PAGE + 1
    tail = admin.get(f"{url}&page={last}").get_data(as_text=True)
    assert f"Dòng {_n((last - 1) * PREVIEW_PAGE + 1)}–{_n(total)} trong {_n(total)}" in tail
    assert _preview_rows(tail) == total - (last - 1) * PREVIEW_PAGE
    past = admin.get(f"{url}&page=999").get_data(as_text=True)
    assert _preview_rows(past) == _preview_rows(tail)  # past the end: the last page
    # every row is on exactly one page, names beside codes
    seen = []
    for number in range(1, last + 1):
        page = _section(admin.get(f"{url}&page={number}").get_data(as_text=True), 'id="preview"')
        seen += re.findall(r'<span class="hint">([^<]+)</span></span></td>', page)
    assert sorted(seen) == sorted(table["unit_code"])
    first = table.iloc[0]
    assert first["unit_name"] and first["unit_name"] in html


def test_the_sampling_preview_searches_names_and_codes_and_filters_by_level(
    full_demo: int, session: Session, as_role: Login
) -> None:
    table = sample_plan.preview(session, _campaign(session, full_demo))
    admin = as_role("admin")
    url = f"/sampling/?campaign={full_demo}"
    accented = next(n for n in table["unit_name"] if _fold(n) != n.lower())
    typed = _fold(accented)  # typed without diacritics
    wanted = [
        code
        for code, name in zip(table["unit_code"], table["unit_name"], strict=True)
        if typed in _fold(f"{code} {name}")
    ]
    html = admin.get(f"{url}&q={typed}").get_data(as_text=True)
    assert f"{_n(len(wanted))} trong {_n(len(table))} dòng khớp điều kiện lọc" in html
    assert accented in html and _preview_rows(html) == min(len(wanted), PREVIEW_PAGE)
    code = str(table["unit_code"].iloc[-1])
    by_code = admin.get(f"{url}&q={code.lower()}").get_data(as_text=True)
    assert f'<span class="hint">{code}</span>' in _section(by_code, 'id="preview"')
    counts = table["level"].value_counts()
    level = str(counts.index[0])
    chips = _section(admin.get(url).get_data(as_text=True), 'id="preview"')
    assert f"({_n(int(counts[level]))})</a>" in chips  # the chip's counter
    chosen = admin.get(f"{url}&level={level}").get_data(as_text=True)
    expected = int(counts[level])
    shown = _preview_rows(chosen)
    assert shown == min(expected, PREVIEW_PAGE)
    if expected > PREVIEW_PAGE:
        assert f"trong {_n(expected)}" in chosen
    nothing = admin.get(f"{url}&q=khongcodonvinaonhuthe").get_data(as_text=True)
    assert "Không có đơn vị nào khớp điều kiện lọc." in nothing
    assert admin.get(f"{url}&level=nonsense").status_code == 200  # an unknown level: no filter


def test_the_sampling_preview_is_the_administrators(full_demo: int, as_role: Login) -> None:
    assert as_role("xa-h03-01").get(f"/sampling/?campaign={full_demo}&page=2").status_code == 403


# --- the upload report -------------------------------------------------------------------------


def _citizen_list(
    bad: int,
    warned: int,
    clean: int,
    *,
    duplicates: int = 0,
    tail: bool = False,
) -> bytes:
    """A citizen list of An Bình: ``bad`` rows outside the transaction window (2020),
    ``warned`` rows without a phone, ``clean`` rows, ``duplicates`` repeats of the first
    clean row; with ``tail`` a total line and a signature under the table."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Họ và tên", "Địa chỉ", "Số điện thoại", "Lĩnh vực", "Ngày nhận kết quả"])
    kinds = ["bad"] * bad + ["warned"] * warned + ["clean"] * clean + ["again"] * duplicates
    for i, kind in enumerate(kinds):
        person = bad + warned if kind == "again" else i  # a repeat is the first clean row
        phone = "" if kind == "warned" else f"09{person:08d}"
        day = "12/03/2020" if kind == "bad" else "12/03/2021"
        sheet.append([i + 1, f"Người Thứ {person}", "Thôn Đông, xã An Bình", phone, "Hộ tịch", day])
    if tail:
        sheet.append(["", "Tổng cộng", "", "", "", ""])
        sheet.append(["", "Người lập biểu", "", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _post(client: FlaskClient, unit_id: int, data: bytes) -> str:
    answer = client.post(
        f"/lists/{unit_id}/citizen",
        data={"file": (io.BytesIO(data), "danh_sach.xlsx")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def _flashes(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="flash (\w+)" role="\w+">([^<]*)</p>', html)


def _report_rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td data-label="Dòng">(\d+)</td>', html)]


def test_the_problem_rows_page_past_500_in_sql_with_exact_counts(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
    count_queries: Any,
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    html = _post(client, unit.id, _citizen_list(BAD, WARNED, CLEAN))
    problems, rows = BAD + WARNED, BAD + WARNED + CLEAN
    assert f'<span class="num">{_n(BAD)}</span><span>bị loại</span>' in html
    assert f"Dòng có vấn đề ({_n(problems)})" in html
    assert f"Tất cả các dòng ({_n(rows)})" in html
    assert f"Dòng 1–{REPORT_PAGE} trong {_n(problems)}" in html
    assert _report_rows(html) == list(range(2, REPORT_PAGE + 2))  # excluded first, file order
    last = (problems - 1) // REPORT_PAGE + 1
    url = f"/lists/{unit.id}/citizen"
    with count_queries() as counted:
        tail = client.get(f"{url}?page={last}").get_data(as_text=True)
    first = (last - 1) * REPORT_PAGE + 1
    assert f"Dòng {_n(first)}–{_n(problems)} trong {_n(problems)}" in tail
    # the page ends with the rows that have only a warning, in file order
    assert _report_rows(tail)[-WARNED:] == list(range(BAD + 2, BAD + WARNED + 2))
    assert len(_report_rows(tail)) == problems - first + 1
    reads = [s for s in counted.statements if "FROM list_rows" in s]
    assert len(reads) == 1 and re.search(r"LIMIT|OFFSET", reads[0], re.IGNORECASE)
    past = client.get(f"{url}?page=999").get_data(as_text=True)
    assert _report_rows(past) == _report_rows(tail)  # past the end: the last page
    every = client.get(f"{url}?rows=all&page=11").get_data(as_text=True)
    assert f"Dòng 1.001–1.100 trong {_n(rows)}" in every
    assert _report_rows(every) == list(range(1002, 1102))  # every row, in file order
    assert f"Dòng có vấn đề ({_n(problems)})" in every  # the same exact counts
    assert client.get(f"{url}?page=abc").status_code == 200


def test_the_stored_report_pages_and_counts_in_the_service(
    session: Session,
    campaign: Campaign,  # noqa: F811
) -> None:
    unit = registry.unit_by_code(session, campaign, "AB")
    data = _citizen_list(BAD, WARNED, CLEAN)
    stored = lists.upload(session, campaign, unit, "citizen", "ds.xlsx", data, None).unit_list
    session.commit()
    report = list_reports.stored_report(session, stored, REPORT_PAGE, page=6)
    assert (report.total, report.problem_rows, report.number, report.pages) == (
        BAD + WARNED,
        BAD + WARNED,
        6,
        11,
    )
    assert [r.source_row for r in report.rows] == list(range(502, 602))
    assert all(r.reasons for r in report.rows)
    assert (report.data_rows, report.eligible, report.excluded) == (
        BAD + WARNED + CLEAN,
        WARNED + CLEAN,
        BAD,
    )
    assert report.excluded_by_reason == {"outside_window": BAD}
    beyond = list_reports.stored_report(session, stored, REPORT_PAGE, page=50)
    assert beyond.number == 11 and len(beyond.rows) == BAD + WARNED - 1000
    whole = list_reports.stored_report(session, stored, 500, page=3, everything=True)
    assert whole.total == BAD + WARNED + CLEAN and whole.problem_rows == BAD + WARNED
    assert [r.source_row for r in whole.rows] == list(range(1002, BAD + WARNED + CLEAN + 2))


def test_a_clean_list_says_so_and_shows_its_rows_on_request(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    data = _citizen_list(0, 0, 30)
    html = _post(client, unit.id, data)
    assert _flashes(html) == [
        ("success", "Đã nhận danh sách (phiên bản 1): cả 30 người đều hợp lệ.")
    ]
    assert "Không có dòng nào bị loại hay có cảnh báo." in html and not _report_rows(html)
    every = client.get(f"/lists/{unit.id}/citizen?rows=all").get_data(as_text=True)
    assert _report_rows(every) == list(range(2, 32))
    again = _post(client, unit.id, data)
    assert _flashes(again) == [
        ("success", "Tệp giống hệt phiên bản 1 đã gửi; không tạo phiên bản mới.")
    ]


def test_the_flash_says_what_was_excluded_and_who_is_missing_in_amber(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    html = _post(client, unit.id, _citizen_list(5, 0, 6, duplicates=1))  # 6 of 30 eligible
    assert _flashes(html)[0] == (
        "warning",
        "Đã nhận danh sách (phiên bản 1), nhưng 6 dòng bị loại và còn thiếu 24 người.",
    )
    assert 'class="flash success"' not in html
    only_short = _post(client, unit.id, _citizen_list(0, 0, 29))
    assert _flashes(only_short)[0] == (
        "warning",
        "Đã nhận danh sách (phiên bản 2), nhưng còn thiếu 1 người.",
    )
    data = _citizen_list(3, 0, 30)
    only_bad = _post(client, unit.id, data)
    assert _flashes(only_bad)[0] == (
        "warning",
        "Đã nhận danh sách (phiên bản 3), nhưng 3 dòng bị loại.",
    )
    same = _post(client, unit.id, data)
    assert _flashes(same)[0] == (
        "warning",
        "Tệp giống hệt phiên bản 3 đã gửi; không tạo phiên bản mới. Lưu ý: 3 dòng bị loại.",
    )


def test_no_reason_or_skip_code_reaches_the_report(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    for data in (
        (FIXTURES / "commune_an_binh_messy.xlsx").read_bytes(),
        _citizen_list(4, 2, 30, duplicates=2, tail=True),
    ):
        html = _post(client, unit.id, data)
        text = _visible(html)
        for code in (*ReasonCode, *SkipKind):
            assert not re.search(rf"\b{code.value}\b", text), code
        assert "Lý do loại" in html
    assert "Ngoài thời gian giao dịch: 4" in text and "Trùng người với dòng trước: 2" in text
    assert "Dòng tổng cộng" in text and "Chữ ký, ghi chú cuối bảng" in text
    assert "Dòng bỏ qua, không phải người trong danh sách (2)" in text


def test_the_upload_page_lists_the_columns_and_the_transaction_window_before_upload(
    app: Flask,
    session: Session,
    campaign: Campaign,  # noqa: F811
) -> None:
    client = logged_in(app, session, "xa-ab")
    unit = registry.unit_by_code(session, campaign, "AB")
    html = client.get(f"/lists/{unit.id}/citizen").get_data(as_text=True)
    assert 'id="report"' not in html  # nothing sent yet
    send = _section(html, 'id="send"')
    assert "Thời gian giao dịch:" in send and "01/01/2021 – 15/10/2021" in send
    assert "Cần ít nhất 30 người hợp lệ." in send
    headings = re.findall(r"<li><strong>([^<]+)</strong>", send)
    template = openpyxl.load_workbook(io.BytesIO(lists.blank_list(unit, "citizen"))).active
    assert template is not None
    assert headings == [c.value for c in template[3]][1:]  # the template's columns, no STT
    assert send.index("<details") < send.index('type="file"')  # listed before the upload
    assert re.search(r"<strong>Họ và tên</strong> <span class=\"badge bad\">bắt buộc", send)
    assert re.search(r"<strong>Địa chỉ</strong> <span class=\"badge bad\">bắt buộc", send)
    assert "bắt buộc nếu không có cột “Tên thủ tục hành chính”" in send
    assert re.search(r"<strong>Số điện thoại</strong>(<br>|</li>)", send)  # not required
    leaders = logged_in(app, session, "so-tp", unit_code="STP")
    stp = registry.unit_by_code(session, campaign, "STP")
    page = leaders.get(f"/lists/{stp.id}/department_leader").get_data(as_text=True)
    send = _section(page, 'id="send"')
    assert "Thời gian giao dịch" not in send
    assert re.search(r"<strong>Chức vụ</strong> <span class=\"badge bad\">bắt buộc", send)
    assert re.search(r"<strong>Đơn vị</strong> <span class=\"badge bad\">bắt buộc", send)


def test_a_huge_page_number_shows_the_last_page(session: Session, full_demo: int) -> None:
    from sqlalchemy import select

    from survey_app.persistence.models import UnitList

    unit_list = session.scalars(select(UnitList)).first()
    assert unit_list is not None
    report = list_reports.stored_report(session, unit_list, 100, page=10**19)
    assert report is not None

"""The whole appraisal round in Chromium, on the demo's Ministry survey of Tỉnh Minh Sơn:
the administrator opens the self-assessment and gives a field to a lead department; the
province's officer (on a phone) and the lead department score their parts with evidence and
explanations; the report goes in; an appraiser asks for an explanation in round 1, the
province answers, round 2 ends the appraisal; the council approves; the chair publishes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from survey_app.demo.two_tier import CAMPAIGNS
from tests.e2e.conftest import log_in, shot
from tests.support import LIVE_ROOTS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def two_tier_server(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Iterator[str]:
    """The demo with the 2025 province (both of its campaigns) on a free port."""
    from survey_app import create_app
    from survey_app.demo.two_tier import ensure_two_tier

    root = tmp_path_factory.mktemp("live-two-tier")
    shutil.copytree(demo_db, root, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SURVEY_INSTANCE_DIR", str(root / "instance"))
        app = create_app(
            {"DATABASE_URL": f"sqlite:///{root / 'demo.db'}", "RATELIMIT_ENABLED": False}
        )
    with app.extensions["session_factory"]() as session:
        ensure_two_tier(session, evidence_root=app.config["SETTINGS"].evidence_root)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    LIVE_ROOTS[base] = root
    yield base
    del LIVE_ROOTS[base]
    server.shutdown()
    app.extensions["engine"].dispose()


def _db(base: str) -> sqlite3.Connection:
    return sqlite3.connect(LIVE_ROOTS[base] / "demo.db")


def _campaign_id(base: str, which: int = 0) -> int:
    """The id of the demo's 2025 campaign: 0 the Ministry's survey, 1 the internal index."""
    with _db(base) as conn:
        row = conn.execute(
            "SELECT id FROM campaigns WHERE name = ?", (CAMPAIGNS[which][1],)
        ).fetchone()
    assert row is not None
    return int(row[0])


def _unit_code(base: str, username: str) -> str:
    with _db(base) as conn:
        row = conn.execute("SELECT unit_code FROM users WHERE username = ?", (username,)).fetchone()
    assert row is not None
    return str(row[0])


def _stage(base: str, report_id: int) -> str:
    with _db(base) as conn:
        return str(
            conn.execute(
                "SELECT stage FROM unit_assessments WHERE id = ?", (report_id,)
            ).fetchone()[0]
        )


def _fill_own_lines(page) -> int:  # type: ignore[no-untyped-def]
    """Fill every score this user may enter with the line's maximum and an explanation."""
    inputs = page.locator("input[form=self-form][name^='p-']")
    count = inputs.count()
    for i in range(count):
        field = inputs.nth(i)
        code = (field.get_attribute("name") or "")[2:]
        maximum = page.locator(f"#c-{_css(code)} .form-row .hint").first.inner_text()
        field.fill(maximum.replace("/", "").strip())
        page.fill(f"#e-{_css(code)}", "Đã thực hiện đầy đủ, có văn bản lưu tại đơn vị.")
    return count


def _css(code: str) -> str:
    return code.replace(".", "\\.")


def test_the_whole_round_in_the_browser(two_tier_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    base = two_tier_server
    campaign = _campaign_id(base)
    lead = _unit_code(base, "sonoivu-2025")
    desktop_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    admin = desktop_ctx.new_page()

    # The administrator opens the self-assessment with a deadline per level.
    log_in(admin, base, "admin")
    admin.goto(f"{base}/assessment?campaign={campaign}")
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    for field in admin.locator("input[name^='due-']").all():
        field.fill(due)
    admin.fill("input[name=explain_from]", (dt.date.today() + dt.timedelta(days=1)).isoformat())
    admin.fill("input[name=explain_until]", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    admin.fill("input[name=document_number]", "125/KH-SNV")
    admin.click("button:has-text('Mở tự đánh giá, chấm điểm')")
    admin.wait_for_selector("text=Đã mở tự đánh giá")
    assert "Chưa bắt đầu" in admin.content()
    admin.fill("input[name=q]", "tinh minh son")
    admin.click("button:has-text('Lọc')")
    admin.click("table >> text=Tỉnh Minh Sơn")
    report_id = int(re.search(r"/assessment/reports/(\d+)", admin.url).group(1))  # type: ignore[union-attr]
    # Field 1 goes to the lead department; the appraiser is given the report.
    admin.click("summary:has-text('Đơn vị chủ trì')")
    admin.select_option("select[name='l-1']", lead)
    admin.click("button:has-text('Lưu phân công')")
    admin.wait_for_selector("text=Đã lưu phân công")
    admin.select_option("select[name=appraiser]", label="Vũ Thị Thẩm Định")
    admin.click("form:has(input[name=report]) button:has-text('Giao')")
    admin.wait_for_selector("text=Đã giao")

    # The province's officer scores its own part on a phone, with one evidence file.
    officer = phone_ctx.new_page()
    log_in(officer, base, "tinh-t91")
    assert "Tự đánh giá, chấm điểm" in officer.content()
    officer.goto(f"{base}/assessment/mine")
    officer.click("a.button:has-text('Chấm điểm')")
    own = _fill_own_lines(officer)
    assert own > 0, (officer.url, officer.locator("main").inner_text()[:3000])
    officer.click("button:has-text('Lưu bản nháp')")
    officer.wait_for_selector("text=Đã lưu bản nháp")
    first_input = officer.locator("input[form=self-form][name^='p-']").first
    first_code = (first_input.get_attribute("name") or "")[2:]
    officer.set_input_files(
        f"#file-{_css(first_code)}",
        files=[{"name": "Quyết định 12.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    officer.click(f"#c-{_css(first_code)} button:has-text('Tải lên')")
    officer.wait_for_selector("text=Quyết định 12.pdf")
    # The lead department's part is still empty: the report cannot go in yet.
    officer.click("button:has-text('Gửi báo cáo')")
    officer.wait_for_selector("text=Chưa gửi được")
    shot(officer, "assessment-report-phone")

    # The lead department scores field 1.
    lead_ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    lead_page = lead_ctx.new_page()  # a context of its own: its own login
    log_in(lead_page, base, "sonoivu-2025")
    lead_page.goto(f"{base}/assessment/reports/{report_id}")
    led = _fill_own_lines(lead_page)
    assert led > 0
    assert all(
        (
            lead_page.locator("input[form=self-form][name^='p-']").nth(i).get_attribute("name")
            or ""
        ).startswith("p-1.")
        for i in range(led)
    ), "a lead department enters only its own field"
    lead_page.click("button:has-text('Lưu bản nháp')")
    lead_page.wait_for_selector("text=Đã lưu bản nháp")

    officer.goto(f"{base}/assessment/reports/{report_id}")
    officer.click("button:has-text('Gửi báo cáo')")
    officer.wait_for_selector("text=Đã gửi báo cáo tự đánh giá")
    assert _stage(base, report_id) == "submitted"
    with officer.expect_download() as download:
        officer.click("text=Tải báo cáo PDF để in")
    assert download.value.suggested_filename.endswith(".pdf")

    # Round 1: the appraiser lowers one line of the province's own part and asks for more.
    appraiser_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    appraiser = appraiser_ctx.new_page()
    log_in(appraiser, base, "thamdinh")
    appraiser.goto(f"{base}/assessment/mine")
    assert "Tỉnh Minh Sơn" in appraiser.content()
    appraiser.goto(f"{base}/assessment/reports/{report_id}")
    assert appraiser.input_value(f"#ap-{_css(first_code)}") != "", "the unit's score is offered"
    appraiser.fill(f"#ap-{_css(first_code)}", "0")
    appraiser.fill(f"#r-{_css(first_code)}", "Đề nghị bổ sung quyết định ban hành kế hoạch.")
    shot(appraiser, "assessment-appraisal-desktop")
    appraiser.click("button:has-text('Kết thúc vòng 1')")
    appraiser.wait_for_selector("text=Đã kết thúc vòng thẩm định")
    assert _stage(base, report_id) == "explanation_requested"

    # The province explains and adds the decision.
    officer.goto(f"{base}/assessment/reports/{report_id}")
    officer.fill("textarea[name^='a-']", "Đã bổ sung Quyết định số 15/QĐ-UBND.")
    officer.set_input_files(
        f"#file-{_css(first_code)}",
        files=[{"name": "QĐ 15.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    officer.click(f"#c-{_css(first_code)} button:has-text('Tải lên')")
    officer.wait_for_selector("text=QĐ 15.pdf")
    officer.fill("textarea[name^='a-']", "Đã bổ sung Quyết định số 15/QĐ-UBND.")
    officer.click("button:has-text('Gửi giải trình')")
    officer.wait_for_selector("text=Đã gửi giải trình")
    assert _stage(base, report_id) == "explained"

    # Round 2 ends the appraisal.
    appraiser.goto(f"{base}/assessment/reports/{report_id}")
    assert "Đã bổ sung Quyết định số 15" in appraiser.content()
    appraiser.fill(f"#ap-{_css(first_code)}", "0,5")
    appraiser.click("button:has-text('Kết thúc thẩm định')")
    appraiser.wait_for_selector("text=Đã kết thúc vòng thẩm định")
    assert _stage(base, report_id) == "appraised"

    # The council approves; the chair publishes.
    admin.goto(f"{base}/assessment/council?campaign={campaign}")
    assert "Tỉnh Minh Sơn" in admin.content()
    admin.fill("input[name=decision]", "Biên bản số 01/BB-HĐTĐ")
    admin.click("button:has-text('Phê duyệt và khóa điểm thẩm định')")
    admin.wait_for_selector("text=Hội đồng đã phê duyệt")
    admin.click("button:has-text('Công bố Chỉ số CCHC và xếp hạng')")
    admin.wait_for_selector("text=Đã công bố Chỉ số CCHC")
    # README's picture: the internal index's council, its round under way (the demo's seed)
    admin.goto(f"{base}/assessment/council?campaign={_campaign_id(base, 1)}&level=department")
    shot(admin, "assessment-council-desktop")
    admin.goto(f"{base}/assessment?campaign={_campaign_id(base, 1)}")
    assert "Đã thẩm định xong" in admin.content()
    shot(admin, "assessment-board-desktop")
    with _db(base) as conn:
        status = conn.execute(
            "SELECT status FROM assessments WHERE campaign_id = ?", (campaign,)
        ).fetchone()[0]
    assert status == "published"
    for context in (desktop_ctx, phone_ctx, lead_ctx, appraiser_ctx):
        context.close()

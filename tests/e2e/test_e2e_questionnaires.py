"""A questionnaire written in a spreadsheet, end to end: the administrator uploads it, previews it
on a phone, publishes it and gives it to the council delegates; a delegate answers it on a
phone, and the answer counts in the analyst's results."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import builtin_instruments
from questionnaires.xlsform import instrument_workbook
from survey_app.persistence.db import make_engine
from survey_app.persistence.models import Campaign, Unit
from survey_app.services import invitations
from tests import factories
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_e2e_respondent import _finish
from tests.support import LIVE_ROOTS

NEW_TEXT = "Năm 2027: Ông/Bà là đại biểu hoạt động chuyên trách hay không chuyên trách?"


def _workbook(folder: Path) -> Path:
    """The shipped council questionnaire as an officer edits it for next year: a new version
    and a reworded first question."""
    shipped = builtin_instruments()["par_province_council"]
    first = shipped.sections[0]
    question = dataclasses.replace(
        first.questions[0], text=dataclasses.replace(first.questions[0].text, vi=NEW_TEXT)
    )
    sections = (
        dataclasses.replace(first, questions=(question, *first.questions[1:])),
        *shipped.sections[1:],
    )
    edited = dataclasses.replace(shipped, version="2027.1", sections=sections)
    path = folder / "phieu-dai-bieu-2027.xlsx"
    path.write_bytes(instrument_workbook(edited))
    return path


def _new_delegate_link(base: str) -> str:
    """A council delegate added to the demo campaign and invited now (as a new list would)."""
    engine = make_engine(f"sqlite:///{LIVE_ROOTS[base] / 'demo.db'}")
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign).order_by(Campaign.id)).first()
        assert campaign is not None
        province = session.scalars(
            select(Unit).where(Unit.campaign_id == campaign.id, Unit.level == "province")
        ).first()
        assert province is not None
        person = factories.respondent(
            session, campaign, province, group="council_delegate", name="Đại biểu Năm Mới"
        )
        (link,) = invitations.issue(session, campaign, None, [person.id])
        session.commit()
    engine.dispose()
    return f"{base}/s/{link.token}"


def _responses(page, base: str) -> int:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/results/")
    return int(page.locator("#stat-responses").inner_text().replace(".", "").replace(",", ""))


def test_a_questionnaire_from_a_spreadsheet_is_previewed_published_given_and_answered(
    live_server: str, phone, desktop, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    log_in(desktop, live_server, "admin")
    before = _responses(desktop, live_server)
    desktop.click("header nav >> text=Phiếu khảo sát")
    desktop.set_input_files("#file-file", str(_workbook(tmp_path)))
    desktop.click("button:has-text('Gửi và kiểm tra')")
    assert "Bảng tính hợp lệ" in desktop.content()
    shot(desktop, "questionnaire-checked-desktop")
    preview = desktop.locator("a:has-text('Xem thử như trên điện thoại')").get_attribute("href")

    log_in(phone, live_server, "admin")
    phone.goto(f"{live_server}{preview}")
    assert "Bản xem thử" in phone.content() and NEW_TEXT in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "questionnaire-preview-phone")
    for _ in range(20):
        if "Hết phiếu" in phone.content():
            break
        for fieldset in phone.locator("fieldset").all():
            options = fieldset.locator("input[type=radio], input[type=checkbox]")
            if options.count() and not fieldset.locator("input:checked").count():
                options.first.check()
        phone.click("button[value=next]")
        phone.wait_for_load_state()
    assert "Hết phiếu" in phone.content()

    desktop.click("button:has-text('Phát hành phiên bản này')")
    assert "Đã phát hành phiếu par_province_council, phiên bản 2027.1." in desktop.content()
    desktop.goto(f"{live_server}/admin/campaigns")
    desktop.click("a:has-text('Thiết kế')")
    desktop.click("text=Chọn phiên bản phiếu cho từng nhóm")
    row = desktop.locator("tr", has_text="Đại biểu")
    row.locator("select").select_option(label=row.locator("option", has_text="2027.1").inner_text())
    row.locator("button:has-text('Giao cho nhóm')").click()
    assert "Từ nay nhóm này nhận phiếu par_province_council, phiên bản 2027.1" in desktop.content()
    shot(desktop, "questionnaire-campaign-desktop")

    phone.goto(_new_delegate_link(live_server))
    phone.click("text=Bắt đầu")
    assert NEW_TEXT in phone.content()
    _finish(phone)
    phone.click("button:has-text('Gửi phiếu')")
    phone.wait_for_selector("text=Cảm ơn Ông/Bà đã trả lời")

    log_in(desktop, live_server, "phantich")
    assert _responses(desktop, live_server) == before + 1

"""Respondent journeys on a 360×740 phone: complete, resume elsewhere, offline, double submit,
and an accessibility check with axe-core (from npm)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import demo_links, demo_links_per_instrument, shot

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _answer_page(page) -> None:  # type: ignore[no-untyped-def]
    """Answer every visible question of the current page with its first reasonable option."""
    for fieldset in page.locator("fieldset").all():
        options = fieldset.locator("input[type=radio], input[type=checkbox]")
        if options.count() and not fieldset.locator("input:checked").count():
            options.first.check()
    for field in page.locator(
        ".question input:not([type=radio]):not([type=checkbox]), .question textarea"
    ).all():
        if not field.input_value():
            field.fill(
                "2" if field.get_attribute("inputmode") in ("numeric", "decimal") else "Ý kiến"
            )


def _finish(page) -> None:  # type: ignore[no-untyped-def]
    for _ in range(20):
        if "/review" in page.url:
            return
        _answer_page(page)
        page.click("button[value=next]")
        page.wait_for_load_state()
    raise AssertionError("never reached the review page")


def test_complete_a_survey_on_a_phone(live_server: str, phone) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[0]
    phone.goto(link)
    shot(phone, "respondent-landing-phone")
    phone.click("text=Bắt đầu")
    _answer_page(phone)
    shot(phone, "respondent-section-phone")
    _finish(phone)
    phone.click("button:has-text('Gửi phiếu')")
    phone.wait_for_selector("text=Cảm ơn Ông/Bà đã trả lời")
    shot(phone, "respondent-thanks-phone")
    phone.goto(link)
    assert "Cảm ơn Ông/Bà đã trả lời" in phone.content()


def test_every_demo_questionnaire_can_be_answered_on_a_phone(
    live_server: str,  # type: ignore[no-untyped-def]
    phone,
) -> None:
    """Council delegates, department, sub-unit and district leaders, citizens (SIPAS): each
    questionnaire of the demo campaign is answered to the end at 360×740 and accepted once."""
    links = demo_links_per_instrument(live_server)
    assert len(links) == 5, sorted(links)
    for title, link in links.items():
        phone.goto(link)
        assert title in phone.content()
        phone.click("text=Bắt đầu")
        _finish(phone)
        phone.click("button:has-text('Gửi phiếu')")
        phone.wait_for_selector("text=Cảm ơn Ông/Bà đã trả lời")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (title, width)  # nothing wider than the phone


def test_leave_midway_and_resume_on_another_device(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[1]
    first = browser.new_context(viewport={"width": 360, "height": 740})
    page = first.new_page()
    page.goto(link + "/p/0")
    _answer_page(page)
    page.click("button[value=next]")
    page.wait_for_url("**/p/1")
    first.close()
    second = browser.new_context(viewport={"width": 360, "height": 740})
    again = second.new_page()
    again.goto(link)
    assert "Tiếp tục trả lời" in again.content()
    again.goto(link + "/p/0")
    assert again.locator("input:checked").count() > 0
    second.close()


def test_offline_answers_wait_and_are_sent_when_online(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[2]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(link + "/p/0")
    context.set_offline(True)
    first = page.locator("fieldset").first.locator("input").first
    first.check()
    page.wait_for_selector(".save-state.waiting")
    assert "Đang chờ mạng" in page.locator(".save-state").inner_text()
    shot(page, "respondent-offline-phone")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator(".save-state", has_text="Đã lưu").wait_for()
    other = browser.new_context().new_page()
    other.goto(link + "/p/0")
    assert other.locator("input:checked").count() >= 1
    context.close()


def test_double_submit_gives_one_response(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[3]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(link + "/p/0")
    _finish(page)
    button = page.locator("button:has-text('Gửi phiếu')")
    button.dblclick()
    page.wait_for_selector("text=Cảm ơn Ông/Bà đã trả lời")
    replay = page.request.post(
        link + "/submit",
        data=json.dumps({"client_key": "again"}),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": page.request.get(link + "/token").json()["csrf_token"],
        },
    )
    assert replay.json()["status"] == "already_accepted"
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run npm install")
def test_respondent_pages_have_no_serious_accessibility_violations(
    live_server: str, browser
) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[4]
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    phone = context.new_page()  # bypass_csp only so that the test can inject axe
    for url in (link, link + "/p/0", link + "/p/1", link + "/review", f"{live_server}/c"):
        phone.goto(url)
        phone.add_script_tag(path=str(AXE))
        result = phone.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [
            (v["id"], v["impact"])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"{url}: {bad}"
    context.close()

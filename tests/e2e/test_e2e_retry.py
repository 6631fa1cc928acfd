"""survey.js on a phone that stays online while the server fails: 5xx are retried with the
same client key until accepted; 4xx are final and their message is shown."""

from __future__ import annotations

import json
import sqlite3

from survey_app.security import hash_token
from tests.e2e.conftest import demo_links
from tests.e2e.test_e2e_respondent import _finish
from tests.support import LIVE_ROOTS


def _stored(link: str) -> list[tuple[str, str]]:
    """(status, client key) of the responses of a link, read from the live server's database."""
    database = LIVE_ROOTS[link.split("/s/", 1)[0]] / "demo.db"
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT r.status, r.client_key FROM responses r JOIN invitations i "
            "ON i.id = r.invitation_id WHERE i.token_hash = ?",
            (hash_token(link.rsplit("/", 1)[-1]),),
        ).fetchall()


Reply = tuple[int, dict[str, str], str]


def _phone_at(browser, url: str):  # type: ignore[no-untyped-def]
    """A fresh 360×740 phone context with a page open at ``url``."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(url)
    return context, page


def _planned(replies: list[Reply], seen: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    """A route handler answering the first requests with ``replies`` (status, headers, body),
    then letting them through to the server; ``seen`` collects every JSON body sent."""

    def handle(route) -> None:  # type: ignore[no-untyped-def]
        seen.append(json.loads(route.request.post_data or "{}"))
        if len(seen) > len(replies):
            route.continue_()
            return
        status, headers, body = replies[len(seen) - 1]
        route.fulfill(status=status, headers=headers, body=body, content_type="application/json")

    return handle


def test_a_submit_that_gets_503_twice_is_retried_with_the_same_key(  # type: ignore[no-untyped-def]
    live_server: str, browser
) -> None:
    link = demo_links(live_server)[0]
    context, page = _phone_at(browser, link + "/p/0")
    _finish(page)
    sent: list[dict[str, object]] = []
    # the first 503 says when to come back (now), the second leaves it to the back-off
    page.route("**/submit", _planned([(503, {"Retry-After": "0"}, ""), (503, {}, "")], sent))
    page.click("button:has-text('Gửi phiếu')")
    page.wait_for_selector("text=Cảm ơn Ông/Bà đã trả lời", timeout=30_000)
    assert len(sent) == 3
    keys = {body["client_key"] for body in sent}
    assert len(keys) == 1
    assert _stored(link) == [("submitted", keys.pop())]
    context.close()


def test_an_autosave_that_gets_502_is_retried(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[1]
    context, page = _phone_at(browser, link + "/p/0")
    sent: list[dict[str, object]] = []
    page.route("**/autosave", _planned([(502, {}, "")], sent))
    page.locator("fieldset").first.locator("input").first.check()
    page.locator(".save-state", has_text="Đã lưu").wait_for(timeout=30_000)
    assert len(sent) == 2 and sent[0] == sent[1]
    assert _stored(link) == [("draft", None)]
    context.close()


def test_a_409_is_final_and_its_message_is_shown(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    link = demo_links(live_server)[2]
    context, page = _phone_at(browser, link + "/p/0")
    _finish(page)
    sent: list[dict[str, object]] = []
    message = "Phiếu đã được gửi trước đó với câu trả lời khác"
    conflict = json.dumps({"status": "conflict", "message": message})
    page.route("**/submit", _planned([(409, {}, conflict)] * 10, sent))
    page.click("button:has-text('Gửi phiếu')")
    page.locator(".save-state", has_text=message).wait_for()
    assert len(sent) == 1  # never sent again
    assert page.locator("button:has-text('Gửi phiếu')").is_disabled()
    assert _stored(link) in ([], [("draft", None)])
    context.close()

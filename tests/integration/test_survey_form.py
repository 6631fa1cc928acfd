"""The respondent form: links, saving as you go, resuming, submitting exactly once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import (
    CampaignStatus,
    RespondentStatus,
    ResponseStatus,
    SampleRole,
)
from survey_app.persistence.models import Answer, Campaign, Respondent, Response, Unit
from survey_app.services import invitations, responses
from tests.conftest import csrf
from tests.support import answer_for, as_form, complete_answers


@pytest.fixture
def link(session: Session, demo: int) -> str:
    """A token for a citizen of one demo commune."""
    return _citizen_link(session, demo, "Nguyễn Văn Thử")


def _citizen_link(session: Session, campaign_id: int, full_name: str) -> str:
    """Sample a citizen of commune H03.01, open fieldwork, issue and return their link."""
    commune = session.scalar(select(Unit).where(Unit.code == "H03.01"))
    assert commune is not None
    respondent = Respondent(
        campaign_id=campaign_id,
        unit_id=commune.id,
        group="citizen",
        sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE,
        stratum="Hộ tịch",
        weight=3.0,
        full_name=full_name,
    )
    session.add(respondent)
    session.flush()
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.fieldwork_opens = dt.date.today() - dt.timedelta(days=1)
    issued = invitations.issue(session, campaign, None, [respondent.id])
    session.commit()
    return issued[0].token


def _instrument(session: Session, token: str):  # type: ignore[no-untyped-def]
    invitation = invitations.find(session, token)
    assert invitation is not None
    return invitation, responses.instrument_of(invitation)


def _client(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, csrf(client, "/c")


def test_token_is_stored_only_as_a_hash(session: Session, link: str) -> None:
    from survey_app.persistence.models import Invitation

    row = session.scalar(select(Invitation))
    assert row is not None and link not in (row.token_hash, row.short_code_hash)
    assert len(link) >= 43  # 256 bits in base64url


def test_landing_page_explains_the_survey(app: Flask, link: str) -> None:
    page = app.test_client().get(f"/s/{link}").get_data(as_text=True)
    assert "Cam kết bảo mật" in page and "phút" in page


def test_unknown_token_is_404(app: Flask, link: str) -> None:
    response = app.test_client().get("/s/not-a-real-token")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Nhập mã trên giấy mời" in page, "a mistyped link leads to the code-entry page"
    assert 'action="/c"' in page


def test_section_by_section_then_submit(app: Flask, session: Session, link: str) -> None:
    invitation, instrument = _instrument(session, link)
    full = complete_answers(instrument)
    client, token = _client(app)
    for page in range(len(instrument.sections) + 1):
        response = client.post(
            f"/s/{link}/p/{page}", data={**as_form(full), "csrf_token": token, "go": "next"}
        )
        assert response.status_code == 302
        if response.headers["Location"].endswith("/review"):
            break
    review = client.get(f"/s/{link}/review").get_data(as_text=True)
    assert "Gửi phiếu" in review
    done = client.post(f"/s/{link}/submit", data={"csrf_token": token, "client_key": "k1"})
    assert done.status_code == 200 and "Cảm ơn" in done.get_data(as_text=True)
    stored = session.scalar(select(Response))
    assert stored is not None and stored.status is ResponseStatus.SUBMITTED
    again = client.post(f"/s/{link}/submit", data={"csrf_token": token, "client_key": "k1"})
    assert again.status_code == 200 and "Cảm ơn" in again.get_data(as_text=True)
    receipt = re.search(r'class="receipt">([A-Z2-9]{5}-[A-Z2-9]{5})<', done.get_data(as_text=True))
    assert receipt, "a receipt number on the thank-you page"
    assert receipt.group(1) in again.get_data(as_text=True), "the same receipt when shown again"
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_follow_up_opened_on_the_same_page_is_asked_before_moving_on(
    app: Flask, session: Session, link: str
) -> None:
    """Without JavaScript: "filed online: yes" opens "was the portal easy to use?" on the same
    page; the page comes back with it (and a note) instead of leaving it for the review page."""
    _, instrument = _instrument(session, link)
    sections = [s for s in instrument.sections if s.show_if is None]
    page = next(
        i for i, s in enumerate(sections) if any(q.id == "sipas.access.online" for q in s.questions)
    )
    section = sections[page]
    plain = [q for q in section.questions if q.show_if is None]
    client, token = _client(app)
    assert 'name="sipas.access.q4"' not in client.get(f"/s/{link}/p/{page}").get_data(True)

    def post(answers: dict[str, object], shown: list[str], go: str = "next") -> str:
        response = client.post(
            f"/s/{link}/p/{page}",
            data={**as_form(answers), "csrf_token": token, "go": go, "shown": " ".join(shown)},
        )
        assert response.status_code == 302
        return str(response.headers["Location"])

    answers = {**{q.id: answer_for(q) for q in plain}, "sipas.access.online": "yes"}
    shown = [q.id for q in plain]
    again = post(answers, shown)
    assert again.endswith(f"/p/{page}?more=1")
    html = client.get(again).get_data(as_text=True)
    assert 'name="sipas.access.q4"' in html and "mở thêm câu hỏi" in html
    assert post({"sipas.access.q4": "yes"}, [*shown, "sipas.access.q4"]).endswith(f"/p/{page + 1}")
    assert post({"sipas.access.online": "no"}, shown).endswith(f"/p/{page + 1}")  # opens none
    assert post({"sipas.access.online": "yes", "sipas.access.q4": ""}, shown, go="back").endswith(
        f"/p/{max(page - 1, 0)}"
    )  # going back: never held up


def test_json_submit_is_idempotent_and_refuses_different_answers(
    app: Flask, session: Session, link: str
) -> None:
    _, instrument = _instrument(session, link)
    client, token = _client(app)
    headers = {"X-CSRFToken": token}
    body = {"client_key": "abc", "answers": as_form(complete_answers(instrument))}
    first = client.post(f"/s/{link}/submit", json=body, headers=headers)
    assert first.status_code == 200 and first.get_json()["status"] == "accepted"
    retry = client.post(f"/s/{link}/submit", json=body, headers=headers)
    assert retry.get_json()["status"] == "already_accepted"
    same_answers_new_key = {**body, "client_key": "other"}
    assert (
        client.post(f"/s/{link}/submit", json=same_answers_new_key, headers=headers).status_code
        == 200
    )
    different = {"client_key": "zzz", "answers": as_form(complete_answers(instrument, 1))}
    conflict = client.post(f"/s/{link}/submit", json=different, headers=headers)
    assert conflict.status_code == 409
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_incomplete_submit_keeps_the_valid_answers(app: Flask, session: Session, link: str) -> None:
    _, instrument = _instrument(session, link)
    client, token = _client(app)
    partial = dict(list(complete_answers(instrument).items())[:3])
    response = client.post(
        f"/s/{link}/submit",
        json={"client_key": "k", "answers": as_form(partial)},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 422
    assert response.get_json()["missing"]
    assert session.scalar(select(func.count()).select_from(Answer)) == 3


def test_resume_on_another_device(app: Flask, session: Session, link: str) -> None:
    invitation, instrument = _instrument(session, link)
    first_q = instrument.sections[0].questions[0]
    full = complete_answers(instrument)
    client, token = _client(app)
    client.post(f"/s/{link}/p/0", data={**as_form(full), "csrf_token": token, "go": "next"})
    other_device = app.test_client()
    page = other_device.get(f"/s/{link}/p/0").get_data(as_text=True)
    assert "checked" in page
    assert "Tiếp tục trả lời" in other_device.get(f"/s/{link}").get_data(as_text=True)
    assert responses.stored_answers(session, responses.response_of(session, invitation))[first_q.id]


def test_tampered_question_and_oversized_text_are_refused(
    app: Flask, session: Session, link: str
) -> None:
    client, token = _client(app)
    result = client.post(
        f"/s/{link}/autosave",
        json={"answers": {"no.such.question": "1", "sipas.expect.comment": "x" * 4999}},
        headers={"X-CSRFToken": token},
    ).get_json()
    codes = {e["question"] for e in result["errors"]}
    assert "no.such.question" in codes and "sipas.expect.comment" in codes
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_out_of_range_value_is_reported_next_to_the_question(app: Flask, link: str) -> None:
    client, token = _client(app)
    response = client.post(
        f"/s/{link}/p/0",
        data={"sipas.access.q2": "not-an-option", "csrf_token": token, "go": "next"},
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)


def test_expired_csrf_keeps_what_was_typed(app: Flask, session: Session, link: str) -> None:
    _, instrument = _instrument(session, link)
    q = instrument.sections[0].questions[1]
    choice = q.options[0].value
    client = app.test_client()
    response = client.post(f"/s/{link}/p/0", data={q.id: choice, "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Câu trả lời của Ông/Bà vẫn còn trên trang" in page
    assert f'value="{choice}" checked' in page


def test_revoked_and_closed_links_are_refused(app: Flask, session: Session, link: str) -> None:
    invitation, _ = _instrument(session, link)
    invitation.respondent.unit.campaign.status = CampaignStatus.CLOSED
    session.commit()
    closed = app.test_client().get(f"/s/{link}")
    assert closed.status_code == 403 and "đã kết thúc" in closed.get_data(as_text=True)
    invitation.respondent.unit.campaign.status = CampaignStatus.OPEN
    invitations.revoke(session, invitation)
    session.commit()
    assert app.test_client().get(f"/s/{link}").status_code == 403


def test_short_code_from_a_paper_letter(app: Flask, session: Session, demo: int) -> None:
    commune = session.scalar(select(Unit).where(Unit.code == "H03.02"))
    assert commune is not None
    r = Respondent(
        campaign_id=demo,
        unit_id=commune.id,
        group="citizen",
        sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE,
        full_name="Trần Thị Thư",
    )
    session.add(r)
    session.flush()
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    code = invitations.issue(session, campaign, None, [r.id])[0].short_code
    session.commit()
    client, token = _client(app)
    typed = invitations.format_short_code(code).lower()
    response = client.post("/c", data={"code": typed, "csrf_token": token})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_parallel_submissions_store_exactly_one(
    app: Flask, session: Session, link: str, db_url: str
) -> None:
    """Eight clients submit at once (half with other answers): one wins, none is a 500."""
    from concurrent.futures import ThreadPoolExecutor

    _, instrument = _instrument(session, link)
    bodies = [
        {"client_key": f"key-{i}", "answers": as_form(complete_answers(instrument, i % 2))}
        for i in range(8)
    ]

    def send(body: dict[str, object]) -> int:
        client, token = _client(app)
        return client.post(
            f"/s/{link}/submit", json=body, headers={"X-CSRFToken": token}
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(send, bodies))
    assert set(codes) <= {200, 409}, codes
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    stored = session.scalar(select(Response))
    assert stored is not None and stored.status is ResponseStatus.SUBMITTED
    winner_variant = int(stored.client_key.split("-")[1]) % 2
    expected = [200 if i % 2 == winner_variant else 409 for i in range(8)]
    assert codes == expected
    # the winner's answers, each stored once; none of the losers' answers
    assert responses.stored_answers(session, stored) == complete_answers(instrument, winner_variant)


def test_rate_limit_is_per_link_and_address_never_address_alone(
    app: Flask, session: Session, link: str, demo: int
) -> None:
    """A village sharing one address is not blocked because one link was hammered."""
    other = _citizen_link(session, demo, "Trần Thị Bên")
    app.config.update(
        RATELIMIT_ENABLED=True,
        SETTINGS=dataclasses.replace(app.config["SETTINGS"], respondent_rate_limit="3 per day"),
    )
    client = app.test_client()
    codes = [client.get(f"/s/{link}").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert client.get(f"/s/{other}").status_code == 200  # same address, another link
    other_address = client.get(f"/s/{link}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 200  # same link, another address
    assert "Retry-After" in client.get(f"/s/{link}").headers


def test_submit_over_a_draft_created_after_the_link_was_read(
    app: Flask, session: Session, link: str
) -> None:
    """An autosave may create the draft between reading the link and inserting: still accepted."""
    invitation, instrument = _instrument(session, link)
    stale = responses.find_link(session, link)
    assert stale is not None and stale.response_id is None
    answers = complete_answers(instrument)
    responses.save_draft(session, invitation, dict(list(answers.items())[:2]))
    outcome = responses.submit_link(session, stale, answers, "late-key")
    session.commit()
    assert outcome.outcome is responses.SubmitOutcome.ACCEPTED
    stored = session.scalar(select(Response))
    assert stored is not None and stored.status is ResponseStatus.SUBMITTED
    assert responses.stored_answers(session, stored) == answers


@pytest.mark.parametrize("path", ["/s/ABCDE-FGHJ/", "/s/", "/s", "/s/KEY/p/x"])
def test_a_mistyped_link_of_any_shape_opens_the_code_page(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert "Nhập mã trên giấy mời" in response.get_data(as_text=True)

"""Once a response is submitted no write changes its answers, whatever the timing.

Autosaves, page saves, submits and paper entry of one invitation race in real requests here,
and one deterministic interleaving replays the lost update the race used to cause: a save that
read "draft" before a submit committed, then rewrote the submitted answers.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import ResponseStatus
from survey_app.persistence.models import Response
from survey_app.services import invitations, responses
from tests.integration.test_survey_form import _citizen_link, _client, _instrument
from tests.support import as_form, complete_answers


def _stored(session: Session, token: str) -> tuple[ResponseStatus | None, dict[str, object]]:
    session.expire_all()
    invitation = invitations.find(session, token)
    assert invitation is not None
    response = responses.response_of(session, invitation)
    if response is None:
        return None, {}
    return response.status, responses.stored_answers(session, response)


def test_a_save_that_read_draft_before_a_submit_committed_changes_nothing(
    app: Flask, session: Session, demo: int
) -> None:
    """The interleaving behind the lost submissions: read draft, submit commits, save."""
    token = _citizen_link(session, demo, "Lê Văn Chậm")
    invitation, instrument = _instrument(session, token)
    answers = complete_answers(instrument)
    responses.save_draft(session, invitation, dict(list(answers.items())[:3]))
    session.commit()
    read = responses.response_of(session, invitation)  # kept: this request read "draft"
    assert read is not None and read.status is ResponseStatus.DRAFT
    with app.extensions["session_factory"]() as other:
        link = responses.find_link(other, token)
        assert link is not None
        outcome = responses.submit_link(other, link, answers, "winner")
        other.commit()
    assert outcome.outcome is responses.SubmitOutcome.ACCEPTED
    late = dict(list(complete_answers(instrument, 1).items())[:10])
    responses.save_draft(session, invitation, late)
    session.commit()
    assert _stored(session, token) == (ResponseStatus.SUBMITTED, answers)


def test_same_client_key_with_other_answers_is_a_conflict(
    app: Flask, session: Session, demo: int
) -> None:
    token = _citizen_link(session, demo, "Phạm Thị Khóa")
    _, instrument = _instrument(session, token)
    client, csrf_token = _client(app)
    first = {"client_key": "k-1", "answers": as_form(complete_answers(instrument))}
    other = {"client_key": "k-1", "answers": as_form(complete_answers(instrument, 1))}
    headers = {"X-CSRFToken": csrf_token}
    assert client.post(f"/s/{token}/submit", json=first, headers=headers).status_code == 200
    assert client.post(f"/s/{token}/submit", json=first, headers=headers).status_code == 200
    assert client.post(f"/s/{token}/submit", json=other, headers=headers).status_code == 409
    assert _stored(session, token) == (ResponseStatus.SUBMITTED, complete_answers(instrument))


@pytest.mark.parametrize("with_draft", [True, False], ids=["over-a-draft", "first-submit"])
def test_autosaves_racing_submits_never_change_what_was_acknowledged(
    app: Flask, session: Session, demo: int, with_draft: bool
) -> None:
    """Twelve invitations: a submit of every answer while autosaves of one page race it."""
    rng = random.Random(11)
    tokens = [_citizen_link(session, demo, f"Người Đua {i}") for i in range(12)]
    _, instrument = _instrument(session, tokens[0])
    answers = complete_answers(instrument)
    page = dict(list(complete_answers(instrument, 1).items())[:10])
    if with_draft:
        for token in tokens:
            invitation, _ = _instrument(session, token)
            responses.save_draft(session, invitation, dict(list(answers.items())[:5]))
        session.commit()

    def submit(token: str, start: threading.Barrier) -> int:
        client, csrf_token = _client(app)
        start.wait()
        return client.post(
            f"/s/{token}/submit",
            headers={"X-CSRFToken": csrf_token},
            json={"client_key": f"sub-{token[:8]}", "answers": as_form(answers)},
        ).status_code

    def autosave(token: str, start: threading.Barrier, delay: float) -> list[int]:
        client, csrf_token = _client(app)
        start.wait()
        threading.Event().wait(delay)
        return [
            client.post(
                f"/s/{token}/autosave",
                headers={"X-CSRFToken": csrf_token},
                json={"answers": as_form(page)},
            ).status_code
            for _ in range(2)
        ]

    with ThreadPoolExecutor(max_workers=4) as pool:
        for token in tokens:
            start = threading.Barrier(2)
            saved = pool.submit(autosave, token, start, rng.uniform(0, 0.02))
            sent = pool.submit(submit, token, start)
            assert sent.result() == 200
            assert all(code in (200, 403) for code in saved.result()), saved.result()
            assert _stored(session, token) == (ResponseStatus.SUBMITTED, answers)
    assert session.scalar(select(func.count()).select_from(Response)) == len(tokens)

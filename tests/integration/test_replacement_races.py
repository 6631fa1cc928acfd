"""Replacing a respondent by a reserve races a submission and another replacement: decided by
locks, so no acknowledged answer is dropped and no weight is lost."""

from __future__ import annotations

import threading
import time

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import RespondentStatus, ResponseStatus, SampleRole
from survey_app.persistence.models import Invitation, Respondent, Response
from survey_app.security import new_short_code, new_token
from survey_app.services import draws, responses
from tests.conftest import csrf
from tests.support import as_form, complete_answers


def _replaceable(session: Session, count: int) -> list[Respondent]:
    """``count`` sampled citizens of one commune with an invitation and no response."""
    answered = select(Invitation.respondent_id).join(Response)
    people = session.scalars(
        select(Respondent)
        .where(
            Respondent.group == "citizen",
            Respondent.status == RespondentStatus.ACTIVE,
            Respondent.sample_role == SampleRole.SAMPLE,
            Respondent.id.not_in(answered),
        )
        .order_by(Respondent.unit_id, Respondent.id)
    ).all()
    by_unit: dict[int, list[Respondent]] = {}
    for person in people:
        by_unit.setdefault(person.unit_id, []).append(person)
    return next(group[:count] for group in by_unit.values() if len(group) >= count)


def _new_link(session: Session, person: Respondent) -> str:
    """A fresh clear token for the person's invitation (the demo's were printed elsewhere)."""
    from survey_app.security import hash_token

    invitation = session.scalar(select(Invitation).where(Invitation.respondent_id == person.id))
    assert invitation is not None
    token = new_token()
    invitation.token_hash, invitation.short_code_hash = (
        hash_token(token),
        hash_token(new_short_code()),
    )
    session.commit()
    return token


def test_a_submission_racing_a_replacement_is_refused_not_dropped(
    app: Flask, session: Session, full_demo: int
) -> None:
    """The replacement holds the person's response row while it revokes the link: the submit
    waits, then refuses (403) instead of storing an answer results would leave out."""
    (person,) = _replaceable(session, 1)
    token = _new_link(session, person)
    invitation = session.scalar(select(Invitation).where(Invitation.respondent_id == person.id))
    answers = complete_answers(responses.instrument_of(invitation))
    client = app.test_client()
    headers = {"X-CSRFToken": csrf(client, "/c")}
    codes: list[int] = []

    def submit() -> None:
        codes.append(
            client.post(
                f"/s/{token}/submit",
                headers=headers,
                json={"client_key": "racing-replacement", "answers": as_form(answers)},
            ).status_code
        )

    factory = app.extensions["session_factory"]
    with factory() as replacing:
        draws.replace(replacing, replacing.get(Respondent, person.id), "Chuyển đi nơi khác", None)
        sender = threading.Thread(target=submit)
        sender.start()
        time.sleep(0.5)  # the submit now waits for the replacement's locks
        replacing.commit()
    sender.join(timeout=60)
    assert codes == [403]
    session.expire_all()
    assert (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .where(
                Response.invitation_id == invitation.id, Response.status == ResponseStatus.SUBMITTED
            )
        )
        == 0
    )


def test_two_replacements_in_one_commune_take_two_reserves(
    app: Flask, session: Session, full_demo: int
) -> None:
    first, second = _replaceable(session, 2)
    total = session.scalar(
        select(func.sum(Respondent.weight)).where(
            Respondent.unit_id == first.unit_id, Respondent.status == RespondentStatus.ACTIVE
        )
    )
    factory = app.extensions["session_factory"]
    chosen: list[int] = []

    def replace_second() -> None:
        with factory() as other:
            chosen.append(draws.replace(other, other.get(Respondent, second.id), "Ốm", None).id)
            other.commit()

    with factory() as replacing:
        chosen.append(
            draws.replace(replacing, replacing.get(Respondent, first.id), "Đi xa", None).id
        )
        racer = threading.Thread(target=replace_second)
        racer.start()
        time.sleep(0.5)
        replacing.commit()
    racer.join(timeout=60)
    assert len(chosen) == 2 and len(set(chosen)) == 2
    session.expire_all()
    after = session.scalar(
        select(func.sum(Respondent.weight)).where(
            Respondent.unit_id == first.unit_id, Respondent.status == RespondentStatus.ACTIVE
        )
    )
    assert abs(after - total) < 1e-9

"""Answers: saved as the respondent goes, submitted exactly once, never lost.

A response is one row per invitation (``uq_responses_one_per_invitation``), a draft until
submitted. Submitting is a conditional UPDATE from draft to submitted, so of two parallel
submissions exactly one wins; the other reads the winner and answers as the rules say:
the same client key or the same answers get the same thank-you, different answers a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires import Instrument, ValidationResult, validate_answers
from survey_app.persistence.enums import CampaignStatus, InvitationStatus, Mode, ResponseStatus
from survey_app.persistence.models import Answer, Campaign, Invitation, Response, User
from survey_app.services import instruments


class SubmitOutcome(StrEnum):
    ACCEPTED = "accepted"
    ALREADY_ACCEPTED = "already_accepted"
    CONFLICT = "conflict"
    INVALID = "invalid"


class Refusal(StrEnum):
    """Why a link cannot be used now (shown to the respondent, never a 500)."""

    REVOKED = "revoked"
    NOT_OPEN = "not_open"
    CLOSED = "closed"


@dataclass(frozen=True)
class SubmitResult:
    outcome: SubmitOutcome
    response: Response | None
    validation: ValidationResult | None = None


def refusal(invitation: Invitation, today: dt.date | None = None) -> Refusal | None:
    """None when the link may be used today; else why not."""
    if invitation.status is InvitationStatus.REVOKED:
        return Refusal.REVOKED
    campaign: Campaign = invitation.respondent.unit.campaign
    today = today or dt.date.today()
    if campaign.status is CampaignStatus.CLOSED or (
            campaign.fieldwork_closes and today > campaign.fieldwork_closes):
        return Refusal.CLOSED
    if campaign.status is CampaignStatus.DRAFT or (
            campaign.fieldwork_opens and today < campaign.fieldwork_opens):
        return Refusal.NOT_OPEN
    return None


def instrument_of(invitation: Invitation) -> Instrument:
    return instruments.load(invitation.instrument)


def response_of(session: Session, invitation: Invitation) -> Response | None:
    return session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def stored_answers(session: Session, response: Response | None) -> dict[str, object]:
    if response is None:
        return {}
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id))
    return {a.question_id: _from_json(a.value) for a in rows}


def _from_json(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _ensure_draft(session: Session, invitation: Invitation, mode: Mode,
                  user: User | None) -> Response:
    """The invitation's response row, created once even under concurrent first saves."""
    existing = response_of(session, invitation)
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            response = Response(invitation_id=invitation.id,
                                instrument_id=invitation.instrument_id, mode=mode,
                                entered_by_id=user.id if user else None)
            session.add(response)
    except IntegrityError:
        winner = response_of(session, invitation)
        assert winner is not None
        return winner
    return response


def save_draft(session: Session, invitation: Invitation, answers: Mapping[str, object],
               *, mode: Mode = Mode.WEB) -> ValidationResult:
    """Merge valid answers of a page into the draft. Invalid values are reported, not stored.

    Answers already submitted are never touched: the caller shows the thank-you instead.
    """
    instrument = instrument_of(invitation)
    response = _ensure_draft(session, invitation, mode, None)
    if response.status is ResponseStatus.SUBMITTED:
        return validate_answers(instrument, answers, partial=True)
    merged = {**stored_answers(session, response), **answers}
    result = validate_answers(instrument, merged, partial=True)
    bad = {e.question_id for e in result.errors}
    keep = {q: v for q, v in result.cleaned.items() if q not in bad}
    old = stored_answers(session, response)
    keep.update({q: v for q, v in old.items() if q in bad})
    _write_answers(session, response.id, keep)
    response.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    return result


def _write_answers(session: Session, response_id: int, answers: Mapping[str, object],
                   *, replace: bool = True) -> None:
    """Store answers with one multi-row INSERT (the hot path of every submission)."""
    if replace:
        session.execute(delete(Answer).where(Answer.response_id == response_id))
    if answers:
        session.execute(insert(Answer.__table__).values([
            {"response_id": response_id, "question_id": q,
             "value": list(v) if isinstance(v, tuple) else v} for q, v in answers.items()]))


def payload_hash(answers: Mapping[str, object]) -> str:
    """sha256 of the canonical JSON of cleaned answers (tuples as lists, keys sorted)."""
    canonical = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def submit(session: Session, invitation: Invitation, answers: Mapping[str, object] | None,
           client_key: str, *, mode: Mode = Mode.WEB, user: User | None = None) -> SubmitResult:
    """Submit once. ``answers`` None means: submit the stored draft as it is.

    The usual case (complete answers, no draft yet) is one INSERT .. ON CONFLICT DO NOTHING of
    the response plus one executemany of its answers; the unique constraint on the invitation
    decides races, and the loser reads the winner.
    """
    instrument = instrument_of(invitation)
    existing = response_of(session, invitation)
    if answers is None:
        answers = stored_answers(session, existing)
    result = validate_answers(instrument, answers, partial=False)
    if existing is not None and existing.status is ResponseStatus.SUBMITTED:
        return _repeat(existing, result, client_key)
    if not result.complete:
        return SubmitResult(SubmitOutcome.INVALID, existing, result)
    now = dt.datetime.now(dt.UTC)
    values = {"status": ResponseStatus.SUBMITTED, "client_key": client_key,
              "payload_hash": payload_hash(result.cleaned), "submitted_at": now,
              "updated_at": now, "mode": mode, "entered_by_id": user.id if user else None}
    won_id = (_update_draft(session, existing.id, values) if existing is not None
              else _insert_submitted(session, invitation, values))
    if won_id is None:
        winner = response_of(session, invitation)
        if winner is None:  # the client key belongs to another invitation's submission
            return SubmitResult(SubmitOutcome.CONFLICT, None, result)
        session.refresh(winner)
        return _repeat(winner, result, client_key)
    _write_answers(session, won_id, result.cleaned, replace=existing is not None)
    if existing is not None:
        session.refresh(existing)
    response = session.get(Response, won_id)
    assert response is not None
    return SubmitResult(SubmitOutcome.ACCEPTED, response, result)


def _insert_submitted(session: Session, invitation: Invitation,
                      values: dict[str, object]) -> int | None:
    """INSERT the submitted response unless a unique constraint says another exists (None).

    ON CONFLICT DO NOTHING covers both the invitation (another submission won) and the client
    key (a key reused for another invitation); no savepoint round trips are needed.
    """
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite_insert
    row = {**values, "invitation_id": invitation.id, "instrument_id": invitation.instrument_id,
           "started_at": values["submitted_at"]}
    return session.execute(dialect_insert(Response).values(row).on_conflict_do_nothing()
                           .returning(Response.id)).scalar()


def _update_draft(session: Session, response_id: int, values: dict[str, object]) -> int | None:
    """Turn the draft into the submitted response unless another request already did."""
    try:
        with session.begin_nested():
            changed = session.execute(
                update(Response)
                .where(Response.id == response_id, Response.status == ResponseStatus.DRAFT)
                .values(values).execution_options(synchronize_session=False)).rowcount
    except IntegrityError:
        return None
    return response_id if changed else None


def _repeat(response: Response, result: ValidationResult, client_key: str) -> SubmitResult:
    """A submission for an already submitted invitation: same one again, or a conflict."""
    same = response.client_key == client_key or (
        result.complete and response.payload_hash == payload_hash(result.cleaned))
    outcome = SubmitOutcome.ALREADY_ACCEPTED if same else SubmitOutcome.CONFLICT
    return SubmitResult(outcome, response, result)

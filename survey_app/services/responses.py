"""Answers: saved as the respondent goes, submitted exactly once, never lost.

A response is one row per invitation (``uq_responses_one_per_invitation``), a draft until
submitted. A first submission is an INSERT .. ON CONFLICT DO NOTHING (with its answers, in
one statement on PostgreSQL); over a draft it is a conditional UPDATE from draft to submitted.
Either way the database decides a race: exactly one submission wins, the others read the
winner and answer as the rules say: the same client key or the same answers get the same
thank-you, different answers a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from questionnaires import Instrument, ValidationResult, is_missing, validate_answers
from survey_app.persistence.enums import CampaignStatus, InvitationStatus, Mode, ResponseStatus
from survey_app.persistence.models import Campaign, Invitation, Response, User
from survey_app.persistence.queries import submissions as sql
from survey_app.security import hash_token
from survey_app.services import instruments


class SubmitOutcome(StrEnum):
    ACCEPTED = "accepted"
    ALREADY_ACCEPTED = "already_accepted"
    CONFLICT = "conflict"
    INVALID = "invalid"
    REFUSED = "refused"  # the link was revoked (a replacement) while the submit waited


class Refusal(StrEnum):
    """Why a link cannot be used now (shown to the respondent, never a 500)."""

    REVOKED = "revoked"
    NOT_OPEN = "not_open"
    CLOSED = "closed"


@dataclass(frozen=True)
class SubmitResult:
    outcome: SubmitOutcome
    response_id: int | None
    submitted_at: dt.datetime | None = None
    validation: ValidationResult | None = None
    draft_kept: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """What submitting through a personal link needs to know, read in one query (``find_link``).

    The hot path of the form service: no ORM objects are loaded to accept a submission.
    """

    invitation_id: int
    instrument_id: int
    instrument: Instrument
    invitation_status: InvitationStatus
    campaign_status: CampaignStatus
    fieldwork_opens: dt.date | None
    fieldwork_closes: dt.date | None
    response_id: int | None = None
    response_status: ResponseStatus | None = None
    client_key: str | None = None
    payload_hash: str | None = None
    submitted_at: dt.datetime | None = None

    def refusal(self, today: dt.date | None = None) -> Refusal | None:
        return _refusal(
            self.invitation_status,
            self.campaign_status,
            self.fieldwork_opens,
            self.fieldwork_closes,
            today or dt.date.today(),
        )


def refusal(invitation: Invitation, today: dt.date | None = None) -> Refusal | None:
    """None when the link may be used today; else why not."""
    campaign: Campaign = invitation.respondent.unit.campaign
    return _refusal(
        invitation.status,
        campaign.status,
        campaign.fieldwork_opens,
        campaign.fieldwork_closes,
        today or dt.date.today(),
    )


def _refusal(
    status: InvitationStatus,
    campaign_status: CampaignStatus,
    opens: dt.date | None,
    closes: dt.date | None,
    today: dt.date,
) -> Refusal | None:
    if status is InvitationStatus.REVOKED:
        return Refusal.REVOKED
    if campaign_status is CampaignStatus.CLOSED or (closes and today > closes):
        return Refusal.CLOSED
    if campaign_status is CampaignStatus.DRAFT or (opens and today < opens):
        return Refusal.NOT_OPEN
    return None


def find_link(session: Session, key: str) -> Link | None:
    """The link state of a token or short code (one indexed query), or None if unknown."""
    row = sql.link_by_digest(session, hash_token(key))
    return None if row is None else _link_of(session, row)


def _link_at(session: Session, invitation_id: int) -> Link:
    return _link_of(session, sql.link_at(session, invitation_id))


def _link_of(session: Session, row: sql.LinkRow) -> Link:
    """A ``LINK_QUERY`` row as a Link. Status columns come as enums through SQLAlchemy and as
    strings from the driver; ``Enum(x)`` takes either. Dates come typed from both."""
    (
        invitation_id,
        instrument_id,
        status,
        campaign_status,
        opens,
        closes,
        code,
        version,
        content_hash,
        response_id,
        response_status,
        client_key,
        digest,
        submitted_at,
    ) = tuple(row)
    return Link(
        invitation_id,
        instrument_id,
        instruments.load_published(session, instrument_id, content_hash),
        InvitationStatus(status),
        CampaignStatus(campaign_status),
        opens,
        closes,
        response_id,
        None if response_status is None else ResponseStatus(response_status),
        client_key,
        digest,
        submitted_at,
    )


def instrument_of(invitation: Invitation) -> Instrument:
    return instruments.load(invitation.instrument)


def response_of(session: Session, invitation: Invitation) -> Response | None:
    return session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def stored_answers(session: Session, response: Response | None) -> dict[str, object]:
    return sql.answers_of(session, response.id if response is not None else None)


def _lock_draft(
    session: Session, invitation_id: int, instrument_id: int, mode: Mode, user_id: int | None
) -> int | None:
    """The id of the invitation's draft, locked for this transaction; None once submitted.

    Every write of answers goes through this lock first, so the database decides the order of
    an autosave, a page save and a submit of the same invitation: a conditional UPDATE that
    only matches a draft takes the row lock (on SQLite, the database's write lock), and a
    submit that won first leaves nothing to match. A missing draft is created by an INSERT
    .. ON CONFLICT DO NOTHING, which waits for a concurrent first save or submit and then
    loses to it; the UPDATE is then tried again on what that request committed.
    """
    now = dt.datetime.now(dt.UTC)
    for _attempt in range(2):
        locked = sql.lock_existing_draft(session, invitation_id)
        if locked is not None:
            return locked
        created = sql.insert_draft(
            session,
            {
                "invitation_id": invitation_id,
                "instrument_id": instrument_id,
                "status": ResponseStatus.DRAFT,
                "mode": mode,
                "entered_by_id": user_id,
                "started_at": now,
                "updated_at": now,
            },
        )
        if created is not None:
            return created
    return None  # the invitation's response exists and is no longer a draft


def save_draft(
    session: Session,
    invitation: Invitation,
    answers: Mapping[str, object],
    *,
    mode: Mode = Mode.WEB,
) -> ValidationResult:
    """Merge valid answers of a page into the draft. Invalid values are reported, not stored;
    when every answer given is refused nothing at all is written (not even an empty draft).

    Answers already submitted are never touched, whatever the timing: the draft is locked
    before its answers are read (``_lock_draft``), and a submitted response has none.
    """
    return _save(
        session, invitation.id, invitation.instrument_id, instrument_of(invitation), answers, mode
    )


def _save(
    session: Session,
    invitation_id: int,
    instrument_id: int,
    instrument: Instrument,
    answers: Mapping[str, object],
    mode: Mode,
) -> ValidationResult:
    response_id = sql.lock_existing_draft(session, invitation_id)
    old = sql.answers_of(session, response_id) if response_id is not None else {}
    result = validate_answers(instrument, {**old, **answers}, partial=True)
    if _all_refused(result, answers):
        return result
    if response_id is None:  # no draft yet (or the response is submitted): create and lock it
        response_id = _lock_draft(session, invitation_id, instrument_id, mode, None)
        if response_id is None:
            return result
        old = sql.answers_of(session, response_id)  # a concurrent first save may have won
        result = validate_answers(instrument, {**old, **answers}, partial=True)
    bad = {e.question_id for e in result.errors}
    keep = {q: v for q, v in result.cleaned.items() if q not in bad}
    keep.update({q: v for q, v in old.items() if q in bad})
    sql.write_answers(session, response_id, keep)
    _expire_loaded(session, response_id)
    return result


def submit_or_keep(
    session: Session, link: Link, answers: Mapping[str, object] | None, client_key: str
) -> SubmitResult:
    """Submit through a personal link; when the answers sent are incomplete, keep the valid
    ones as the draft (``draft_kept``), so a respondent who sent a form from a phone that was
    offline loses nothing and is shown what is still missing."""
    outcome = submit_link(session, link, answers, client_key)
    if outcome.outcome is SubmitOutcome.INVALID and answers is not None:
        _save(session, link.invitation_id, link.instrument_id, link.instrument, answers, Mode.WEB)
        return SubmitResult(
            outcome.outcome, outcome.response_id, None, outcome.validation, draft_kept=True
        )
    return outcome


def hold_unsubmitted(session: Session, invitation: Invitation) -> bool:
    """Lock the invitation's response row (creating an empty draft if there is none) unless
    it is submitted: True while held. A replacement holds it while it revokes the link, so a
    racing submission waits and then sees the revocation (``_submit_over_draft``)."""
    return _lock_draft(session, invitation.id, invitation.instrument_id, Mode.WEB, None) is not None


def _all_refused(result: ValidationResult, answers: Mapping[str, object]) -> bool:
    """Every answer given was refused (so saving would only write what was there)."""
    given = [q for q, value in answers.items() if not is_missing(value)]
    return bool(result.errors) and not any(q in result.cleaned for q in given)


def _expire_loaded(session: Session, response_id: int) -> None:
    """Core SQL changed this response: an ORM copy loaded earlier in the request is stale."""
    stale = session.identity_map.get(identity_key(Response, response_id))
    if stale is not None:
        session.expire(stale)


def canonical_json(answers: Mapping[str, object]) -> str:
    """The canonical JSON text of cleaned answers (tuples as lists, keys sorted, UTF-8)."""
    canonical = {k: sql.as_json(v) for k, v in answers.items()}
    return json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def payload_hash(answers: Mapping[str, object], text: str | None = None) -> str:
    """sha256 of the canonical JSON of cleaned answers (``text`` if already made)."""
    return hashlib.sha256((text or canonical_json(answers)).encode()).hexdigest()


def submit(
    session: Session,
    invitation: Invitation,
    answers: Mapping[str, object] | None,
    client_key: str,
    *,
    mode: Mode = Mode.WEB,
    user: User | None = None,
) -> SubmitResult:
    """Submit once for an invitation already loaded (paper entry, demo); see ``submit_link``."""
    result = submit_link(
        session,
        _link_at(session, invitation.id),
        answers,
        client_key,
        mode=mode,
        user_id=user.id if user else None,
    )
    if result.response_id is not None:
        _expire_loaded(session, result.response_id)
    return result


def submit_link(
    session: Session,
    link: Link,
    answers: Mapping[str, object] | None,
    client_key: str,
    *,
    mode: Mode = Mode.WEB,
    user_id: int | None = None,
) -> SubmitResult:
    """Submit once. ``answers`` None means: submit the stored draft as it is.

    The usual case (complete answers, no draft yet) is one INSERT .. ON CONFLICT DO NOTHING of
    the response plus its answers; the unique constraint on the invitation decides races, and
    the loser reads the winner. Over a draft, the draft is locked first (``_lock_draft``'s
    rule), so an autosave racing the submit either lands before it or changes nothing.
    """
    if link.response_status is ResponseStatus.SUBMITTED:
        return _repeat_of(session, link, answers, client_key)
    if link.response_id is not None or answers is None:
        return _submit_over_draft(session, link, answers, client_key, mode, user_id)
    result = validate_answers(link.instrument, answers, partial=False)
    if not result.complete:
        return SubmitResult(SubmitOutcome.INVALID, None, None, result)
    now = dt.datetime.now(dt.UTC)
    text = canonical_json(result.cleaned)
    values = _submitted_values(result, text, client_key, mode, user_id, now)
    won_id = sql.insert_submitted(
        session,
        {
            **values,
            "invitation_id": link.invitation_id,
            "instrument_id": link.instrument_id,
            "started_at": now,
        },
        result.cleaned,
        text,
    )
    if won_id is not None:
        return SubmitResult(SubmitOutcome.ACCEPTED, won_id, now, result)
    winner = _link_at(session, link.invitation_id)
    if winner.response_status is ResponseStatus.DRAFT:
        # an autosave created the draft after we looked: submit over it instead
        return _submit_over_draft(session, winner, answers, client_key, mode, user_id)
    if winner.response_status is None:
        # the client key belongs to another invitation's submission
        return SubmitResult(SubmitOutcome.CONFLICT, None, None, result)
    return _repeat(winner, result, client_key)


def _submitted_values(
    result: ValidationResult,
    text: str,
    client_key: str,
    mode: Mode,
    user_id: int | None,
    now: dt.datetime,
) -> dict[str, object]:
    return {
        "status": ResponseStatus.SUBMITTED,
        "client_key": client_key,
        "payload_hash": payload_hash(result.cleaned, text),
        "submitted_at": now,
        "updated_at": now,
        "mode": mode,
        "entered_by_id": user_id,
    }


def _submit_over_draft(
    session: Session,
    link: Link,
    answers: Mapping[str, object] | None,
    client_key: str,
    mode: Mode,
    user_id: int | None,
) -> SubmitResult:
    """Lock the draft, then validate and submit it (with ``answers``, or as stored)."""
    draft_id = sql.lock_existing_draft(session, link.invitation_id)
    if draft_id is None:  # submitted meanwhile, or nothing was ever saved
        winner = _link_at(session, link.invitation_id)
        if winner.response_status is ResponseStatus.SUBMITTED:
            return _repeat_of(session, winner, answers, client_key)
        if answers is not None:
            return submit_link(session, winner, answers, client_key, mode=mode, user_id=user_id)
        return SubmitResult(
            SubmitOutcome.INVALID, None, None, validate_answers(link.instrument, {}, partial=False)
        )
    if sql.invitation_revoked(session, link.invitation_id):  # revoked while we waited
        return SubmitResult(SubmitOutcome.REFUSED, draft_id, None, None)
    if answers is None:
        answers = sql.answers_of(session, draft_id)
    result = validate_answers(link.instrument, answers, partial=False)
    if not result.complete:
        return SubmitResult(SubmitOutcome.INVALID, draft_id, None, result)
    now = dt.datetime.now(dt.UTC)
    values = _submitted_values(
        result, canonical_json(result.cleaned), client_key, mode, user_id, now
    )
    if not sql.mark_submitted(session, draft_id, values):
        # the client key belongs to another invitation's submission
        return SubmitResult(SubmitOutcome.CONFLICT, None, None, result)
    sql.write_answers(session, draft_id, result.cleaned)
    return SubmitResult(SubmitOutcome.ACCEPTED, draft_id, now, result)


def _repeat_of(
    session: Session, link: Link, answers: Mapping[str, object] | None, client_key: str
) -> SubmitResult:
    """``_repeat`` for a request that may not carry its answers (submit the stored draft)."""
    given = answers if answers is not None else sql.answers_of(session, link.response_id)
    return _repeat(link, validate_answers(link.instrument, given, partial=False), client_key)


def _repeat(link: Link, result: ValidationResult, client_key: str) -> SubmitResult:
    """A submission for an already submitted invitation: the same one again, or a conflict.

    The same answers (under any client key) get the same thank-you. Different answers are a
    conflict even under the stored client key: a key names one submission, and reusing it for
    other answers must not look accepted while the answers are dropped.
    """
    same = result.complete and link.payload_hash == payload_hash(result.cleaned)
    outcome = SubmitOutcome.ALREADY_ACCEPTED if same else SubmitOutcome.CONFLICT
    return SubmitResult(outcome, link.response_id, link.submitted_at, result)

"""Paper and phone entry by interviewers, with optional double entry by two clerks.

Without double entry a clerk's keying is submitted at once with its mode. With double entry
(campaign setting ``entry.double_entry``) the first two keyings of a form are compared: equal, the
form is submitted; different, it waits on the mismatch list until an administrator resolves it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import ValidationResult, validate_answers
from survey_app.errors import ServiceError
from survey_app.persistence.enums import (
    AuditAction,
    Mode,
    RespondentStatus,
    ResponseStatus,
    Role,
)
from survey_app.persistence.locks import lock_invitation
from survey_app.persistence.models import Invitation, PaperEntry, Respondent, Response, User
from survey_app.services import audit, responses
from survey_app.services.designs import settings_of


class EntryOutcome(StrEnum):
    SUBMITTED = "submitted"
    WAITING_SECOND = "waiting_second"
    MISMATCH = "mismatch"
    INVALID = "invalid"
    ALREADY_SUBMITTED = "already_submitted"


@dataclass(frozen=True)
class EntryResult:
    outcome: EntryOutcome
    validation: ValidationResult | None = None
    differences: tuple[str, ...] = ()


def assigned(session: Session, user: User) -> list[Respondent]:
    """Respondents this interviewer keys in (an administrator sees every assigned one)."""
    query = select(Respondent).where(
        Respondent.interviewer_id.is_not(None), Respondent.status == RespondentStatus.ACTIVE
    )
    if user.role is not Role.ADMIN:
        query = query.where(Respondent.interviewer_id == user.id)
    return list(session.scalars(query.order_by(Respondent.unit_id, Respondent.full_name)))


def may_enter(user: User, respondent: Respondent) -> bool:
    return user.role is Role.ADMIN or respondent.interviewer_id == user.id


def forms_of(session: Session, respondent: Respondent) -> list[Invitation]:
    """The respondent's forms: one invitation per unit they rate, in issue order."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.respondent_id == respondent.id)
            .order_by(Invitation.id)
        )
    )


def status_of(session: Session, invitation: Invitation) -> ResponseStatus | None:
    """The form's response status, None when nothing has been entered or answered."""
    response = responses.response_of(session, invitation)
    return response.status if response else None


def invitation_of(
    session: Session, respondent: Respondent, invitation_id: int | None = None
) -> Invitation:
    """The respondent's form ``invitation_id`` (their first when None); ``no_invitation`` when
    they have none or it is not theirs."""
    forms = forms_of(session, respondent)
    chosen = next((f for f in forms if invitation_id in (None, f.id)), None)
    if chosen is None:
        raise ServiceError("no_invitation")
    return chosen


_REFUSAL_CODES = {
    responses.Refusal.REVOKED: "entry_revoked",
    responses.Refusal.CLOSED: "entry_closed",
    responses.Refusal.NOT_OPEN: "entry_not_open",
}


def usable_invitation(
    session: Session, respondent: Respondent, invitation_id: int | None = None
) -> Invitation:
    """The respondent's form if it may be keyed today, as on the web form: not for a person
    replaced by a reserve (their link is revoked), nor outside fieldwork."""
    invitation = invitation_of(session, respondent, invitation_id)
    why = responses.refusal(invitation)
    if why is None and respondent.status is not RespondentStatus.ACTIVE:
        why = responses.Refusal.REVOKED
    if why is not None:
        raise ServiceError(_REFUSAL_CODES[why])
    return invitation


def uses_double_entry(respondent: Respondent) -> bool:
    """Whether the respondent's campaign has forms keyed twice (``settings.entry``)."""
    return settings_of(respondent.unit.campaign).entry.double_entry


def enter(
    session: Session,
    respondent: Respondent,
    answers: Mapping[str, object],
    mode: Mode,
    clerk: User,
    double_entry: bool | None = None,
    invitation_id: int | None = None,
) -> EntryResult:
    """Key in one paper or phone form (the respondent's form ``invitation_id``, their first
    when None); see the module docstring for double entry.

    ``double_entry`` defaults to the campaign's setting."""
    invitation = usable_invitation(session, respondent, invitation_id)
    instrument = responses.instrument_of(invitation)
    result = validate_answers(instrument, answers, partial=False)
    existing = responses.response_of(session, invitation)
    if existing is not None and existing.status is ResponseStatus.SUBMITTED:
        return EntryResult(EntryOutcome.ALREADY_SUBMITTED, result)
    if not result.complete:
        return EntryResult(EntryOutcome.INVALID, result)
    audit.record(
        session,
        AuditAction.PAPER_ENTRY,
        user=clerk,
        campaign_id=respondent.campaign_id,
        target=str(respondent.id),
        mode=mode.value,
    )
    if not (uses_double_entry(respondent) if double_entry is None else double_entry):
        return _submit(session, invitation, result.cleaned, mode, clerk, result)
    return _double(session, invitation, result, mode, clerk)


def _submit(
    session: Session,
    invitation: Invitation,
    answers: Mapping[str, object],
    mode: Mode,
    clerk: User,
    result: ValidationResult,
) -> EntryResult:
    outcome = responses.submit(
        session, invitation, answers, uuid.uuid4().hex, mode=mode, user=clerk
    )
    if outcome.outcome is responses.SubmitOutcome.ACCEPTED:
        return EntryResult(EntryOutcome.SUBMITTED, result)
    if outcome.outcome is responses.SubmitOutcome.REFUSED:  # replaced while being keyed
        raise ServiceError("entry_revoked")
    return EntryResult(EntryOutcome.ALREADY_SUBMITTED, result)


def _double(
    session: Session, invitation: Invitation, result: ValidationResult, mode: Mode, clerk: User
) -> EntryResult:
    lock_invitation(session, invitation.id)  # two clerks keying the same form take turns
    entries = list(
        session.scalars(
            select(PaperEntry)
            .where(PaperEntry.invitation_id == invitation.id)
            .order_by(PaperEntry.entry_round)
        )
    )
    if any(e.clerk_id == clerk.id for e in entries):
        raise ServiceError("same_clerk_twice")
    if len(entries) >= 2:
        return EntryResult(EntryOutcome.MISMATCH, result, differences(entries[0], entries[1]))
    stored = {k: list(v) if isinstance(v, tuple) else v for k, v in result.cleaned.items()}
    entry = PaperEntry(
        invitation_id=invitation.id,
        entry_round=len(entries) + 1,
        mode=mode,
        clerk_id=clerk.id,
        answers=stored,
    )
    session.add(entry)
    session.flush()
    if not entries:
        return EntryResult(EntryOutcome.WAITING_SECOND, result)
    diff = differences(entries[0], entry)
    if diff:
        return EntryResult(EntryOutcome.MISMATCH, result, diff)
    return _submit(session, invitation, result.cleaned, mode, clerk, result)


def differences(first: PaperEntry, second: PaperEntry) -> tuple[str, ...]:
    """Question ids whose two keyings differ."""
    keys = sorted(set(first.answers) | set(second.answers))
    return tuple(k for k in keys if first.answers.get(k) != second.answers.get(k))


@dataclass(frozen=True)
class Mismatch:
    respondent: Respondent
    invitation: Invitation
    first: PaperEntry
    second: PaperEntry
    questions: tuple[str, ...]


def mismatches(session: Session, campaign_id: int) -> list[Mismatch]:
    """Forms keyed twice with different answers and not yet resolved."""
    rows = session.scalars(
        select(PaperEntry)
        .join(Invitation)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(
            Invitation.campaign_id == campaign_id,
            (Response.id.is_(None)) | (Response.status != ResponseStatus.SUBMITTED),
        )
        .order_by(PaperEntry.invitation_id, PaperEntry.entry_round)
    )
    by_invitation: dict[int, list[PaperEntry]] = {}
    for entry in rows:
        by_invitation.setdefault(entry.invitation_id, []).append(entry)
    found = []
    for invitation_id, pair in by_invitation.items():
        if len(pair) == 2 and differences(*pair):
            invitation = session.get(Invitation, invitation_id)
            assert invitation is not None
            found.append(
                Mismatch(invitation.respondent, invitation, pair[0], pair[1], differences(*pair))
            )
    return found


def resolve(
    session: Session,
    respondent: Respondent,
    answers: Mapping[str, object],
    admin: User,
    invitation_id: int | None = None,
) -> EntryResult:
    """An administrator settles a mismatch with the values read on the paper form."""
    invitation = usable_invitation(session, respondent, invitation_id)
    instrument = responses.instrument_of(invitation)
    result = validate_answers(instrument, answers, partial=False)
    if not result.complete:
        return EntryResult(EntryOutcome.INVALID, result)
    first = session.scalar(select(PaperEntry).where(PaperEntry.invitation_id == invitation.id))
    mode = first.mode if first else Mode.PAPER
    return _submit(session, invitation, result.cleaned, mode, admin, result)

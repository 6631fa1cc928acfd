"""A drawn person's history, oldest first: letters issued, re-issued and printed, forms
keyed and submitted, a replacement either way. Read from the person's invitations and
responses and from the audit log (events whose target is the person), never kept twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from survey_app.persistence.enums import AuditAction, Mode
from survey_app.persistence.models import AuditEvent, Respondent
from survey_app.persistence.queries import respondents as sql
from survey_app.services.respondents import Person, letters_target, utc


class EventKind(StrEnum):
    ISSUED = "issued"
    REISSUED = "reissued"
    LETTERS = "letters"
    REPLACED = "replaced"  # this person was replaced by ``other``
    REPLACES = "replaces"  # this person took the place of ``other``
    ENTERED = "entered"  # a paper or phone form keyed by a clerk
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class Event:
    """One line of a person's history."""

    at: dt.datetime
    kind: EventKind
    by: str | None = None
    count: int | None = None
    other_id: int | None = None
    note: str = ""
    mode: Mode | None = None


_HISTORY_ACTIONS = (
    AuditAction.INVITATIONS_ISSUED,
    AuditAction.EXPORT,
    AuditAction.RESPONDENT_REPLACED,
    AuditAction.PAPER_ENTRY,
)


def history(session: Session, found: Person) -> list[Event]:
    """What happened to a person's letters and forms, oldest first: issued, re-issued,
    letters printed, forms keyed and submitted, replaced (or replacing someone)."""
    respondent = found.respondent
    events = _form_events(found)
    targets = [str(respondent.id), letters_target(respondent.id)]
    if respondent.replaces_id is not None:
        targets.append(str(respondent.replaces_id))
    for row in sql.events(session, respondent.campaign_id, targets, _HISTORY_ACTIONS):
        event = _audit_event(row, respondent)
        if event is not None:
            events.append(event)
    return sorted(events, key=lambda e: utc(e.at))


def _form_events(found: Person) -> list[Event]:
    events = []
    if found.forms:
        first = min((f.invitation.created_at for f in found.forms), key=utc)
        events.append(Event(first, EventKind.ISSUED, count=len(found.forms)))
    for form in found.forms:
        response = form.response
        if form.submitted and response is not None and response.submitted_at is not None:
            note = form.invitation.rated_unit.name
            events.append(
                Event(response.submitted_at, EventKind.SUBMITTED, note=note, mode=response.mode)
            )
    return events


def _audit_event(row: AuditEvent, respondent: Respondent) -> Event | None:
    details = row.details or {}
    mine = row.target == str(respondent.id)
    if row.action is AuditAction.INVITATIONS_ISSUED and mine:
        return Event(row.at, EventKind.REISSUED, row.username, details.get("count"))
    if row.action is AuditAction.EXPORT:
        return Event(row.at, EventKind.LETTERS, row.username, details.get("count"))
    if row.action is AuditAction.PAPER_ENTRY and mine:
        mode = details.get("mode")
        return Event(row.at, EventKind.ENTERED, row.username, mode=Mode(mode) if mode else None)
    if row.action is AuditAction.RESPONDENT_REPLACED:
        reason = str(details.get("reason") or "")
        if mine:
            other = details.get("replacement")
            return Event(row.at, EventKind.REPLACED, row.username, other_id=other, note=reason)
        if details.get("replacement") == respondent.id:
            other = respondent.replaces_id
            return Event(row.at, EventKind.REPLACES, row.username, other_id=other, note=reason)
    return None

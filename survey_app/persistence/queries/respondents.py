"""SQL of the respondent search: a campaign's drawn people matching a staff member's filters,
in display order (unit code, group, name), and the forms and history of the people shown.

A person's standing is decided in the database from their forms: answered when every
invitation has a submitted response, so paging and counts agree with the filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from survey_app.persistence.enums import AuditAction, RespondentStatus, ResponseStatus
from survey_app.persistence.models import AuditEvent, Invitation, Respondent, Response, Unit


class Standing(StrEnum):
    """Where a drawn person stands for fieldwork (the search's status filter)."""

    PENDING = "pending"  # in the sample, some form not submitted yet (or no letter yet)
    ANSWERED = "answered"  # in the sample, every form submitted
    REPLACED = "replaced"
    RESERVE = "reserve"


@dataclass(frozen=True)
class Criteria:
    """The filters decided in SQL (a name is matched by the service, folded)."""

    campaign_id: int
    unit_id: int | None = None
    group: str | None = None
    standing: Standing | None = None
    phone_like: str | None = None  # a LIKE pattern on the stored E.164 number
    interviewer_id: int | None = None  # only the people given to this interviewer


def _forms() -> Select[int]:
    return select(Invitation.id).where(Invitation.respondent_id == Respondent.id)


def _standing(standing: Standing) -> ColumnElement[bool]:
    if standing is Standing.RESERVE:
        return Respondent.status == RespondentStatus.RESERVE
    if standing is Standing.REPLACED:
        return Respondent.status == RespondentStatus.REPLACED
    submitted = exists().where(
        Response.invitation_id == Invitation.id, Response.status == ResponseStatus.SUBMITTED
    )
    has_forms = exists(_forms())
    open_form = exists(_forms().where(~submitted))
    in_sample = Respondent.status == RespondentStatus.ACTIVE
    if standing is Standing.ANSWERED:
        return and_(in_sample, has_forms, ~open_form)
    return and_(in_sample, or_(~has_forms, open_form))


def _where(criteria: Criteria) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [Respondent.campaign_id == criteria.campaign_id]
    if criteria.unit_id is not None:
        clauses.append(Respondent.unit_id == criteria.unit_id)
    if criteria.group:
        clauses.append(Respondent.group == criteria.group)
    if criteria.standing is not None:
        clauses.append(_standing(criteria.standing))
    if criteria.phone_like:
        clauses.append(Respondent.phone.like(criteria.phone_like))
    if criteria.interviewer_id is not None:
        clauses.append(Respondent.interviewer_id == criteria.interviewer_id)
    return clauses


_ORDER = (Unit.code, Respondent.group, Respondent.full_name, Respondent.id)
"""Display order: by unit code, then group and name (the id keeps pages stable)."""


def count(session: Session, criteria: Criteria) -> int:
    """How many people match."""
    query = select(func.count(Respondent.id)).where(*_where(criteria))
    return int(session.scalar(query) or 0)


def page_ids(session: Session, criteria: Criteria, offset: int, limit: int) -> list[int]:
    """The ids of one page of matches, in display order."""
    query = (
        select(Respondent.id)
        .join(Unit, Unit.id == Respondent.unit_id)
        .where(*_where(criteria))
        .order_by(*_ORDER)
    )
    return list(session.scalars(query.offset(offset).limit(limit)))


def names(session: Session, criteria: Criteria) -> list[tuple[int, str]]:
    """Every match's id and name in display order (the service folds the names: SQLite and
    PostgreSQL cannot compare Vietnamese without diacritics alike)."""
    query = (
        select(Respondent.id, Respondent.full_name)
        .join(Unit, Unit.id == Respondent.unit_id)
        .where(*_where(criteria))
        .order_by(*_ORDER)
    )
    return [(int(i), str(n)) for i, n in session.execute(query)]


def people(session: Session, ids: Sequence[int]) -> list[Respondent]:
    """The respondents of ``ids`` with their units, in the order of ``ids``."""
    if not ids:
        return []
    found = session.scalars(
        select(Respondent).where(Respondent.id.in_(ids)).options(joinedload(Respondent.unit))
    )
    by_id = {r.id: r for r in found}
    return [by_id[i] for i in ids if i in by_id]


def forms(session: Session, ids: Sequence[int]) -> list[tuple[Invitation, Response | None]]:
    """The invitations of these respondents (rated unit loaded) with each one's response, in
    issue order."""
    if not ids:
        return []
    query = (
        select(Invitation, Response)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.respondent_id.in_(ids))
        .options(joinedload(Invitation.rated_unit))
        .order_by(Invitation.respondent_id, Invitation.id)
    )
    return [(i, r) for i, r in session.execute(query)]


def units_with_people(
    session: Session, campaign_id: int, interviewer_id: int | None = None
) -> list[Unit]:
    """The units that have drawn people (the search's unit choices), by code."""
    holders = select(Respondent.unit_id).where(Respondent.campaign_id == campaign_id)
    if interviewer_id is not None:
        holders = holders.where(Respondent.interviewer_id == interviewer_id)
    query = select(Unit).where(Unit.id.in_(holders)).order_by(Unit.code)
    return list(session.scalars(query))


def events(
    session: Session, campaign_id: int, targets: Sequence[str], actions: Sequence[AuditAction]
) -> list[AuditEvent]:
    """Audit events of a campaign about these targets, oldest first."""
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.campaign_id == campaign_id,
            AuditEvent.target.in_(targets),
            AuditEvent.action.in_(actions),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(session.scalars(query))

"""The audit log: who did what and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import AuditEvent, User


def record(
    session: Session,
    action: AuditAction,
    *,
    user: User | None = None,
    username: str | None = None,
    campaign_id: int | None = None,
    target: str | None = None,
    ip: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add one audit event to the current transaction."""
    event = AuditEvent(
        action=action,
        user_id=user.id if user else None,
        username=user.username if user else username,
        campaign_id=campaign_id,
        target=target,
        details=details,
        ip=ip,
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class AuditFilter:
    action: AuditAction | None = None
    username: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _filtered(query: Select[tuple[AuditEvent]], flt: AuditFilter) -> Select[tuple[AuditEvent]]:
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.username:
        query = query.where(AuditEvent.username == flt.username)
    if flt.since:
        query = query.where(AuditEvent.at >= dt.datetime.combine(flt.since, dt.time.min, dt.UTC))
    if flt.until:
        end = dt.datetime.combine(flt.until + dt.timedelta(days=1), dt.time.min, dt.UTC)
        query = query.where(AuditEvent.at < end)
    return query


def list_events(session: Session, flt: AuditFilter, limit: int = 500) -> list[AuditEvent]:
    """Newest first."""
    query = _filtered(select(AuditEvent), flt).order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(query))

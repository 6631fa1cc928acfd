"""Fieldwork: who was invited, who started, who submitted, by mode; reminders and assignment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import RespondentGroup
from survey_app.persistence.enums import AuditAction, Mode, RespondentStatus, ResponseStatus, Role
from survey_app.persistence.models import (
    Campaign,
    Invitation,
    Respondent,
    Response,
    Unit,
    User,
)
from survey_app.services import audit
from survey_app.services.spreadsheet import csv_bytes


@dataclass
class ProgressRow:
    """Counts for one unit and group."""

    unit: Unit
    group: RespondentGroup
    respondents: int = 0
    invited: int = 0
    started: int = 0
    submitted: int = 0
    by_mode: Counter[Mode] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Submitted ÷ active respondents (0 when none)."""
        return self.submitted / self.respondents if self.respondents else 0.0


def _active(
    session: Session, campaign: Campaign
) -> list[tuple[Respondent, Invitation | None, Response | None]]:
    query = (
        select(Respondent, Invitation, Response)
        .outerjoin(Invitation, Invitation.respondent_id == Respondent.id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Respondent.campaign_id == campaign.id, Respondent.status == RespondentStatus.ACTIVE)
        .order_by(Respondent.unit_id, Respondent.group)
    )
    return [(r, i, s) for r, i, s in session.execute(query)]


def progress(session: Session, campaign: Campaign) -> list[ProgressRow]:
    """Invited / started / submitted per unit and group, submitted split by mode."""
    rows: dict[tuple[int, RespondentGroup], ProgressRow] = {}
    for respondent, invitation, response in _active(session, campaign):
        key = (respondent.unit_id, respondent.group)
        row = rows.setdefault(key, ProgressRow(respondent.unit, respondent.group))
        row.respondents += 1
        row.invited += invitation is not None
        if response is not None and response.status is ResponseStatus.SUBMITTED:
            row.submitted += 1
            row.by_mode[response.mode] += 1
        elif response is not None:
            row.started += 1
    return sorted(rows.values(), key=lambda r: (r.unit.code, r.group.value))


def totals(rows: list[ProgressRow]) -> ProgressRow:
    """The sum of all rows (its unit is the first row's, for display only)."""
    total = ProgressRow(rows[0].unit, rows[0].group) if rows else None
    if total is None:
        raise ValueError("no rows")
    for row in rows:
        total.respondents += row.respondents
        total.invited += row.invited
        total.started += row.started
        total.submitted += row.submitted
        total.by_mode.update(row.by_mode)
    return total


def non_respondents_csv(session: Session, campaign: Campaign, actor: User | None) -> bytes:
    """Invited but not submitted, for reminders: personal data, administrators only; audited."""
    audit.record(
        session, AuditAction.EXPORT, user=actor, campaign_id=campaign.id, target="non_respondents"
    )
    header = [
        "Mã đơn vị",
        "Đơn vị",
        "Nhóm",
        "Họ và tên",
        "Chức vụ",
        "Điện thoại",
        "Email",
        "Trạng thái",
    ]
    lines = []
    for r, invitation, response in _active(session, campaign):
        if invitation is None or (response and response.status is ResponseStatus.SUBMITTED):
            continue
        state = "Đang trả lời" if response else "Chưa mở phiếu"
        lines.append(
            [
                r.unit.code,
                r.unit.name,
                r.group.value,
                r.full_name,
                r.position or "",
                r.phone or "",
                r.email or "",
                state,
            ]
        )
    return csv_bytes(header, lines)


def interviewers(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.INTERVIEWER, User.is_active)
            .order_by(User.username)
        )
    )


def assign(session: Session, campaign: Campaign, unit: Unit, interviewer: User | None) -> int:
    """Give the unit's not-yet-submitted respondents to an interviewer (None: unassign)."""
    count = 0
    for respondent, _invitation, response in _active(session, campaign):
        if respondent.unit_id != unit.id:
            continue
        if response is not None and response.status is ResponseStatus.SUBMITTED:
            continue
        respondent.interviewer_id = interviewer.id if interviewer else None
        count += 1
    session.flush()
    return count

"""Fieldwork: who was invited, who started, who submitted, by mode; reminders and assignment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    """Counts for one unit and group. People count once whatever they rate: ``submitted``
    have sent every form (one per rated unit), ``started`` some; ``forms`` and
    ``forms_submitted`` count the forms themselves, ``by_mode`` the submitted forms."""

    unit: Unit
    group: str
    respondents: int = 0
    invited: int = 0
    started: int = 0
    submitted: int = 0
    forms: int = 0
    forms_submitted: int = 0
    by_mode: Counter[Mode] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Submitted ÷ active respondents (0 when none)."""
        return self.submitted / self.respondents if self.respondents else 0.0

    def add(self, links: list[tuple[Invitation | None, Response | None]]) -> None:
        """Count one person from their invitations and responses."""
        forms = [(i, r) for i, r in links if i is not None]
        done = [r for _, r in forms if r is not None and r.status is ResponseStatus.SUBMITTED]
        self.respondents += 1
        self.invited += bool(forms)
        self.forms += len(forms)
        self.forms_submitted += len(done)
        self.by_mode.update(r.mode for r in done)
        if forms and len(done) == len(forms):
            self.submitted += 1
        elif done or any(r is not None for _, r in forms):
            self.started += 1


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
    people: dict[int, tuple[Respondent, list[tuple[Invitation | None, Response | None]]]] = {}
    for respondent, invitation, response in _active(session, campaign):
        people.setdefault(respondent.id, (respondent, []))[1].append((invitation, response))
    rows: dict[tuple[int, str], ProgressRow] = {}
    for respondent, links in people.values():
        key = (respondent.unit_id, respondent.group)
        rows.setdefault(key, ProgressRow(respondent.unit, respondent.group)).add(links)
    return sorted(rows.values(), key=lambda r: (r.unit.code, r.group))


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
        total.forms += row.forms
        total.forms_submitted += row.forms_submitted
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
        "Phiếu đánh giá",
        "Trạng thái",
    ]
    lines = []
    rated = {
        u.id: u.name for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    for r, invitation, response in _active(session, campaign):
        if invitation is None or (response and response.status is ResponseStatus.SUBMITTED):
            continue
        state = "Đang trả lời" if response else "Chưa mở phiếu"
        lines.append(
            [
                r.unit.code,
                r.unit.name,
                r.group,
                r.full_name,
                r.position or "",
                r.phone or "",
                r.email or "",
                rated.get(invitation.rated_unit_id, ""),
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
    pending: dict[int, Respondent] = {}
    for respondent, invitation, response in _active(session, campaign):
        if respondent.unit_id != unit.id:
            continue
        if (
            invitation is None
            or response is None
            or response.status is not ResponseStatus.SUBMITTED
        ):
            pending[respondent.id] = respondent
    for respondent in pending.values():
        respondent.interviewer_id = interviewer.id if interviewer else None
        count += 1
    session.flush()
    return count

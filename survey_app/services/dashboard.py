"""Counts for the home page, limited to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import ResponseStatus, Role
from survey_app.persistence.models import (
    Campaign,
    Invitation,
    Respondent,
    Response,
    Unit,
    UnitList,
    User,
)


@dataclass(frozen=True)
class Overview:
    units_by_level: dict[str, int]
    lists_received: int
    respondents: int
    invited: int
    submitted: int
    own_units: list[Unit]


def overview(session: Session, campaign: Campaign, user: User) -> Overview:
    """Campaign-wide counts; a unit officer also gets their own unit(s)."""
    rows = session.execute(
        select(Unit.level, func.count()).where(Unit.campaign_id == campaign.id).group_by(Unit.level)
    )
    by_level = {level: count for level, count in rows}
    lists = (
        session.scalar(
            select(func.count())
            .select_from(UnitList)
            .where(UnitList.campaign_id == campaign.id, UnitList.is_current)
        )
        or 0
    )
    respondents = (
        session.scalar(
            select(func.count())
            .select_from(Respondent)
            .where(Respondent.campaign_id == campaign.id)
        )
        or 0
    )
    invited = (
        session.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(Invitation.campaign_id == campaign.id)
        )
        or 0
    )
    submitted = (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .join(Invitation)
            .where(
                Invitation.campaign_id == campaign.id, Response.status == ResponseStatus.SUBMITTED
            )
        )
        or 0
    )
    own: list[Unit] = []
    if user.role is Role.UNIT_OFFICER:
        own = list(
            session.scalars(
                select(Unit).where(Unit.campaign_id == campaign.id, Unit.code == user.unit_code)
            )
        )
    return Overview(by_level, lists, respondents, invited, submitted, own)

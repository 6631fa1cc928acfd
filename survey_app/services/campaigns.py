"""Campaigns: one year's survey with its name, status and deadlines (its design is
``services/designs.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from designs import Deadlines
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction, CampaignStatus
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import Campaign, User
from survey_app.services import audit, designs, lookup


@dataclass(frozen=True)
class CampaignInput:
    """What an administrator sets on a campaign's page (the rest is its design)."""

    year: int
    name: str
    status: CampaignStatus = CampaignStatus.DRAFT
    list_deadline: dt.date | None = None
    fieldwork_opens: dt.date | None = None
    fieldwork_closes: dt.date | None = None
    allow_late_uploads: bool = False


def update_campaign(
    session: Session, campaign: Campaign, data: CampaignInput, actor: User | None
) -> Campaign:
    """Name, year, status and the deadlines (kept in the design's settings)."""
    if not data.name.strip() or not 2000 <= data.year <= 2100:
        raise ServiceError("bad_campaign")
    lock_campaign(session, campaign.id)
    session.refresh(campaign)
    campaign.year = data.year
    campaign.name = data.name.strip()[:200]
    campaign.status = data.status
    settings = designs.settings_of(campaign)
    deadlines = Deadlines(
        lists=data.list_deadline,
        fieldwork_opens=data.fieldwork_opens,
        fieldwork_closes=data.fieldwork_closes,
        late_uploads=data.allow_late_uploads,
    )
    designs.save_settings(
        session, campaign, dataclasses.replace(settings, deadlines=deadlines), actor
    )
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        target=campaign.name,
    )
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id)))


def current_campaign(session: Session) -> Campaign:
    """The open campaign of the latest year, else the latest one."""
    campaigns = list_campaigns(session)
    if not campaigns:
        raise ServiceError("no_campaign")
    open_ones = [c for c in campaigns if c.status is CampaignStatus.OPEN]
    return (open_ones or campaigns)[0]


def get_campaign(session: Session, campaign_id: int | None) -> Campaign:
    """The campaign with this id, or the current one when ``campaign_id`` is None."""
    if campaign_id is None:
        return current_campaign(session)
    campaign = lookup.campaign(session, campaign_id)
    if campaign is None:
        raise ServiceError("no_campaign")
    return campaign

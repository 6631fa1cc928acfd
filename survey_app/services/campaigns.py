"""Campaigns: one year's survey of one kind, its windows and deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import CampaignKind
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction, CampaignStatus
from survey_app.persistence.models import Campaign, User
from survey_app.services import audit, lookup


@dataclass(frozen=True)
class CampaignInput:
    """What an administrator sets on a campaign."""

    year: int
    kind: CampaignKind
    name: str
    window_from: dt.date | None = None
    window_to: dt.date | None = None
    list_deadline: dt.date | None = None
    fieldwork_opens: dt.date | None = None
    fieldwork_closes: dt.date | None = None
    allow_late_uploads: bool = False
    status: CampaignStatus = CampaignStatus.DRAFT


def create_campaign(session: Session, data: CampaignInput, actor: User | None) -> Campaign:
    campaign = Campaign()
    _apply(campaign, data)
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        AuditAction.CAMPAIGN_CREATED,
        user=actor,
        campaign_id=campaign.id,
        target=campaign.name,
        year=data.year,
        kind=data.kind.value,
    )
    return campaign


def update_campaign(
    session: Session, campaign: Campaign, data: CampaignInput, actor: User | None
) -> Campaign:
    _apply(campaign, data)
    session.flush()
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        target=campaign.name,
    )
    return campaign


def _apply(campaign: Campaign, data: CampaignInput) -> None:
    campaign.year = data.year
    campaign.kind = data.kind
    campaign.name = data.name.strip()
    campaign.window_from = data.window_from
    campaign.window_to = data.window_to
    campaign.list_deadline = data.list_deadline
    campaign.fieldwork_opens = data.fieldwork_opens
    campaign.fieldwork_closes = data.fieldwork_closes
    campaign.allow_late_uploads = data.allow_late_uploads
    campaign.status = data.status


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

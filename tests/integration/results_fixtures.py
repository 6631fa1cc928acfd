"""Submitted responses for the results tests, created through the real services.

Department leaders of S01-S04 rate their own department; S01's three leaders answer every
question "good", "fair" and "average" (shares 1, 0.6, 0.2: mean 0.6, so S01 earns 60 % of each
survey leaf). Citizens of three communes answer the SIPAS form with varied satisfaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import RespondentGroup
from survey_app.persistence.enums import Mode, RespondentStatus, SampleRole
from survey_app.persistence.models import Campaign, Invitation, Respondent, Unit
from survey_app.services import invitations, responses
from tests.support import complete_answers

SECRET_NAME = "Nguyễn Văn Bí Mật"
SECRET_PHONE = "0912345678"
SECRET_EMAIL = "bimat@example.vn"
DEPARTMENT_VARIANTS = {"S01": (0, 1, 2), "S02": (0, 0, 1), "S03": (1, 2, 3), "S04": (0, 1, 1)}
COMMUNE_VARIANTS = {"H01.01": (3, 4, 3, 4, 4, 3, 2, 4, 3, 4, 3, 4),
                    "H01.02": (3, 2, 3, 4, 2, 3, 1, 3, 4, 3, 3),
                    "H02.01": (4, 4, 3, 4, 3, 4, 4, 3, 4, 3, 4, 4)}


@dataclass(frozen=True)
class Seeded:
    campaign_id: int
    responses: int


def _respondent(session: Session, campaign_id: int, unit: Unit, group: RespondentGroup,
                number: int, weight: float = 1.0) -> Respondent:
    respondent = Respondent(
        campaign_id=campaign_id, unit_id=unit.id, group=group, sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE, stratum="Hộ tịch" if group is RespondentGroup.CITIZEN
        else "", weight=weight, full_name=SECRET_NAME if number == 0 else f"Người thứ {number}",
        phone=SECRET_PHONE if number == 0 else None, email=SECRET_EMAIL if number == 0 else None)
    session.add(respondent)
    session.flush()
    return respondent


def _submit(session: Session, campaign: Campaign, respondent: Respondent, variant: int,
            mode: Mode = Mode.WEB) -> None:
    invitations.issue(session, campaign, None, [respondent.id])
    invitation = session.scalar(select(Invitation).where(
        Invitation.respondent_id == respondent.id))
    assert invitation is not None
    answers = complete_answers(responses.instrument_of(invitation), variant)
    result = responses.submit(session, invitation, answers, f"k-{respondent.id}", mode=mode)
    assert result.outcome is responses.SubmitOutcome.ACCEPTED, result


def seed_results(session: Session, campaign_id: int) -> Seeded:
    """Leaders of four departments and citizens of three communes, all submitted."""
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.fieldwork_opens = dt.date.today() - dt.timedelta(days=1)
    units = {u.code: u for u in session.scalars(select(Unit).where(
        Unit.campaign_id == campaign_id))}
    count = 0
    for code, variants in DEPARTMENT_VARIANTS.items():
        for i, variant in enumerate(variants):
            number = 0 if (code, i) == ("S02", 0) else count + 1
            person = _respondent(session, campaign_id, units[code],
                                 RespondentGroup.DEPARTMENT_LEADER, number)
            _submit(session, campaign, person, variant)
            count += 1
    for code, variants in COMMUNE_VARIANTS.items():
        for i, variant in enumerate(variants):
            person = _respondent(session, campaign_id, units[code], RespondentGroup.CITIZEN,
                                 count + 1, weight=2.0 + (i % 3))
            _submit(session, campaign, person, variant, Mode.PAPER if i % 5 == 0 else Mode.WEB)
            count += 1
    session.commit()
    return Seeded(campaign_id, count)

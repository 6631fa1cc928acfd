"""Submitted responses for the results tests, created through the real services.

Department leaders of S01-S04 rate their own department; S01's three leaders answer every
question "good", "fair" and "average" (shares 1, 0.6, 0.2: mean 0.6, so S01 earns 60 % of each
survey leaf). Citizens of three communes answer the SIPAS form with varied satisfaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import Mode, Role
from survey_app.persistence.models import Campaign, Respondent, Unit
from tests import factories
from tests.conftest import login

SECRET_NAME = "Nguyễn Văn Bí Mật"
SECRET_PHONE = "0912345678"
SECRET_EMAIL = "bimat@example.vn"
DEPARTMENT_VARIANTS = {"S01": (0, 1, 2), "S02": (0, 0, 1), "S03": (1, 2, 3), "S04": (0, 1, 1)}
COMMUNE_VARIANTS = {
    "H01.01": (3, 4, 3, 4, 4, 3, 2, 4, 3, 4, 3, 4),
    "H01.02": (3, 2, 3, 4, 2, 3, 1, 3, 4, 3, 3),
    "H02.01": (4, 4, 3, 4, 3, 4, 4, 3, 4, 3, 4, 4),
}


@dataclass(frozen=True)
class Seeded:
    campaign_id: int
    responses: int


def results_campaign(session: Session) -> int:
    """A campaign of its own (not the demo's) with the units the results tests rate, and an
    analyst, an administrator, a unit officer and an interviewer (``factories.PASSWORD``)."""
    design = factories.rating_own_unit(factories.dated("par_province_2023"), "department_leader")
    campaign = factories.campaign(session, name="Kết quả thử nghiệm", design=design)
    factories.unit_tree(
        session,
        campaign,
        departments=list(DEPARTMENT_VARIANTS),
        communes={"H01": ["H01.01", "H01.02"], "H02": ["H02.01"]},
    )
    for role in Role:
        factories.user(session, role)
    session.commit()
    return campaign.id


def seed_results(session: Session, campaign_id: int) -> Seeded:
    """Leaders of four departments and citizens of three communes, all submitted."""
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.fieldwork_opens = dt.date.today() - dt.timedelta(days=1)
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign_id))
    }
    count = 0
    for code, variants in DEPARTMENT_VARIANTS.items():
        for i, variant in enumerate(variants):
            number = 0 if (code, i) == ("S02", 0) else count + 1
            person = _respondent(session, campaign, units[code], "department_leader", number)
            factories.submitted_response(session, campaign, person, variant=variant)
            count += 1
    for code, variants in COMMUNE_VARIANTS.items():
        for i, variant in enumerate(variants):
            person = _respondent(
                session,
                campaign,
                units[code],
                "citizen",
                count + 1,
                weight=2.0 + (i % 3),
            )
            factories.submitted_response(
                session,
                campaign,
                person,
                variant=variant,
                mode=Mode.PAPER if i % 5 == 0 else Mode.WEB,
            )
            count += 1
    session.commit()
    return Seeded(campaign_id, count)


def _respondent(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    group: str,
    number: int,
    weight: float = 1.0,
) -> Respondent:
    secret = number == 0
    return factories.respondent(
        session,
        campaign,
        unit,
        group=group,
        weight=weight,
        name=SECRET_NAME if secret else f"Người thứ {number}",
        phone=SECRET_PHONE if secret else None,
        email=SECRET_EMAIL if secret else None,
    )


def staff(app: Flask, role: Role) -> FlaskClient:
    """A test client logged in as the account :func:`results_campaign` made for ``role``."""
    return login(app.test_client(), f"tk-{role.value}", factories.PASSWORD)

"""Synthetic demo responses: submitted through the service, plausible, reproducible."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.demo.responses import seed_demo_responses
from survey_app.persistence.enums import Mode, RespondentStatus, SampleRole
from survey_app.persistence.models import Campaign, Response, Unit
from survey_app.services import designs, invitations, results
from tests import factories


def _invite_everyone(session: Session, campaign: Campaign) -> int:
    """Leaders of every department and district (rating their own unit, as in an internal
    index) and citizens of every commune, all invited."""
    design = designs.design_of(campaign)
    rated = factories.rating_own_unit(design, "department_leader", "district_leader")
    designs.save_design(session, campaign, rated, None)
    units = list(session.scalars(select(Unit).where(Unit.campaign_id == campaign.id)))
    people = 0
    for unit in units:
        group = {
            "department": "department_leader",
            "district": "district_leader",
            "commune": "citizen",
        }.get(unit.level)
        if group is None:
            continue
        for i in range(12 if group == "citizen" else 3):
            session.add(_person(campaign, unit, group, i))
            people += 1
    session.flush()
    invitations.issue(session, campaign, None)
    return people


def _person(campaign: Campaign, unit: Unit, group: str, i: int):  # type: ignore[no-untyped-def]
    from survey_app.persistence.models import Respondent

    return Respondent(
        campaign_id=campaign.id,
        unit_id=unit.id,
        group=group,
        sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE,
        weight=1.0 + i % 3,
        full_name=f"Người {unit.code} {i}",
    )


def test_seed_demo_responses_gives_plausible_varied_results(session: Session, demo: int) -> None:
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    invited = _invite_everyone(session, campaign)
    submitted = seed_demo_responses(session, campaign, np.random.default_rng(1), share=0.7)
    assert 0.6 * invited < submitted < 0.8 * invited
    again = seed_demo_responses(session, campaign, np.random.default_rng(1), share=1.0)
    assert submitted + again == invited
    modes = {r.mode for r in session.scalars(select(Response))}
    assert modes == {Mode.WEB, Mode.PAPER, Mode.PHONE}
    computed = results.compute(session, campaign)
    assert computed.sipas is not None
    province = computed.sipas["province"].overall.iloc[0]["index_pct"]
    assert 75 < province < 95
    communes = computed.sipas["commune"].overall["index_pct"]
    assert communes.std() > 2
    departments = computed.ranking[computed.ranking["peer_group"] == "department"]
    assert departments["index_pct"].nunique() > 10
    assert computed.data.meta["duration_seconds"].median() > 120

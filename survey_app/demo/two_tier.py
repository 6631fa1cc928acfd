"""The demo province after 2025 (:mod:`survey_app.demo.province2025`) running both 2025 designs.

Two campaigns of Tỉnh Minh Sơn (T91), each made from its shipped template with the year's
dates: the Ministry's provincial survey (``par_province_2025``) and the province's internal
index of agencies and communes (``internal_index_2025``). Each gets the registry, every unit's
lists (CSV and Excel as officers send them, a few rows that must be excluded), a drawn sample,
links issued by a job and synthetic answers, all through the services a user goes through.
The internal index also gets its self-assessment under way (:mod:`survey_app.demo.assessment`:
reports at every stage, evidence files, the ``thamdinh`` appraiser); the Ministry's campaign is
left without one, for the administrator to open. Loaded by ``survey-app demo`` (``make run``),
once: a campaign found is neither loaded nor seeded again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import designs
from survey_app.config import Settings
from survey_app.demo import appraisal
from survey_app.demo import assessment as demo_assessment
from survey_app.demo import province2025 as province
from survey_app.demo import responses as demo_responses
from survey_app.demo.lists import (
    CITIZEN_HEADER,
    GENERATED,
    LEADER_HEADER,
    csv_file,
    xlsx_file,
)
from survey_app.demo.load import ensure_accounts, registry_csv
from survey_app.persistence.enums import CampaignStatus, JobKind
from survey_app.persistence.models import Campaign
from survey_app.sealing import LinkSealer
from survey_app.services import designs as designs_service
from survey_app.services import draws, invitations, jobs, lists, registry

SEED = 20250701
CAMPAIGNS = (
    ("par_province_2025", "Điều tra Chỉ số CCHC cấp tỉnh 2026 — Tỉnh Minh Sơn (hai cấp)", 0.6),
    ("internal_index_2025", "Chỉ số CCHC các sở, ban, ngành và xã, phường 2026 — Minh Sơn", 0.3),
)
"""Template, campaign name and the share of forms answered by the synthetic respondents."""
ASSESSED = "internal_index_2025"
"""The campaign whose self-assessment the demo opens and plays (never the Ministry's)."""


@dataclass(frozen=True)
class Loaded:
    campaign_id: int
    name: str
    forms: int
    answered: int


def ensure_two_tier(
    session: Session, *, sealer: LinkSealer | None = None, evidence_root: Path | None = None
) -> list[Loaded]:
    """Load the two 2025 campaigns unless they exist; return what was loaded or found.

    ``evidence_root`` is where the self-assessment's evidence files go; by default the
    running app's ``Settings.evidence_root`` (see ``_evidence_root``)."""
    found = []
    for template, name, share in CAMPAIGNS:
        existing = session.scalar(select(Campaign).where(Campaign.name == name))
        if existing is not None:
            found.append(Loaded(existing.id, name, 0, 0))
            continue
        root = _evidence_root(evidence_root) if template == ASSESSED else None
        found.append(_load(session, template, name, share, sealer, root))
    return found


def _evidence_root(given: Path | None) -> Path:
    """The evidence folder given, else the running application's, else the one an
    application made now would use (``Settings`` read from the environment, as
    ``create_app`` reads it: ``SURVEY_EVIDENCE_DIR`` or ``instance/evidence``)."""
    if given is not None:
        return given
    from flask import current_app, has_app_context

    settings = current_app.config["SETTINGS"] if has_app_context() else Settings.from_env()
    root: Path = settings.evidence_root
    return root


def _design(template: str, year: int) -> designs.CampaignDesign:
    """The template with this year's dates: transactions 1/7 of last year to 15/10 (the new
    communes began on 1 July 2025), lists due, fieldwork around today."""
    window = designs.Window(dt.date(year - 1, 7, 1), dt.date(year, 10, 15))
    today = dt.date.today()
    deadlines = designs.Deadlines(
        lists=today + dt.timedelta(days=60),
        fieldwork_opens=today - dt.timedelta(days=7),
        fieldwork_closes=today + dt.timedelta(days=60),
    )
    return designs.dated(designs_service.template(template), window=window, deadlines=deadlines)


def _load(
    session: Session,
    template: str,
    name: str,
    share: float,
    sealer: LinkSealer | None,
    evidence_root: Path | None,
) -> Loaded:
    rng = np.random.default_rng(SEED)
    year = dt.date.today().year
    design = _design(template, year)
    campaign = designs_service.create_campaign(
        session, design, year=year, name=name, actor=None, status=CampaignStatus.OPEN
    )
    units = province.units(rng)
    levels = {lv.code for lv in design.levels}
    transactions = {
        g.submitted_by for g in design.groups if g.list.kind is designs.ListKind.TRANSACTIONS
    }
    kept = [
        u if u.level in transactions else dataclasses.replace(u, procedure_fields=())
        for u in units
        if u.level in levels
    ]
    registry.import_units(session, campaign, "don_vi_2025.csv", registry_csv(kept), None)
    session.refresh(campaign)
    by_code = {u.code: u for u in kept}
    for index, unit in enumerate(sorted(campaign.units, key=lambda u: u.code)):
        for group in lists.required_groups(campaign, unit):
            spec = design.group(group)
            filename, data = _list_file(rng, by_code[unit.code], spec, index)
            lists.upload(session, campaign, unit, group, filename, data, None, limits=GENERATED)
    draws.run(session, campaign, SEED, None)
    job, _ = jobs.start(session, campaign.id, JobKind.ISSUE_INVITATIONS, None)
    issued = invitations.issue(session, campaign, None, sealer=sealer, job_id=job.id)
    jobs.complete(session, job, len(issued))
    answered = demo_responses.seed_demo_responses(session, campaign, rng, share=share)
    appraisal.seed(session, campaign, rng)
    if evidence_root is not None:
        logins = ensure_accounts(session)
        demo_assessment.seed_assessment(
            session,
            campaign,
            np.random.default_rng(demo_assessment.SEED),
            logins["admin"],
            logins["thamdinh"],
            evidence_root=evidence_root,
            officers={demo_assessment.DRAFTING_AGENCY: logins["sonoivu-2025"]},
        )
    return Loaded(campaign.id, name, len(issued), answered)


def _list_file(
    rng: np.random.Generator, unit: province.Unit2025, group: designs.Group, index: int
) -> tuple[str, bytes]:
    """A unit's list for a group: citizens who transacted at its one-stop shop, or the
    council's deputies, or the unit's leaders; every third file in Excel."""
    if group.list.kind is designs.ListKind.TRANSACTIONS:
        people = province.citizens(rng, unit, int(rng.integers(36, 45)), _window(group))
        header: tuple[str, ...] = CITIZEN_HEADER
        rows: list[tuple[object, ...]] = [
            (
                i,
                p.full_name,
                p.address,
                p.phone,
                p.field,
                f"Thủ tục {(p.field or '').lower()}",
                p.application_date.strftime("%d/%m/%Y") if p.application_date else "",
                p.result_date.strftime("%d/%m/%Y") if p.result_date else "",
            )
            for i, p in enumerate(people, start=1)
        ]
    else:
        people = province.delegates(rng) if not unit.parent_code else province.leaders(rng, unit)
        header = LEADER_HEADER
        rows = [
            (i, p.full_name, p.position, unit.name, p.phone, "")
            for i, p in enumerate(people, start=1)
        ]
    if index % 3 == 1:
        return f"{unit.code}.xlsx", xlsx_file(f"DANH SÁCH {group.name.vi.upper()}", header, rows)
    return f"{unit.code}.csv", csv_file(header, rows)


def _window(group: designs.Group) -> tuple[dt.date, dt.date]:
    assert group.window is not None
    return group.window.start, group.window.end

"""A campaign's design and settings: the one place they are read from and written to.

Everything else asks :func:`design_of` (levels, groups, who rates whom) or :func:`settings_of`
(deadlines, sampling, entry, analysis). A design is checked by the ``designs`` library against
the questionnaires and criteria trees that exist, and against the campaign's data (a level with
units or a group with lists cannot be removed), under the campaign's lock; the stored document
and the level, group and evaluation rows are written together.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import designs
from designs import CampaignDesign, CampaignSettings, DesignInvalid, Problem
from questionnaires import builtin_instruments
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction, CampaignStatus
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import (
    Campaign,
    CampaignEvaluation,
    CampaignGroup,
    CampaignLevel,
    Invitation,
    Respondent,
    Unit,
    UnitList,
    User,
)
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.services import audit

DEFAULT_TREE = "province_2022"
KIND_TREES = {"commune_index": "commune_2021"}


class DesignRefused(ServiceError):
    """A design with problems: each with its path, listed in Vietnamese or English."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("design_invalid", count=len(problems))
        self.problems = problems

    def lines(self, locale: str = "vi") -> list[str]:
        """One line per problem: its path and its message."""
        from survey_app.catalogue import design_problem

        return [design_problem(p, locale) for p in self.problems]


def known(session: Session | None = None) -> dict[str, set[str]]:
    """The questionnaire and criteria tree codes a design may name: the shipped ones and,
    with a session, every questionnaire an administrator has published."""
    from survey_app.services import criteria_trees

    questionnaires = set(builtin_instruments())
    if session is not None:
        questionnaires |= set(session.scalars(select(InstrumentRow.code).distinct()))
    return {
        "questionnaires": questionnaires,
        "criteria_trees": set(criteria_trees.available(session)),
    }


def read_document(text: str | bytes, session: Session | None = None) -> CampaignDesign:
    """A design from YAML text, checked against what exists; DesignRefused otherwise."""
    try:
        return designs.load_yaml(text, **known(session))
    except DesignInvalid as exc:
        raise DesignRefused(exc.problems) from exc


def checked(design: CampaignDesign, session: Session | None = None) -> CampaignDesign:
    """The design again, checked against the questionnaires and trees that exist."""
    try:
        return designs.parse_design(designs.to_json(design), **known(session))
    except DesignInvalid as exc:
        raise DesignRefused(exc.problems) from exc


def template(code: str) -> CampaignDesign:
    """A shipped template, checked; ``unknown_template`` for another code."""
    if code not in designs.template_codes():
        raise ServiceError("unknown_template", code=code)
    return checked(designs.template(code))


def design_of(campaign: Campaign) -> CampaignDesign:
    """The campaign's design as stored: parsed once per loaded document (pages ask for it in
    every table cell that names a group or level), and once per distinct content across
    requests."""
    document = campaign.design
    known = _LOADED.get(campaign)
    if known is not None and known[0] is document:
        return known[1]
    design = _parsed(json.dumps(document, sort_keys=True, ensure_ascii=False))
    _LOADED[campaign] = (document, design)
    return design


_LOADED: WeakKeyDictionary[Campaign, tuple[object, CampaignDesign]] = WeakKeyDictionary()
"""The parsed design of each campaign object in memory, with the document it came from (a
new document — saved, refreshed, loaded in another request — is parsed again)."""


def settings_of(campaign: Campaign) -> CampaignSettings:
    """The campaign's settings (deadlines, sampling, entry, analysis)."""
    return design_of(campaign).settings


def criteria_tree_name(campaign: Campaign, level: str | None = None) -> str:
    """The criteria tree for the campaign's rated units (of ``level`` when given)."""
    design = design_of(campaign)
    default = KIND_TREES.get(design.kind or "", DEFAULT_TREE)
    analysis = design.settings.analysis
    return analysis.tree_of(level, default) if level else analysis.criteria_tree or default


@lru_cache(maxsize=128)
def _parsed(document: str) -> CampaignDesign:
    try:
        return designs.parse_design(json.loads(document))
    except DesignInvalid as exc:  # written by hand into the database, or by a bug
        raise ServiceError("stored_design_invalid", count=len(exc.problems)) from exc


def create_campaign(
    session: Session,
    design: CampaignDesign,
    *,
    year: int,
    name: str,
    actor: User | None,
    status: CampaignStatus = CampaignStatus.DRAFT,
) -> Campaign:
    """A new campaign with this design (checked first; nothing is created when it fails)."""
    design = checked(design, session)
    name = name.strip()[:200]
    if not name or not 2000 <= year <= 2100:
        raise ServiceError("bad_campaign")
    exists = session.scalar(
        select(func.count())
        .select_from(Campaign)
        .where(Campaign.year == year, Campaign.name == name, Campaign.kind == _kind(design))
    )
    if exists:
        raise ServiceError("campaign_exists", name=name, year=year)
    campaign = Campaign(year=year, name=name, kind=_kind(design), status=status, design={})
    try:
        with session.begin_nested():  # a double submit loses to the first, with a message
            session.add(campaign)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError("campaign_exists", name=name, year=year) from exc
    _write(session, campaign, design)
    audit.record(
        session,
        AuditAction.CAMPAIGN_CREATED,
        user=actor,
        campaign_id=campaign.id,
        target=campaign.name,
        year=year,
        template=design.template or "",
    )
    return campaign


def save_design(
    session: Session, campaign: Campaign, design: CampaignDesign, actor: User | None
) -> CampaignDesign:
    """Replace the campaign's design, under its lock: refused (DesignRefused) when it names an
    unknown questionnaire or tree, or drops a level or group the campaign's data uses."""
    design = checked(design, session)
    lock_campaign(session, campaign.id)
    session.refresh(campaign)
    problems = _conflicts(session, campaign, design)
    if problems:
        raise DesignRefused(tuple(problems))
    previous = dict(campaign.design)
    _write(session, campaign, design)
    audit.record(  # the design it replaced is kept, so an earlier result can be recomputed
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        target="design",
        groups=len(design.groups),
        evaluations=len(design.evaluations),
        previous=previous,
    )
    return design


def save_settings(
    session: Session, campaign: Campaign, settings: CampaignSettings, actor: User | None
) -> CampaignSettings:
    """Replace the campaign's settings, keeping its design (read again under the lock)."""
    lock_campaign(session, campaign.id)
    session.refresh(campaign)
    design = dataclasses.replace(design_of(campaign), settings=settings)
    save_design(session, campaign, design, actor)
    return settings


def _kind(design: CampaignDesign) -> str:
    return design.kind or "custom"


def _conflicts(session: Session, campaign: Campaign, design: CampaignDesign) -> list[Problem]:
    """Levels with units and groups with lists or respondents the new design lacks; once
    invitations exist, any change to the groups' shape or to who rates whom."""
    problems = []
    used_levels = session.scalars(
        select(Unit.level).where(Unit.campaign_id == campaign.id).distinct()
    )
    for level in sorted(set(used_levels)):
        if not design.has_level(level):
            problems.append(Problem("levels", "level_in_use", (("code", level),)))
    issued = session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.campaign_id == campaign.id)
    )
    if issued:
        current = design_of(campaign)
        shape = [(g.code, g.submitted_by, g.selection, g.list.kind) for g in current.groups]
        new_shape = [(g.code, g.submitted_by, g.selection, g.list.kind) for g in design.groups]
        if shape != new_shape:
            problems.append(Problem("groups", "design_in_use"))
        if current.evaluations != design.evaluations:
            problems.append(Problem("evaluations", "design_in_use"))
    used_groups = set(
        session.scalars(select(UnitList.group).where(UnitList.campaign_id == campaign.id))
    ) | set(session.scalars(select(Respondent.group).where(Respondent.campaign_id == campaign.id)))
    for group in sorted(used_groups):
        if not design.has_group(group):
            problems.append(Problem("groups", "group_in_use", (("code", group),)))
    return problems


def _write(session: Session, campaign: Campaign, design: CampaignDesign) -> None:
    """Store the document and rewrite the rows in foreign-key order: new levels first, then
    the groups, then levels no longer used; rows still named by units and lists are updated
    in place, never deleted (``_conflicts`` refused a design that drops them)."""
    campaign.design = designs.to_json(design)
    campaign.kind = _kind(design)
    campaign.fieldwork_opens = design.settings.deadlines.fieldwork_opens
    campaign.fieldwork_closes = design.settings.deadlines.fieldwork_closes
    pinned = {
        (group, questionnaire): instrument_id
        for group, questionnaire, instrument_id in session.execute(
            select(
                CampaignEvaluation.group_code,
                CampaignEvaluation.questionnaire,
                CampaignEvaluation.instrument_id,
            ).where(CampaignEvaluation.campaign_id == campaign.id)
        )
        if instrument_id is not None
    }
    session.execute(delete(CampaignEvaluation).where(CampaignEvaluation.campaign_id == campaign.id))
    levels = [_level_row(i, lv) for i, lv in enumerate(design.levels)]
    groups = [_group_row(i, g) for i, g in enumerate(design.groups)]
    _upsert(session, CampaignLevel, campaign.id, levels)
    _upsert(session, CampaignGroup, campaign.id, groups)
    _prune(session, CampaignGroup, campaign.id, {g["code"] for g in groups})
    _prune(session, CampaignLevel, campaign.id, {lv["code"] for lv in levels})
    for i, line in enumerate(design.evaluations):
        session.add(
            CampaignEvaluation(
                campaign_id=campaign.id,
                group_code=line.group,
                rates=line.rates.value,
                level_code=line.level,
                within_code=line.within,
                questionnaire=line.questionnaire,
                position=i,
                instrument_id=pinned.get((line.group, line.questionnaire)),
            )
        )
    session.flush()


def _level_row(position: int, level: designs.Level) -> dict[str, Any]:
    return {
        "code": level.code,
        "name_vi": level.name.vi,
        "name_en": level.name.en,
        "parent_code": level.parent,
        "ranked": level.ranked,
        "position": position,
    }


def _group_row(position: int, group: designs.Group) -> dict[str, Any]:
    return {
        "code": group.code,
        "name_vi": group.name.vi,
        "name_en": group.name.en,
        "submitted_by": group.submitted_by,
        "rule": group.selection.rule.value,
        "position": position,
    }


RowModel = TypeVar("RowModel", CampaignLevel, CampaignGroup)


def _upsert(
    session: Session, model: type[RowModel], campaign_id: int, rows: list[dict[str, Any]]
) -> None:
    """Add or update the campaign's rows of ``model`` to match ``rows`` (by code)."""
    existing = {
        r.code: r for r in session.scalars(select(model).where(model.campaign_id == campaign_id))
    }
    for values in rows:
        row = existing.get(values["code"])
        if row is None:
            session.add(model(campaign_id=campaign_id, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
    session.flush()


def _prune(session: Session, model: type[RowModel], campaign_id: int, keep: set[str]) -> None:
    """Delete the campaign's rows of ``model`` whose code is not in ``keep``."""
    for row in list(session.scalars(select(model).where(model.campaign_id == campaign_id))):
        if row.code not in keep:
            session.delete(row)
    session.flush()

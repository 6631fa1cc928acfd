"""Self-assessment and appraisal of a campaign's rated units (DOMAIN.md §12): opening it,
who may see and do what, one unit's report as it stands, the progress board.

The steps that change scores are in :mod:`assessment_scoring` (the unit's own scores,
evidence, submission, explanations) and :mod:`assessment_appraisal` (the appraisers' rounds,
the council's approval, publication). The rules themselves are ``domain.assessment``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from domain.assessment import ScoreChangeKind, Window, scorer_of
from questionnaires import CriteriaTree, Method
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AssessmentStatus, AuditAction, Role, UnitStage
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import (
    AppraiserAssignment,
    Assessment,
    AssessmentDeadline,
    AssessmentScore,
    Campaign,
    EvidenceFile,
    ExplanationRequest,
    LeadAssignment,
    ScoreChange,
    Unit,
    UnitAssessment,
    User,
)
from survey_app.persistence.queries import assessment as q
from survey_app.services import audit
from survey_app.services.appraisal import campaign_tree, indexed_units
from survey_app.services.designs import design_of
from survey_app.services.export_labels import vietnam_today as vietnam_today  # deadlines


@dataclass(frozen=True)
class OpenSpec:
    """What the administrator opens a self-assessment with."""

    deadlines: Mapping[str, dt.date]
    """The day the units of each indexed level submit by."""
    explain_from: dt.date | None = None
    explain_until: dt.date | None = None
    document_number: str = ""


def of_campaign(session: Session, campaign: Campaign) -> Assessment | None:
    """The campaign's self-assessment, if opened."""
    return session.scalar(select(Assessment).where(Assessment.campaign_id == campaign.id))


def levels_to_open(session: Session, campaign: Campaign) -> list[tuple[str, str, int]]:
    """Indexed levels with units and appraisal sub-criteria: (code, name, units)."""
    design = design_of(campaign)
    counts: dict[str, int] = defaultdict(int)
    for unit in indexed_units(session, campaign):
        counts[unit.level] += 1
    found = []
    for code in design.indexed_levels():
        if not counts.get(code):
            continue
        tree = campaign_tree(session, campaign, code)
        if any(r.method is Method.APPRAISAL for r in tree.flatten()):
            found.append((code, design.level(code).name.vi, counts[code]))
    return found


def open_assessment(
    session: Session, campaign: Campaign, spec: OpenSpec, actor: User | None
) -> Assessment:
    """Open the self-assessment for every indexed unit with appraisal sub-criteria: one
    report per unit on its level's tree, every sub-criterion empty. ``assessment_exists``
    when the campaign has one (the database's unique campaign decides between two at once)."""
    levels = {code for code, _name, _count in levels_to_open(session, campaign)}
    if not levels:
        raise ServiceError("assessment_nothing_to_score")
    missing = sorted(levels - set(spec.deadlines))
    if missing:
        names = ", ".join(design_of(campaign).level(code).name.vi for code in missing)
        raise ServiceError("assessment_deadline_missing", levels=names)
    if spec.explain_until is None:
        raise ServiceError("assessment_explain_needed")
    if spec.explain_from and spec.explain_from > spec.explain_until:
        raise ServiceError("assessment_window_order")
    lock_campaign(session, campaign.id)  # first: the transaction holds its lock from here
    assessment = Assessment(
        campaign_id=campaign.id,
        explain_from=spec.explain_from,
        explain_until=spec.explain_until,
        document_number=spec.document_number.strip()[:80],
        opened_by_id=actor.id if actor else None,
    )
    try:
        with session.begin_nested():
            session.add(assessment)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError("assessment_exists") from exc
    for level in sorted(levels):
        session.add(
            AssessmentDeadline(assessment_id=assessment.id, level=level, due=spec.deadlines[level])
        )
    units = [u for u in indexed_units(session, campaign) if u.level in levels]
    for unit in units:
        _open_unit(session, campaign, assessment, unit)
    audit.record(
        session,
        AuditAction.ASSESSMENT_OPENED,
        user=actor,
        campaign_id=campaign.id,
        target=str(assessment.id),
        units=len(units),
        deadlines={k: v.isoformat() for k, v in sorted(spec.deadlines.items()) if k in levels},
    )
    return assessment


def _open_unit(session: Session, campaign: Campaign, assessment: Assessment, unit: Unit) -> None:
    tree = campaign_tree(session, campaign, unit.level)
    report = UnitAssessment(assessment_id=assessment.id, unit_id=unit.id, tree_code=tree.code)
    session.add(report)
    session.flush()
    leaves = [r for r in tree.flatten() if r.method is Method.APPRAISAL]
    session.execute(
        insert(AssessmentScore),
        [
            {
                "unit_assessment_id": report.id,
                "sub_criterion": leaf.code,
                "position": i,
                "max_points": leaf.max_points,
                "applicable": True,
                "explanation": "",
                "comment": "",
                "version": 1,
            }
            for i, leaf in enumerate(leaves)
        ],
    )


# --- who sees and does what --------------------------------------------------------------


def leads_of(session: Session, report: UnitAssessment) -> dict[str, str]:
    """The lead departments of a report: node code → scorer unit code."""
    rows = session.execute(
        select(LeadAssignment.node_code, LeadAssignment.scorer_code).where(
            LeadAssignment.unit_assessment_id == report.id
        )
    ).all()
    return dict(rows)


def appraisers_of(session: Session, report: UnitAssessment) -> dict[int, set[str]]:
    """The appraisers of a report: user id → fields ("" for the whole report)."""
    found: dict[int, set[str]] = defaultdict(set)
    for user_id, field_code in session.execute(
        select(AppraiserAssignment.user_id, AppraiserAssignment.field_code).where(
            AppraiserAssignment.unit_assessment_id == report.id
        )
    ):
        found[user_id].add(field_code)
    return dict(found)


def self_scorable(user: User, report: UnitAssessment, leads: Mapping[str, str], code: str) -> bool:
    """The user may enter the unit's own score of this sub-criterion: the lead department
    assigned it, else the unit's own officer."""
    if user.role is not Role.UNIT_OFFICER or not user.unit_code:
        return False
    scorer = scorer_of(code, leads)
    return user.unit_code == (scorer or report.unit.code)


def appraisable_by(user: User, fields: set[str] | None, code: str) -> bool:
    """The user may appraise this sub-criterion: administrators (the Sở Nội vụ) always, an
    appraiser assigned the whole report or the field it is in."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.APPRAISER or fields is None:
        return False
    return "" in fields or code.split(".")[0] in fields


def can_view(session: Session, user: User, report: UnitAssessment) -> bool:
    """Administrators see every report; a unit officer their unit's and those they score
    as lead department; an appraiser those assigned."""
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.UNIT_OFFICER:
        return (
            user.unit_code == report.unit.code
            or user.unit_code in leads_of(session, report).values()
        )
    if user.role is Role.APPRAISER:
        return user.id in appraisers_of(session, report)
    return False


def report_for(session: Session, report_id: int, user: User) -> UnitAssessment:
    """The report, if the user may see it (``not_found`` otherwise: another unit's report is
    never confirmed to exist)."""
    report = session.get(UnitAssessment, report_id)
    if report is None or not can_view(session, user, report):
        raise ServiceError("not_found")
    return report


def windows_of(session: Session, reports: Sequence[UnitAssessment]) -> dict[int, Window]:
    """:func:`window_of` for many reports in two statements (an appraiser's list)."""
    ids = {r.assessment_id for r in reports}
    found = {a.id: a for a in session.scalars(select(Assessment).where(Assessment.id.in_(ids)))}
    due = {
        (d.assessment_id, d.level): d.due
        for d in session.scalars(
            select(AssessmentDeadline).where(AssessmentDeadline.assessment_id.in_(ids))
        )
    }
    windows = {}
    for r in reports:
        if r.stage in (UnitStage.EXPLANATION_REQUESTED, UnitStage.EXPLAINED):
            windows[r.id] = Window(found[r.assessment_id].explain_until, r.reopened_until)
        else:
            windows[r.id] = Window(due.get((r.assessment_id, r.unit.level)), r.reopened_until)
    return windows


def explanation_window(session: Session, report: UnitAssessment) -> Window:
    """The days a unit may answer requests for explanation: the campaign's window, or the
    administrator's reopening of the report when later."""
    assessment = session.get_one(Assessment, report.assessment_id)
    return Window(assessment.explain_until, report.reopened_until)


def window_of(session: Session, report: UnitAssessment) -> Window:
    """The report's window as it stands: the self-assessment deadline of the unit's level
    before submission, the explanation window when explanations are asked for."""
    assessment = session.get_one(Assessment, report.assessment_id)
    if report.stage in (UnitStage.EXPLANATION_REQUESTED, UnitStage.EXPLAINED):
        return Window(assessment.explain_until, report.reopened_until)
    due = session.scalar(
        select(AssessmentDeadline.due).where(
            AssessmentDeadline.assessment_id == report.assessment_id,
            AssessmentDeadline.level == report.unit.level,
        )
    )
    return Window(due, report.reopened_until)


# --- one report as it stands ---------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceView:
    id: int
    filename: str
    kind: str
    size: int
    round: int
    uploaded_at: dt.datetime


@dataclass(frozen=True)
class RequestView:
    id: int
    round: int
    request: str
    requested_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class LeafView:
    """One appraisal sub-criterion of a report, as it stands."""

    score_id: int
    code: str
    title: str
    max_points: float
    applicable: bool
    self_points: float | None
    explanation: str
    appraised_points: float | None
    comment: str
    appraised_round: int | None
    version: int
    scorer: str | None
    evidence: tuple[EvidenceView, ...] = ()
    requests: tuple[RequestView, ...] = ()

    @property
    def open_request(self) -> RequestView | None:
        return next((r for r in self.requests if r.answered_at is None), None)


@dataclass(frozen=True)
class NodeRow:
    """A line of the report's table: a field, a criterion or a sub-criterion, with the totals
    of what is under it (survey and SIPAS leaves are shown, not scored here)."""

    code: str
    title: str
    depth: int
    max_points: float
    method: Method | None
    leaf: LeafView | None
    self_total: float
    appraised_total: float | None


@dataclass(frozen=True)
class ReportView:
    """A unit's report: what the pages and the printed report show."""

    id: int
    unit_code: str
    unit_name: str
    level: str
    stage: UnitStage
    round: int
    status: AssessmentStatus
    window: Window
    submitted_at: dt.datetime | None
    submitted_late: bool
    reminders: int
    reminded_at: dt.datetime | None
    tree: CriteriaTree
    leaves: tuple[LeafView, ...]
    rows: tuple[NodeRow, ...]
    leads: Mapping[str, str] = field(default_factory=dict)
    lead_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def self_total(self) -> float:
        return round(sum(x.self_points or 0 for x in self.leaves if x.applicable), 2)

    @property
    def appraised_total(self) -> float | None:
        if not any(x.appraised_points is not None for x in self.leaves):
            return None
        return round(sum(x.appraised_points or 0 for x in self.leaves if x.applicable), 2)

    @property
    def max_points(self) -> float:
        return round(sum(x.max_points for x in self.leaves if x.applicable), 2)

    def open_requests(self) -> list[LeafView]:
        return [x for x in self.leaves if x.open_request is not None]


def report_view(session: Session, report: UnitAssessment, tree: CriteriaTree) -> ReportView:
    """Everything about one report, read in four statements."""
    scores = session.scalars(
        select(AssessmentScore)
        .where(AssessmentScore.unit_assessment_id == report.id)
        .order_by(AssessmentScore.position)
    ).all()
    ids = [s.id for s in scores]
    evidence: dict[int, list[EvidenceView]] = defaultdict(list)
    for row in session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.score_id.in_(ids), EvidenceFile.withdrawn_at.is_(None))
        .order_by(EvidenceFile.id)
    ):
        evidence[row.score_id].append(
            EvidenceView(row.id, row.filename, row.kind.value, row.size, row.round, row.uploaded_at)
        )
    requests: dict[int, list[RequestView]] = defaultdict(list)
    for req in session.scalars(
        select(ExplanationRequest)
        .where(ExplanationRequest.score_id.in_(ids))
        .order_by(ExplanationRequest.id)
    ):
        requests[req.score_id].append(
            RequestView(
                req.id, req.round, req.request, req.requested_at, req.answer, req.answered_at
            )
        )
    leads = leads_of(session, report)
    titles = tree.titles()
    leaves = tuple(
        LeafView(
            s.id,
            s.sub_criterion,
            titles[s.sub_criterion].vi if s.sub_criterion in titles else s.sub_criterion,
            s.max_points,
            s.applicable,
            s.self_points,
            s.explanation,
            s.appraised_points,
            s.comment,
            s.appraised_round,
            s.version,
            scorer_of(s.sub_criterion, leads),
            tuple(evidence[s.id]),
            tuple(requests[s.id]),
        )
        for s in scores
    )
    status = session.scalars(
        select(Assessment.status).where(Assessment.id == report.assessment_id)
    ).one()
    lead_names = dict(
        session.execute(
            select(Unit.code, Unit.name).where(
                Unit.campaign_id == report.unit.campaign_id, Unit.code.in_(set(leads.values()))
            )
        ).all()
    )
    return ReportView(
        report.id,
        report.unit.code,
        report.unit.name,
        report.unit.level,
        report.stage,
        report.round,
        AssessmentStatus(status),
        window_of(session, report),
        report.submitted_at,
        report.submitted_late,
        report.reminders,
        report.reminded_at,
        tree,
        leaves,
        tuple(tree_rows(tree, {x.code: x for x in leaves})),
        leads,
        lead_names,
    )


def tree_rows(tree: CriteriaTree, leaves: Mapping[str, LeafView]) -> list[NodeRow]:
    """The tree's lines in order with each node's totals of its scored leaves."""
    rows: list[NodeRow] = []

    def walk(node: object, depth: int) -> tuple[float, float | None]:
        from questionnaires.criteria import CriterionNode

        assert isinstance(node, CriterionNode)
        at = len(rows)
        rows.append(
            NodeRow(node.code, node.title.vi, depth, node.max_points, node.method, None, 0, None)
        )
        leaf = leaves.get(node.code)
        if not node.children:
            own = leaf.self_points or 0 if leaf and leaf.applicable else 0.0
            appraised = leaf.appraised_points if leaf and leaf.applicable else None
            rows[at] = NodeRow(
                node.code, node.title.vi, depth, node.max_points, node.method, leaf, own, appraised
            )
            return own, appraised
        totals = [walk(child, depth + 1) for child in node.children]
        own_sum = round(sum(t[0] for t in totals), 2)
        appraised_values = [t[1] for t in totals if t[1] is not None]
        appraised_sum = round(sum(appraised_values), 2) if appraised_values else None
        rows[at] = NodeRow(
            node.code, node.title.vi, depth, node.max_points, None, None, own_sum, appraised_sum
        )
        return own_sum, appraised_sum

    for fld in tree.fields:
        walk(fld, 0)
    return rows


# --- the progress board --------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    id: int
    unit_code: str
    unit_name: str
    level: str
    stage: UnitStage
    round: int
    due: dt.date | None
    reopened_until: dt.date | None
    submitted_at: dt.datetime | None
    submitted_late: bool
    overdue: bool
    reminders: int
    scored: int
    leaves: int
    requests_open: int
    appraisers: tuple[str, ...]


def board(session: Session, assessment: Assessment, today: dt.date) -> list[BoardRow]:
    """Every unit's report with its stage, deadline, lateness, progress and appraisers."""
    due = dict(
        session.execute(
            select(AssessmentDeadline.level, AssessmentDeadline.due).where(
                AssessmentDeadline.assessment_id == assessment.id
            )
        ).all()
    )
    reports = session.execute(
        select(UnitAssessment, Unit)
        .join(Unit, Unit.id == UnitAssessment.unit_id)
        .where(UnitAssessment.assessment_id == assessment.id)
        .order_by(Unit.level, Unit.code)
    ).all()
    scored: dict[int, tuple[int, int]] = {}
    for report_id, applicable, points in session.execute(
        select(
            AssessmentScore.unit_assessment_id,
            AssessmentScore.applicable,
            AssessmentScore.self_points,
        )
        .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
        .where(UnitAssessment.assessment_id == assessment.id)
    ):
        done, total = scored.get(report_id, (0, 0))
        if applicable:
            scored[report_id] = (done + (points is not None), total + 1)
    open_requests: dict[int, int] = defaultdict(int)
    for (report_id,) in session.execute(
        select(AssessmentScore.unit_assessment_id)
        .join(ExplanationRequest, ExplanationRequest.score_id == AssessmentScore.id)
        .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
        .where(
            UnitAssessment.assessment_id == assessment.id, ExplanationRequest.answered_at.is_(None)
        )
    ):
        open_requests[report_id] += 1
    names: dict[int, list[str]] = defaultdict(list)
    for report_id, full_name in session.execute(
        select(AppraiserAssignment.unit_assessment_id, User.full_name)
        .join(User, User.id == AppraiserAssignment.user_id)
        .join(UnitAssessment, UnitAssessment.id == AppraiserAssignment.unit_assessment_id)
        .where(UnitAssessment.assessment_id == assessment.id)
        .distinct()
    ):
        names[report_id].append(full_name)
    rows = []
    for report, unit in reports:
        window = Window(due.get(unit.level), report.reopened_until)
        done, total = scored.get(report.id, (0, 0))
        rows.append(
            BoardRow(
                report.id,
                unit.code,
                unit.name,
                unit.level,
                report.stage,
                report.round,
                due.get(unit.level),
                report.reopened_until,
                report.submitted_at,
                report.submitted_late,
                report.stage.unit_edits and not window.is_open(today),
                report.reminders,
                done,
                total,
                open_requests[report.id],
                tuple(sorted(names[report.id])),
            )
        )
    return rows


def deadlines(session: Session, assessment: Assessment) -> dict[str, dt.date]:
    return dict(
        session.execute(
            select(AssessmentDeadline.level, AssessmentDeadline.due).where(
                AssessmentDeadline.assessment_id == assessment.id
            )
        ).all()
    )


def reports_of_user(session: Session, user: User) -> list[tuple[UnitAssessment, Campaign]]:
    """The reports a unit officer fills in (their unit's, and those they score as lead
    department) or an appraiser appraises, newest campaign first."""
    query = (
        select(UnitAssessment, Campaign)
        .options(joinedload(UnitAssessment.unit))
        .join(Assessment, Assessment.id == UnitAssessment.assessment_id)
        .join(Campaign, Campaign.id == Assessment.campaign_id)
        .join(Unit, Unit.id == UnitAssessment.unit_id)
    )
    if user.role is Role.UNIT_OFFICER:
        led = select(LeadAssignment.unit_assessment_id).where(
            LeadAssignment.scorer_code == user.unit_code
        )
        query = query.where((Unit.code == user.unit_code) | UnitAssessment.id.in_(led))
    elif user.role is Role.APPRAISER:
        mine = select(AppraiserAssignment.unit_assessment_id).where(
            AppraiserAssignment.user_id == user.id
        )
        query = query.where(UnitAssessment.id.in_(mine))
    else:
        return []
    return [
        (report, campaign)
        for report, campaign in session.execute(
            query.order_by(Campaign.year.desc(), Campaign.id.desc(), Unit.code)
        ).all()
    ]


# --- the administrator's assignments -------------------------------------------------------


def assign_leads(
    session: Session,
    report: UnitAssessment,
    tree: CriteriaTree,
    lines: Mapping[str, str],
    actor: User | None,
) -> int:
    """Set which department (a unit code of the campaign) scores which node of the report's
    tree (an empty code clears the line). Only before the report is submitted. Existing
    lines are updated in place; returns how many lines are set."""
    if (
        q.lock_assessment(session, report.assessment_id, exclusive=False)
        is not AssessmentStatus.OPEN
    ):
        raise ServiceError("assessment_locked")
    if not q.keep_stage(session, report.id, (UnitStage.NOT_STARTED, UnitStage.DRAFT)):
        raise ServiceError("assessment_already_submitted")
    known = set(tree.titles())
    codes = set(
        session.scalars(select(Unit.code).where(Unit.campaign_id == report.unit.campaign_id))
    )
    for node, scorer in lines.items():
        if node not in known:
            raise ServiceError("assessment_unknown_criterion", code=node)
        if scorer and scorer not in codes:
            raise ServiceError("unknown_unit", value=scorer)
    current = {
        row.node_code: row
        for row in session.scalars(
            select(LeadAssignment).where(LeadAssignment.unit_assessment_id == report.id)
        )
    }
    for node, scorer in lines.items():
        row = current.get(node)
        if not scorer:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                LeadAssignment(unit_assessment_id=report.id, node_code=node, scorer_code=scorer)
            )
        else:
            row.scorer_code = scorer
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise ServiceError("assessment_conflict") from exc
    audit.record(
        session,
        AuditAction.ASSESSMENT_ASSIGNED,
        user=actor,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        leads={k: v for k, v in sorted(lines.items())},
    )
    return len(leads_of(session, report))


def assign_appraiser(
    session: Session,
    assessment: Assessment,
    appraiser: User,
    report_ids: Sequence[int],
    field_code: str,
    actor: User | None,
) -> int:
    """Give an appraiser these reports (the whole report, or one field of it); a line
    given twice is kept once (the database's unique line decides). Returns lines added."""
    if appraiser.role is not Role.APPRAISER or not appraiser.is_active:
        raise ServiceError("not_an_appraiser")
    if q.lock_assessment(session, assessment.id, exclusive=False) is not AssessmentStatus.OPEN:
        raise ServiceError("assessment_locked")
    chosen = session.scalars(
        select(UnitAssessment).where(
            UnitAssessment.assessment_id == assessment.id, UnitAssessment.id.in_(report_ids)
        )
    ).all()
    if field_code:
        from survey_app.services import criteria_trees

        trees = criteria_trees.available(session)
        for report in chosen:
            tree = trees.get(report.tree_code)
            if tree is None or field_code not in {f.code for f in tree.fields}:
                raise ServiceError("assessment_unknown_criterion", code=field_code)
    known = {report.id for report in chosen}
    added = 0
    for report_id in report_ids:
        if report_id not in known:
            continue
        try:
            with session.begin_nested():
                session.add(
                    AppraiserAssignment(
                        unit_assessment_id=report_id, user_id=appraiser.id, field_code=field_code
                    )
                )
                session.flush()
            added += 1
        except IntegrityError:
            continue
    audit.record(
        session,
        AuditAction.ASSESSMENT_ASSIGNED,
        user=actor,
        campaign_id=assessment.campaign_id,
        target=appraiser.username,
        reports=len(known),
        field=field_code or None,
    )
    return added


def appraisers(session: Session) -> list[User]:
    """Active appraiser accounts, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.APPRAISER, User.is_active.is_(True))
            .order_by(User.full_name)
        )
    )


# --- the administrator's interventions -----------------------------------------------------


def reopen(
    session: Session, report: UnitAssessment, until: dt.date, actor: User, today: dt.date
) -> None:
    """Give a unit until ``until`` to submit (its report goes back to draft if it was
    submitted and its appraisal has not begun), or to send its explanations. What it
    submits after its deadline is flagged late."""
    if until < today:
        raise ServiceError("assessment_reopen_past")
    if (
        q.lock_assessment(session, report.assessment_id, exclusive=False)
        is not AssessmentStatus.OPEN
    ):
        raise ServiceError("assessment_locked")
    moved = (
        q.keep_stage(session, report.id, (UnitStage.EXPLANATION_REQUESTED,), reopened_until=until)
        or q.move_stage(
            session, report.id, (UnitStage.SUBMITTED,), UnitStage.DRAFT, reopened_until=until
        )
        or q.keep_stage(
            session,
            report.id,
            (UnitStage.NOT_STARTED, UnitStage.DRAFT),
            reopened_until=until,
        )
    )
    if not moved:
        raise ServiceError("assessment_not_reopenable")
    session.expire(report)
    audit.record(
        session,
        AuditAction.ASSESSMENT_REOPENED,
        user=actor,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        until=until.isoformat(),
    )


REMINDED_STAGES = (UnitStage.NOT_STARTED, UnitStage.DRAFT, UnitStage.EXPLANATION_REQUESTED)
"""Reports a reminder goes to: not submitted yet, or explanations not sent."""


def remind(session: Session, assessment: Assessment, actor: User) -> int:
    """Remind every unit that has not submitted or not sent its explanations (shown on its
    page with the count and the date); returns how many units."""
    if q.lock_assessment(session, assessment.id, exclusive=False) is not AssessmentStatus.OPEN:
        raise ServiceError("assessment_locked")
    count = q.touch_units(
        session,
        assessment.id,
        REMINDED_STAGES,
        reminders=UnitAssessment.reminders + 1,
        reminded_at=dt.datetime.now(dt.UTC),
    )
    session.expire_all()
    audit.record(
        session,
        AuditAction.ASSESSMENT_REMINDED,
        user=actor,
        campaign_id=assessment.campaign_id,
        units=count,
    )
    return count


def set_applicable(
    session: Session,
    report: UnitAssessment,
    code: str,
    applicable: bool,
    reason: str,
    actor: User,
) -> None:
    """Mark a sub-criterion (not) applicable to the unit, with the reason: only before the
    unit submits; its scores are cleared (the change is recorded)."""
    if not reason.strip():
        raise ServiceError("assessment_reason_needed")
    if (
        q.lock_assessment(session, report.assessment_id, exclusive=False)
        is not AssessmentStatus.OPEN
    ):
        raise ServiceError("assessment_locked")
    score = session.scalar(
        select(AssessmentScore).where(
            AssessmentScore.unit_assessment_id == report.id, AssessmentScore.sub_criterion == code
        )
    )
    if score is None:
        raise ServiceError("assessment_unknown_criterion", code=code)
    stage_kept = q.keep_stage(session, report.id, (UnitStage.NOT_STARTED, UnitStage.DRAFT))
    if not stage_kept:
        raise ServiceError("assessment_already_submitted")
    values: dict[str, object] = {"applicable": applicable}
    if not applicable:
        values |= {"self_points": None, "appraised_points": None}
    if not q.write_score(session, score.id, score.version, **values):
        raise ServiceError("assessment_conflict", code=code)
    session.add(
        ScoreChange(
            score_id=score.id,
            kind=ScoreChangeKind.NOT_APPLICABLE,
            points=None,
            applicable=applicable,
            note=reason.strip()[:4000],
            user_id=actor.id,
        )
    )
    session.expire_all()
    audit.record(
        session,
        AuditAction.CRITERION_NOT_APPLICABLE,
        user=actor,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        criterion=code,
        applicable=applicable,
    )


def evidence_file(session: Session, evidence_id: int) -> tuple[EvidenceFile, int] | None:
    """An evidence file and the id of the report it belongs to."""
    found = session.execute(
        select(EvidenceFile, AssessmentScore.unit_assessment_id)
        .join(AssessmentScore, AssessmentScore.id == EvidenceFile.score_id)
        .where(EvidenceFile.id == evidence_id)
    ).first()
    return (found[0], int(found[1])) if found is not None else None


def unit_choices(session: Session, campaign: Campaign) -> list[tuple[str, str]]:
    """The campaign's units as (code, name), by code: what a lead department is chosen from."""
    return [
        (code, name)
        for code, name in session.execute(
            select(Unit.code, Unit.name).where(Unit.campaign_id == campaign.id).order_by(Unit.code)
        )
    ]


def assessment_of(session: Session, report: UnitAssessment) -> Assessment:
    return session.get_one(Assessment, report.assessment_id)

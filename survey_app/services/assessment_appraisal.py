"""The appraisal of the units' reports: two rounds by the appraisers, the council's view and
approval (which writes and locks the appraisal points), and publication.

Round 1 starts on a submitted report: the appraiser sets each appraised score (the unit's
own is offered), comments, and asks for explanations; finishing the round sends the
requests to the unit, or ends the appraisal when there are none. Round 2 starts when the
unit sent its explanations (or their window closed without them) and ends the appraisal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from analysis.par_index import ParIndexResult
from domain.assessment import (
    ScoreChangeKind,
    ScoreRefused,
    UnitStage,
    final_stage,
    is_disputed,
    read_points,
)
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AssessmentStatus, AuditAction, Role
from survey_app.persistence.models import (
    AppraisalPoint,
    Assessment,
    AssessmentScore,
    Campaign,
    ExplanationRequest,
    ScoreChange,
    Unit,
    UnitAssessment,
    User,
)
from survey_app.persistence.queries import assessment as q
from survey_app.services import audit, criteria_trees
from survey_app.services.assessment import (
    appraisable_by,
    appraisers_of,
    explanation_window,
    window_of,
)
from survey_app.services.assessment_scoring import MAX_TEXT, refused
from survey_app.services.assessment_scoring import stale_codes as _stale
from survey_app.services.results import CampaignResults, with_appraisal

MIDDLE = (
    UnitStage.SUBMITTED,
    UnitStage.IN_APPRAISAL,
    UnitStage.EXPLANATION_REQUESTED,
    UnitStage.EXPLAINED,
)
"""Stages of a report whose appraisal has begun and not ended: approval waits for them."""


@dataclass(frozen=True)
class AppraisalEntry:
    """What the appraiser's form sent for one sub-criterion."""

    points: str
    comment: str
    request: str
    version: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def appraisal_round(session: Session, report: UnitAssessment, today: dt.date) -> int | None:
    """The round an appraiser works in now: 1 on a submitted report, 2 once explanations
    came in (or their window closed without them); None when the report is not open to
    appraisal."""
    if report.stage is UnitStage.SUBMITTED:
        return 1
    if report.stage is UnitStage.IN_APPRAISAL:
        return report.round
    if report.stage is UnitStage.EXPLAINED:
        return 2
    if report.stage is UnitStage.EXPLANATION_REQUESTED and not window_of(session, report).is_open(
        today
    ):
        return 2
    return None


def save_appraisal(
    session: Session,
    report: UnitAssessment,
    user: User,
    entries: Mapping[str, AppraisalEntry],
    *,
    finish: bool,
    today: dt.date,
) -> int:
    """Save appraised scores, comments and (in round 1) requests for explanation; with
    ``finish``, end the round (every applicable sub-criterion appraised). Returns how many
    lines changed."""
    if user.role not in (Role.ADMIN, Role.APPRAISER):
        raise ServiceError("assessment_not_yours", code=report.unit.code)
    if (
        q.lock_assessment(session, report.assessment_id, exclusive=False)
        is not AssessmentStatus.OPEN
    ):
        raise ServiceError("assessment_locked")
    round_ = appraisal_round(session, report, today)
    if round_ is None:
        raise ServiceError("assessment_not_appraisable")
    fields = appraisers_of(session, report).get(user.id)
    scores = {
        s.sub_criterion: s
        for s in session.scalars(
            select(AssessmentScore).where(AssessmentScore.unit_assessment_id == report.id)
        )
    }
    changes: list[tuple[AssessmentScore, float | None, str, int]] = []
    requests: list[tuple[AssessmentScore, str]] = []
    for code, entry in entries.items():
        score = scores.get(code)
        if score is None:
            raise ServiceError("assessment_unknown_criterion", code=code)
        if not appraisable_by(user, fields, code):
            raise ServiceError("assessment_not_yours", code=code)
        try:
            points = read_points(entry.points, code, score.max_points, applicable=score.applicable)
        except ScoreRefused as exc:
            raise refused(exc) from exc
        comment = entry.comment.strip()[:MAX_TEXT]
        if points != score.appraised_points or comment != score.comment:
            changes.append((score, points, comment, entry.version))
        if entry.request.strip():
            if round_ != 1:
                raise ServiceError("assessment_request_round")
            requests.append((score, entry.request.strip()[:MAX_TEXT]))
    moved = _start_round(session, report, round_, today)
    if not moved:
        raise ServiceError("assessment_not_appraisable")
    with session.begin_nested():
        written = q.write_scores(
            session,
            [
                {
                    "b_id": score.id,
                    "b_seen": seen,
                    "appraised_points": points,
                    "comment": comment,
                    "appraised_round": round_,
                }
                for score, points, comment, seen in changes
            ],
        )
        if not written:
            raise ServiceError("assessment_conflict", code=_stale(changes))
        session.execute(
            insert(ScoreChange),
            [
                {
                    "score_id": score.id,
                    "kind": ScoreChangeKind.APPRAISAL,
                    "round": round_,
                    "points": points,
                    "applicable": True,
                    "note": comment,
                    "user_id": user.id,
                    "at": _now(),
                }
                for score, points, comment, _seen in changes
            ],
        )
        for score, text in requests:
            session.add(
                ExplanationRequest(
                    score_id=score.id, round=round_, request=text, requested_by_id=user.id
                )
            )
        session.flush()
        if finish:
            _finish(session, report, round_, today)
    session.expire_all()
    audit.record(
        session,
        AuditAction.APPRAISAL_FINISHED if finish else AuditAction.APPRAISAL_SCORED,
        user=user,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        round=round_,
        lines=len(changes),
        requests=len(requests),
    )
    if requests:
        audit.record(
            session,
            AuditAction.EXPLANATION_REQUESTED,
            user=user,
            campaign_id=report.unit.campaign_id,
            target=report.unit.code,
            criteria=[s.sub_criterion for s, _t in requests],
        )
    return len(changes)


def _start_round(session: Session, report: UnitAssessment, round_: int, today: dt.date) -> bool:
    """Move the report into appraisal in ``round_``, only from the stages that round starts
    from (round 1: submitted; round 2: explained, or asked to explain with the window
    closed), or keep it there in the same round; decided by the database, so a report that
    another appraiser just sent for explanations is not pulled back."""
    starts: tuple[UnitStage, ...] = (
        (UnitStage.SUBMITTED,) if round_ == 1 else (UnitStage.EXPLAINED,)
    )
    if round_ == 2 and not explanation_window(session, report).is_open(today):
        starts += (UnitStage.EXPLANATION_REQUESTED,)
    return q.move_stage(
        session, report.id, starts, UnitStage.IN_APPRAISAL, round=round_
    ) or q.keep_stage(session, report.id, (UnitStage.IN_APPRAISAL,), in_round=round_)


def _finish(session: Session, report: UnitAssessment, round_: int, today: dt.date) -> None:
    """End the round: every applicable line appraised; round 1 with requests open asks the
    unit to explain, otherwise the appraisal is done."""
    unappraised = session.scalars(
        select(AssessmentScore.sub_criterion).where(
            AssessmentScore.unit_assessment_id == report.id,
            AssessmentScore.applicable.is_(True),
            AssessmentScore.appraised_points.is_(None),
        )
    ).all()
    if unappraised:
        shown = ", ".join(unappraised[:12]) + (" …" if len(unappraised) > 12 else "")
        raise ServiceError("assessment_unappraised", count=len(unappraised), codes=shown)
    open_requests = len(
        session.scalars(
            select(ExplanationRequest.id)
            .join(AssessmentScore, AssessmentScore.id == ExplanationRequest.score_id)
            .where(
                AssessmentScore.unit_assessment_id == report.id,
                ExplanationRequest.answered_at.is_(None),
            )
        ).all()
    )
    to_stage = final_stage(open_requests) if round_ == 1 else UnitStage.APPRAISED
    values = {"appraised_at": _now()} if to_stage is UnitStage.APPRAISED else {}
    if to_stage is UnitStage.EXPLANATION_REQUESTED and not explanation_window(
        session, report
    ).is_open(today):
        raise ServiceError("assessment_requests_too_late")
    if not q.move_stage(
        session, report.id, (UnitStage.IN_APPRAISAL,), to_stage, in_round=round_, **values
    ):
        raise ServiceError("assessment_conflict", code=report.unit.code)


# --- the council ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilRow:
    """One unit before the council: own and appraised points per field and in all."""

    report_id: int
    unit_code: str
    unit_name: str
    level: str
    stage: UnitStage
    self_by_field: Mapping[str, float]
    appraised_by_field: Mapping[str, float]
    self_total: float
    appraised_total: float
    max_points: float
    disputed: tuple[str, ...]


def council_rows(session: Session, assessment: Assessment) -> list[CouncilRow]:
    """Every unit's own and appraised appraisal points by field, and its disputed lines."""
    requested = set(
        session.scalars(
            select(ExplanationRequest.score_id)
            .join(AssessmentScore, AssessmentScore.id == ExplanationRequest.score_id)
            .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
            .where(UnitAssessment.assessment_id == assessment.id)
        )
    )
    rows = session.execute(
        select(UnitAssessment, Unit, AssessmentScore)
        .join(Unit, Unit.id == UnitAssessment.unit_id)
        .join(AssessmentScore, AssessmentScore.unit_assessment_id == UnitAssessment.id)
        .where(UnitAssessment.assessment_id == assessment.id)
        .order_by(Unit.level, Unit.code, AssessmentScore.position)
    ).all()
    sums: dict[int, _Sums] = {}
    for report, unit, score in rows:
        entry = sums.setdefault(report.id, _Sums(report, unit))
        if score.applicable:
            entry.add(score, score.id in requested)
    return [entry.row() for entry in sums.values()]


@dataclass
class _Sums:
    """A report's points added up line by line (the council's row)."""

    report: UnitAssessment
    unit: Unit
    own: dict[str, float] = field(default_factory=dict)
    appraised: dict[str, float] = field(default_factory=dict)
    max_points: float = 0.0
    disputed: list[str] = field(default_factory=list)

    def add(self, score: AssessmentScore, requested: bool) -> None:
        code = score.sub_criterion.split(".")[0]
        self.own[code] = self.own.get(code, 0.0) + (score.self_points or 0.0)
        self.appraised[code] = self.appraised.get(code, 0.0) + (score.appraised_points or 0.0)
        self.max_points += score.max_points
        if is_disputed(score.self_points, score.appraised_points, requested):
            self.disputed.append(score.sub_criterion)

    def row(self) -> CouncilRow:
        own = {k: round(v, 2) for k, v in self.own.items()}
        appraised = {k: round(v, 2) for k, v in self.appraised.items()}
        return CouncilRow(
            self.report.id,
            self.unit.code,
            self.unit.name,
            self.unit.level,
            self.report.stage,
            own,
            appraised,
            round(sum(own.values()), 2),
            round(sum(appraised.values()), 2),
            round(self.max_points, 2),
            tuple(self.disputed),
        )


def appraisal_frame(session: Session, assessment: Assessment) -> pd.DataFrame:
    """The appraised points as the results read appraisal points (``unit_code,
    sub_criterion, points, not_applicable``): what approval would write. A unit that never
    submitted gets no points."""
    rows = session.execute(
        select(
            Unit.code,
            AssessmentScore.sub_criterion,
            AssessmentScore.appraised_points,
            AssessmentScore.applicable,
            UnitAssessment.stage,
        )
        .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
        .join(Unit, Unit.id == UnitAssessment.unit_id)
        .where(UnitAssessment.assessment_id == assessment.id)
        .order_by(Unit.code, AssessmentScore.position)
    ).all()
    frame = pd.DataFrame(
        [
            (
                code,
                leaf,
                None if not applicable else (0.0 if stage.unit_edits else points or 0.0),
                not applicable,
            )
            for code, leaf, points, applicable, stage in rows
        ],
        columns=["unit_code", "sub_criterion", "points", "not_applicable"],
    )
    frame["points"] = frame["points"].astype(np.float64)
    frame["not_applicable"] = frame["not_applicable"].astype(bool)
    return frame


def approve(
    session: Session, campaign: Campaign, assessment: Assessment, user: User, decision: str
) -> int:
    """The council approves: refused while a report is in the middle of its appraisal; a
    unit that never submitted gets no points (recorded on each line); the appraised points
    are written as the campaign's appraisal points and locked. Returns the points written."""
    if user.role is not Role.ADMIN:
        raise ServiceError("assessment_not_yours", code=campaign.name)
    if q.lock_assessment(session, assessment.id, exclusive=True) is not AssessmentStatus.OPEN:
        raise ServiceError("assessment_locked")
    busy = session.scalars(
        select(Unit.code)
        .join(UnitAssessment, UnitAssessment.unit_id == Unit.id)
        .where(UnitAssessment.assessment_id == assessment.id, UnitAssessment.stage.in_(MIDDLE))
        .order_by(Unit.code)
    ).all()
    if busy:
        shown = ", ".join(busy[:12]) + (" …" if len(busy) > 12 else "")
        raise ServiceError("assessment_still_appraising", count=len(busy), codes=shown)
    frame = appraisal_frame(session, assessment)
    with session.begin_nested():
        _no_report(session, assessment, user)
        written = _write_points(session, campaign, frame)
        if not q.move_assessment(
            session,
            assessment.id,
            AssessmentStatus.OPEN,
            AssessmentStatus.APPROVED,
            approved_at=_now(),
            approved_by_id=user.id,
            decision=decision.strip()[:200] or None,
        ):
            raise ServiceError("assessment_locked")
    session.expire_all()
    audit.record(
        session,
        AuditAction.APPRAISAL_APPROVED,
        user=user,
        campaign_id=campaign.id,
        target=decision.strip()[:200] or None,
        points=written,
    )
    return written


def _no_report(session: Session, assessment: Assessment, user: User) -> None:
    """Record, on every applicable line of a report never submitted, that it gets no points."""
    lines = (
        session.execute(
            select(AssessmentScore.id)
            .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
            .where(
                UnitAssessment.assessment_id == assessment.id,
                UnitAssessment.stage.in_((UnitStage.NOT_STARTED, UnitStage.DRAFT)),
                AssessmentScore.applicable.is_(True),
            )
        )
        .scalars()
        .all()
    )
    for score_id in lines:
        session.add(
            ScoreChange(
                score_id=score_id,
                kind=ScoreChangeKind.NO_REPORT,
                round=0,
                points=0.0,
                note="",
                user_id=user.id,
            )
        )
    if lines:
        session.execute(
            update(AssessmentScore)
            .where(AssessmentScore.id.in_(lines))
            .values(appraised_points=0.0, version=AssessmentScore.version + 1)
            .execution_options(synchronize_session=False)
        )


def _write_points(session: Session, campaign: Campaign, frame: pd.DataFrame) -> int:
    """Write the approved points over the campaign's appraisal points of these units (each
    (unit, sub-criterion) row updated in place, or added)."""
    units = dict(
        session.execute(select(Unit.code, Unit.id).where(Unit.campaign_id == campaign.id)).all()
    )
    existing = {
        (p.unit_id, p.sub_criterion): p
        for p in session.scalars(
            select(AppraisalPoint).where(AppraisalPoint.campaign_id == campaign.id)
        )
    }
    for code, leaf, points, not_applicable in frame.itertuples(index=False):
        unit_id = units[code]
        point = existing.get((unit_id, leaf))
        if point is None:
            point = AppraisalPoint(campaign_id=campaign.id, unit_id=unit_id, sub_criterion=leaf)
            session.add(point)
        point.points = None if not_applicable else float(points)
        point.not_applicable = bool(not_applicable)
    session.flush()
    return len(frame)


def publish(session: Session, campaign: Campaign, assessment: Assessment, user: User) -> None:
    """The chair publishes the approved index and ranking."""
    if user.role is not Role.ADMIN:
        raise ServiceError("assessment_not_yours", code=campaign.name)
    q.lock_assessment(session, assessment.id, exclusive=True)
    if not q.move_assessment(
        session,
        assessment.id,
        AssessmentStatus.APPROVED,
        AssessmentStatus.PUBLISHED,
        published_at=_now(),
        published_by_id=user.id,
    ):
        raise ServiceError("assessment_not_approved")
    session.expire_all()
    audit.record(session, AuditAction.INDEX_PUBLISHED, user=user, campaign_id=campaign.id)


def is_locked(session: Session, campaign_id: int) -> bool:
    """The campaign's appraisal points are locked by the council's approval."""
    status = session.scalar(select(Assessment.status).where(Assessment.campaign_id == campaign_id))
    return status is not None and AssessmentStatus(status) is not AssessmentStatus.OPEN


def history(session: Session, report: UnitAssessment) -> list[tuple[ScoreChange, str, str]]:
    """Every recorded change of the report's lines, newest first: (change, sub-criterion,
    who)."""
    rows = session.execute(
        select(ScoreChange, AssessmentScore.sub_criterion, User.full_name)
        .join(AssessmentScore, AssessmentScore.id == ScoreChange.score_id)
        .outerjoin(User, User.id == ScoreChange.user_id)
        .where(AssessmentScore.unit_assessment_id == report.id)
        .order_by(ScoreChange.id.desc())
    ).all()
    return [(change, leaf, name or "") for change, leaf, name in rows]


@dataclass(frozen=True)
class CouncilLine:
    """A unit as the council decides on it: its appraisal points (own and appraised), the
    survey points, the index, the rank among its peers and the band it would get with the
    appraised points."""

    row: CouncilRow
    survey_points: float | None
    points: float | None
    index_pct: float | None
    rank: int | None
    peers: int
    band: str | None


def council(
    session: Session, assessment: Assessment, results: CampaignResults
) -> list[CouncilLine]:
    """Every unit's line before the council: the appraised points put in place of the
    stored appraisal points in the campaign's results (:func:`results.with_appraisal`)."""
    rows = council_rows(session, assessment)
    _index, ranking, survey = council_index(session, assessment, results)
    ranked = {str(rec["unit_code"]): rec for rec in ranking.to_dict("records")}
    peers = ranking.groupby("peer_group").size().to_dict() if len(ranking) else {}
    lines = []
    for row in rows:
        found = ranked.get(row.unit_code, {})
        lines.append(
            CouncilLine(
                row,
                survey.get(row.unit_code),
                _number(found.get("points")),
                _number(found.get("index_pct")),
                int(found["rank"]) if _number(found.get("rank")) is not None else None,
                int(peers.get(row.level, 0)),
                str(found["band_provincial"]) if found.get("band_provincial") else None,
            )
        )
    return lines


def council_index(
    session: Session, assessment: Assessment, results: CampaignResults
) -> tuple[ParIndexResult | None, pd.DataFrame, dict[str, float]]:
    """The index, the ranking and each unit's survey points with the appraised points."""
    frame = appraisal_frame(session, assessment)
    index, ranking = with_appraisal(results, frame, criteria_trees.available(session))
    survey: dict[str, float] = {}
    if index is not None:
        table = index.sub_criteria
        surveyed = table[table["method"].isin(("survey", "sipas"))]
        survey = {
            str(k): round(float(v), 2)
            for k, v in surveyed.groupby("unit_code")["points"].sum().items()
        }
    return index, ranking, survey


def _number(value: object) -> float | None:
    """A table's number, None when missing."""
    if not isinstance(value, int | float | np.number):
        return None
    number = float(value)
    return None if np.isnan(number) else round(number, 2)

"""A unit's own part of the self-assessment: scores with explanations, evidence files,
submission, and the answers to the appraisers' requests for explanation.

Every change is checked in full before anything is written, and written under a savepoint:
a refused form leaves nothing half-saved. Scores are written at the version the form was
read at (``queries/assessment.write_score``), stages moved only from the stages allowed
(``move_stage``), under a shared lock of the assessment (the council's approval waits for
them, and they see its result).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from domain.assessment import (
    LeafState,
    ScoreChangeKind,
    ScoreProblem,
    ScoreRefused,
    UnitStage,
    missing_for_submission,
    read_points,
)
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AssessmentStatus, AuditAction, Role
from survey_app.persistence.models import (
    AssessmentScore,
    EvidenceFile,
    ExplanationRequest,
    ScoreChange,
    UnitAssessment,
    User,
)
from survey_app.persistence.queries import assessment as q
from survey_app.services import audit, evidence
from survey_app.services.assessment import leads_of, self_scorable, window_of

_EDITABLE = (UnitStage.NOT_STARTED, UnitStage.DRAFT)
MAX_TEXT = 4000
"""Longest explanation, comment or answer kept (a page of text)."""


@dataclass(frozen=True)
class SelfEntry:
    """What the form sent for one sub-criterion: the typed score, the explanation, and the
    version of the line the form was read at."""

    points: str
    explanation: str
    version: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_SCORE_CODES = {
    ScoreProblem.NOT_A_NUMBER: "score_not_a_number",
    ScoreProblem.OUT_OF_RANGE: "score_out_of_range",
    ScoreProblem.TOO_PRECISE: "score_too_precise",
    ScoreProblem.NOT_APPLICABLE: "score_not_applicable",
}


def refused(exc: ScoreRefused) -> ServiceError:
    """The catalogued error of a refused score (the maximum written the Vietnamese way)."""
    return ServiceError(
        _SCORE_CODES[exc.problem], code=exc.code, max=f"{exc.max_points:g}".replace(".", ",")
    )


def _scores(session: Session, report: UnitAssessment) -> dict[str, AssessmentScore]:
    return {
        s.sub_criterion: s
        for s in session.scalars(
            select(AssessmentScore)
            .where(AssessmentScore.unit_assessment_id == report.id)
            .execution_options(populate_existing=True)
        )
    }


def _require_open(session: Session, report: UnitAssessment) -> None:
    """The assessment is still open (shared lock: approval waits for this change)."""
    if (
        q.lock_assessment(session, report.assessment_id, exclusive=False)
        is not AssessmentStatus.OPEN
    ):
        raise ServiceError("assessment_locked")


def _start_editing(session: Session, report: UnitAssessment, today: dt.date) -> None:
    """Refuse unless the unit may still edit: before submission, within its window (the
    stage is moved to draft by the database only from the editable stages)."""
    _require_open(session, report)
    if not window_of(session, report).is_open(today):
        raise ServiceError("assessment_deadline_passed")
    if not q.move_stage(session, report.id, _EDITABLE, UnitStage.DRAFT):
        raise ServiceError("assessment_already_submitted")


def save_self(
    session: Session,
    report: UnitAssessment,
    user: User,
    entries: Mapping[str, SelfEntry],
    today: dt.date,
) -> int:
    """Save the unit's scores and explanations as a draft: only the lines that changed,
    each at the version it was read at. Returns how many lines changed."""
    leads = leads_of(session, report)
    scores = _scores(session, report)
    changes: list[tuple[AssessmentScore, float | None, str, int]] = []
    for code, entry in entries.items():
        score = scores.get(code)
        if score is None:
            raise ServiceError("assessment_unknown_criterion", code=code)
        if not self_scorable(user, report, leads, code):
            raise ServiceError("assessment_not_yours", code=code)
        try:
            points = read_points(entry.points, code, score.max_points, applicable=score.applicable)
        except ScoreRefused as exc:
            raise refused(exc) from exc
        text = entry.explanation.strip()[:MAX_TEXT]
        if points != score.self_points or text != score.explanation:
            changes.append((score, points, text, entry.version))
    if not changes:
        return 0
    _start_editing(session, report, today)
    with session.begin_nested():
        written = q.write_scores(
            session,
            [
                {"b_id": score.id, "b_seen": seen, "self_points": points, "explanation": text}
                for score, points, text, seen in changes
            ],
        )
        if not written:
            raise ServiceError("assessment_conflict", code=stale_codes(changes))
        session.execute(
            insert(ScoreChange),
            [
                {
                    "score_id": score.id,
                    "kind": ScoreChangeKind.SELF,
                    "round": 0,
                    "points": points,
                    "applicable": True,
                    "note": text,
                    "user_id": user.id,
                    "at": _now(),
                }
                for score, points, text, _seen in changes
            ],
        )
    session.expire_all()
    audit.record(
        session,
        AuditAction.SELF_SCORED,
        user=user,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        lines=len(changes),
    )
    return len(changes)


def stale_codes(changes: list[tuple[AssessmentScore, float | None, str, int]]) -> str:
    """The codes of the lines a refused save found changed by someone else (for the message:
    the forms' versions against what the database has now)."""
    return ", ".join(
        score.sub_criterion for score, _p, _t, seen in changes if score.version != seen
    ) or ", ".join(score.sub_criterion for score, *_rest in changes[:3])


def add_evidence(
    session: Session,
    report: UnitAssessment,
    user: User,
    code: str,
    filename: str,
    data: bytes,
    *,
    root: Path,
    max_bytes: int,
    today: dt.date,
) -> EvidenceFile:
    """Attach a file to a sub-criterion: while the unit edits its report, or, with an open
    request for explanation on it, while explanations are asked for."""
    checked = evidence.check(data, max_bytes=max_bytes)
    score = _scores(session, report).get(code)
    if score is None:
        raise ServiceError("assessment_unknown_criterion", code=code)
    if not self_scorable(user, report, leads_of(session, report), code):
        raise ServiceError("assessment_not_yours", code=code)
    if not score.applicable:
        raise ServiceError("score_not_applicable", code=code, max="0")
    if report.stage is UnitStage.EXPLANATION_REQUESTED:
        _require_explaining(session, report, today)
        if _open_request(session, score) is None:
            raise ServiceError("assessment_no_request", code=code)
        round_ = report.round
    else:
        _start_editing(session, report, today)
        round_ = 0
    evidence.keep(root, data, checked)
    row = EvidenceFile(
        score_id=score.id,
        filename=evidence.safe_filename(filename, checked.kind),
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        round=round_,
        uploaded_by_id=user.id,
    )
    session.add(row)
    session.flush()
    session.expire(report)
    audit.record(
        session,
        AuditAction.EVIDENCE_ADDED,
        user=user,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        criterion=code,
        file=row.filename,
        sha256=checked.sha256,
        size=checked.size,
    )
    return row


def withdraw_evidence(
    session: Session, report: UnitAssessment, user: User, evidence_id: int, today: dt.date
) -> None:
    """Withdraw a file added by mistake (it stays recorded, no longer counted or shown)."""
    row = session.get(EvidenceFile, evidence_id)
    score = session.get(AssessmentScore, row.score_id) if row else None
    if row is None or score is None or score.unit_assessment_id != report.id:
        raise ServiceError("not_found")
    if not self_scorable(user, report, leads_of(session, report), score.sub_criterion):
        raise ServiceError("assessment_not_yours", code=score.sub_criterion)
    _start_editing(session, report, today)
    session.execute(
        update(EvidenceFile)
        .where(EvidenceFile.id == row.id, EvidenceFile.withdrawn_at.is_(None))
        .values(withdrawn_at=_now())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    audit.record(
        session,
        AuditAction.EVIDENCE_WITHDRAWN,
        user=user,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        criterion=score.sub_criterion,
        file=row.filename,
        sha256=row.sha256,
    )


def evidence_counts(session: Session, report: UnitAssessment) -> dict[int, int]:
    """Files kept per sub-criterion (by score id)."""
    counts: dict[int, int] = {}
    for score_id in session.scalars(
        select(EvidenceFile.score_id)
        .join(AssessmentScore, AssessmentScore.id == EvidenceFile.score_id)
        .where(AssessmentScore.unit_assessment_id == report.id, EvidenceFile.withdrawn_at.is_(None))
    ):
        counts[score_id] = counts.get(score_id, 0) + 1
    return counts


def submit(session: Session, report: UnitAssessment, user: User, today: dt.date) -> None:
    """Send the report: by the unit's own officer, within its window (late when only a
    reopening allows it), every applicable sub-criterion scored with evidence or an
    explanation. ``assessment_incomplete`` lists what is missing."""
    if user.role is not Role.UNIT_OFFICER or user.unit_code != report.unit.code:
        raise ServiceError("assessment_not_yours", code=report.unit.code)
    _require_open(session, report)
    window = window_of(session, report)
    if not window.is_open(today):
        raise ServiceError("assessment_deadline_passed")
    late = window.is_late(today)
    with session.begin_nested():
        # the stage first: its row lock makes every other change of the report wait, so the
        # lines checked below are the lines submitted
        if not q.move_stage(
            session,
            report.id,
            _EDITABLE,
            UnitStage.SUBMITTED,
            submitted_at=_now(),
            submitted_by_id=user.id,
            submitted_late=late,
        ):
            raise ServiceError("assessment_already_submitted")
        counts = evidence_counts(session, report)
        missing = missing_for_submission(
            LeafState(
                s.sub_criterion, s.applicable, s.self_points, s.explanation, counts.get(s.id, 0)
            )
            for s in sorted(_scores(session, report).values(), key=lambda s: s.position)
        )
        if missing:
            shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
            raise ServiceError("assessment_incomplete", count=len(missing), codes=shown)
    session.expire(report)
    audit.record(
        session,
        AuditAction.ASSESSMENT_SUBMITTED,
        user=user,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        late=late,
    )


def _open_request(session: Session, score: AssessmentScore) -> ExplanationRequest | None:
    return session.scalar(
        select(ExplanationRequest).where(
            ExplanationRequest.score_id == score.id, ExplanationRequest.answered_at.is_(None)
        )
    )


def _require_explaining(session: Session, report: UnitAssessment, today: dt.date) -> None:
    _require_open(session, report)
    if report.stage is not UnitStage.EXPLANATION_REQUESTED:
        raise ServiceError("assessment_no_request", code=report.unit.code)
    if not window_of(session, report).is_open(today):
        raise ServiceError("assessment_explain_closed")


def answer_requests(
    session: Session,
    report: UnitAssessment,
    user: User,
    answers: Mapping[int, str],
    *,
    send: bool,
    today: dt.date,
) -> int:
    """Answer requests for explanation (each answered once); with ``send``, hand the
    explanations in (every request answered), which starts the second round."""
    _require_explaining(session, report, today)
    leads = leads_of(session, report)
    requests = {
        req.id: (req, score)
        for req, score in session.execute(
            select(ExplanationRequest, AssessmentScore)
            .join(AssessmentScore, AssessmentScore.id == ExplanationRequest.score_id)
            .where(AssessmentScore.unit_assessment_id == report.id)
        ).all()
    }
    given = {k: v.strip()[:MAX_TEXT] for k, v in answers.items() if v.strip()}
    for request_id in given:
        found = requests.get(request_id)
        if found is None:
            raise ServiceError("not_found")
        if not self_scorable(user, report, leads, found[1].sub_criterion):
            raise ServiceError("assessment_not_yours", code=found[1].sub_criterion)
    written = 0
    with session.begin_nested():
        for request_id, text in given.items():
            result = session.execute(
                update(ExplanationRequest)
                .where(
                    ExplanationRequest.id == request_id, ExplanationRequest.answered_at.is_(None)
                )
                .values(answer=text, answered_by_id=user.id, answered_at=_now())
                .execution_options(synchronize_session=False)
            )
            written += int(getattr(result, "rowcount", 0))
        if send:
            if user.role is not Role.UNIT_OFFICER or user.unit_code != report.unit.code:
                raise ServiceError("assessment_not_yours", code=report.unit.code)
            left = session.scalar(
                select(ExplanationRequest.id)
                .join(AssessmentScore, AssessmentScore.id == ExplanationRequest.score_id)
                .where(
                    AssessmentScore.unit_assessment_id == report.id,
                    ExplanationRequest.answered_at.is_(None),
                )
                .limit(1)
            )
            if left is not None:
                raise ServiceError("assessment_requests_open")
            if not q.move_stage(
                session,
                report.id,
                (UnitStage.EXPLANATION_REQUESTED,),
                UnitStage.EXPLAINED,
                explained_at=_now(),
            ):
                raise ServiceError("assessment_conflict", code=report.unit.code)
    session.expire(report)
    audit.record(
        session,
        AuditAction.EXPLANATION_GIVEN,
        user=user,
        campaign_id=report.unit.campaign_id,
        target=report.unit.code,
        answers=written,
        sent=send,
    )
    return written

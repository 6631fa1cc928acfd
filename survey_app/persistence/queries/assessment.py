"""The self-assessment's conditional writes: each decides its rule in the database.

A stage moves only from the stages it may move from (``UPDATE … WHERE stage IN …``), a score
is written only at the version the form was read at (``… WHERE version = :seen``): when
another person changed it first, the statement finds no row and the caller refuses, so two
people acting at once never overwrite each other unseen. The assessment row is locked
shared by every change of a unit and exclusively by the council's approval, so nothing is
changed after the points were locked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.orm import Session

from survey_app.persistence.enums import AssessmentStatus, UnitStage
from survey_app.persistence.locks import table_of
from survey_app.persistence.models import Assessment, AssessmentScore, UnitAssessment


def _count(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def lock_assessment(session: Session, assessment_id: int, *, exclusive: bool) -> AssessmentStatus:
    """Lock the assessment's row (shared for a unit's change, exclusive for approval and
    publication) and return its status as committed. SQLite has no row locks: its writers
    are serialised by the database's write lock."""
    query = select(Assessment.status).where(Assessment.id == assessment_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=not exclusive)
    else:
        # SQLite: a write first, so the transaction holds the database's write lock before
        # anything is read (the driver opens a transaction only at the first write; a read
        # outside it, or a savepoint opened before it, would decide nothing)
        session.execute(
            update(Assessment)
            .where(Assessment.id == assessment_id)
            .values(status=Assessment.status)
            .execution_options(synchronize_session=False)
        )
    status = session.execute(query).scalar_one()
    return AssessmentStatus(status)


def move_stage(
    session: Session,
    unit_assessment_id: int,
    from_stages: Collection[UnitStage],
    to_stage: UnitStage,
    *,
    in_round: int | None = None,
    **values: Any,
) -> bool:
    """Move one unit's assessment to ``to_stage`` if it is at one of ``from_stages`` now
    (and in round ``in_round`` when given), with the other columns in ``values``; False when
    it was not."""
    conditions = [UnitAssessment.id == unit_assessment_id, UnitAssessment.stage.in_(from_stages)]
    if in_round is not None:
        conditions.append(UnitAssessment.round == in_round)
    result = session.execute(
        update(UnitAssessment)
        .where(*conditions)
        .values(stage=to_stage, version=UnitAssessment.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return _count(result) == 1


def write_score(session: Session, score_id: int, seen_version: int, **values: Any) -> bool:
    """Write one sub-criterion's columns if it is still at ``seen_version``; False when
    someone else wrote it since (or it does not apply and points were given)."""
    result = session.execute(
        update(AssessmentScore)
        .where(AssessmentScore.id == score_id, AssessmentScore.version == seen_version)
        .values(version=AssessmentScore.version + 1, updated_at=dt.datetime.now(dt.UTC), **values)
        .execution_options(synchronize_session=False)
    )
    return _count(result) == 1


def write_scores(session: Session, rows: list[dict[str, Any]]) -> bool:
    """Write several lines in one statement (executemany), each only at its seen version:
    ``rows`` hold ``b_id``, ``b_seen`` and the columns to set (the same columns in every
    row). False when any line was written by someone else since: the caller's savepoint is
    then rolled back whole."""
    if not rows:
        return True
    table = table_of(AssessmentScore)
    columns = [key for key in rows[0] if not key.startswith("b_")]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_seen"))
        .values(
            {
                "version": table.c.version + 1,
                "updated_at": dt.datetime.now(dt.UTC),
                **{c: bindparam(f"v_{c}") for c in columns},
            }
        )
    )
    params = [
        {"b_id": r["b_id"], "b_seen": r["b_seen"], **{f"v_{c}": r[c] for c in columns}}
        for r in rows
    ]
    result = session.connection().execute(statement, params)
    return _count(result) == len(rows)


def keep_stage(
    session: Session,
    unit_assessment_id: int,
    stages: Collection[UnitStage],
    *,
    in_round: int | None = None,
    **values: Any,
) -> bool:
    """Set ``values`` on one unit's assessment if it is at one of ``stages`` now (and in
    round ``in_round`` when given), leaving its stage as the database has it; False when it
    was not."""
    conditions = [UnitAssessment.id == unit_assessment_id, UnitAssessment.stage.in_(stages)]
    if in_round is not None:
        conditions.append(UnitAssessment.round == in_round)
    result = session.execute(
        update(UnitAssessment)
        .where(*conditions)
        .values(version=UnitAssessment.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return _count(result) == 1


def move_assessment(
    session: Session,
    assessment_id: int,
    from_status: AssessmentStatus,
    to_status: AssessmentStatus,
    **values: Any,
) -> bool:
    """Approve or publish: only from the status before."""
    result = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id, Assessment.status == from_status)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    )
    return _count(result) == 1


def touch_units(
    session: Session, assessment_id: int, stages: Collection[UnitStage], **values: Any
) -> int:
    """Update every unit of the assessment at one of ``stages`` (reminders); how many."""
    result = session.execute(
        update(UnitAssessment)
        .where(UnitAssessment.assessment_id == assessment_id, UnitAssessment.stage.in_(stages))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _count(result)

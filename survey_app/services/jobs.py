"""Background jobs: work that can take longer than a request, with progress kept in the database.

A job is a row (``jobs``). Starting one is an INSERT that ``uq_jobs_one_active`` lets through
only when no job of that kind is queued or running for the campaign, so two administrators
pressing the same button get the same job. A runner claims a job with a conditional UPDATE
(queued, or running with a heartbeat older than ``STALE_AFTER``: its process died), then does it
in small steps, each its own transaction that also records progress. Steps are idempotent, so a
job taken over from a dead process carries on where the last committed step left it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from survey_app.persistence.enums import JobKind, JobStatus
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import Job, User

STALE_AFTER = dt.timedelta(seconds=30)
"""A running job whose heartbeat is older than this is taken over by the next runner."""

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start(
    session: Session,
    campaign_id: int,
    kind: JobKind,
    actor: User | None,
    params: dict[str, Any] | None = None,
) -> tuple[Job, bool]:
    """Queue a job, or return the one of this kind already queued or running.

    Returns the job and whether it was created by this call. The campaign's lock is taken
    first (it is also the transaction's first write on SQLite, so the savepoint below belongs
    to the request's transaction).
    """
    lock_campaign(session, campaign_id)
    try:
        with session.begin_nested():
            job = Job(
                campaign_id=campaign_id,
                kind=kind,
                status=JobStatus.QUEUED,
                params=params or {},
                created_by_id=actor.id if actor else None,
            )
            session.add(job)
    except IntegrityError:
        running = active(session, campaign_id, kind)
        if running is None:  # it finished between our insert and this read: start anew
            return start(session, campaign_id, kind, actor, params)
        return running, False
    return job, True


def active(session: Session, campaign_id: int, kind: JobKind) -> Job | None:
    return session.scalar(
        select(Job).where(Job.campaign_id == campaign_id, Job.kind == kind, Job.status.in_(ACTIVE))
    )


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def claimable(session: Session) -> list[int]:
    """Ids of jobs a runner may take now: queued, or running without a recent heartbeat."""
    return list(session.scalars(select(Job.id).where(_claimable_now()).order_by(Job.id)))


def _claimable_now() -> Any:
    return or_(
        Job.status == JobStatus.QUEUED,
        (Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < _now() - STALE_AFTER),
    )


def claim(session: Session, job_id: int) -> bool:
    """Take the job for this runner (decided by the database: one runner wins)."""
    now = _now()
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, _claimable_now())
        .values(
            status=JobStatus.RUNNING, heartbeat_at=now, attempts=Job.attempts + 1, started_at=now
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


QUEUED_GRACE = dt.timedelta(seconds=5)
"""A queued job is left to the runner its request started for this long."""


def is_stale(job: Job) -> bool:
    """Queued for a while, or running with no heartbeat for ``STALE_AFTER``: nobody is
    working on it, so the next look at it starts a runner."""
    if job.status is JobStatus.QUEUED:
        return _utc(job.created_at) < _now() - QUEUED_GRACE
    beat = job.heartbeat_at
    if job.status is not JobStatus.RUNNING or beat is None:
        return False
    return _utc(beat) < _now() - STALE_AFTER


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite: naive UTC


def heartbeat(session: Session, job_id: int) -> None:
    """The runner is alive (its own short transaction, before each step)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(heartbeat_at=_now())
        .execution_options(synchronize_session=False)
    )


def progress(session: Session, job_id: int, added: int, left: int) -> None:
    """Record a step's work (counted in the database, so two runners never undercount), what
    is left, and a heartbeat; in the step's own transaction."""
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(done=Job.done + added, total=Job.done + added + left, heartbeat_at=_now())
        .execution_options(synchronize_session=False)
    )


def heartbeat_now(session: Session, job_id: int) -> None:
    """A heartbeat from inside a long step, committed at once on a connection of its own (the
    step's transaction commits only at its end)."""
    try:
        with session.get_bind().engine.connect() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
                .values(heartbeat_at=_now())
            )
            conn.commit()
    except OperationalError:  # a busy database: a missed heartbeat only delays a takeover
        return


def advance(session: Session, job_id: int, seen: int, added: int, left: int) -> bool:
    """Record a step's work only if the job is still where this runner read it (``done ==
    seen``): a runner that took the job over meanwhile wins, and this step's work is not
    counted twice nor skipped. False when another runner moved it."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.done == seen)
        .values(done=seen + added, total=seen + added + left, heartbeat_at=_now())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def finish(session: Session, job_id: int, result: dict[str, Any] | None = None) -> None:
    """Mark the running job done (with what it produced, when it keeps a result)."""
    values: dict[str, Any] = {
        "status": JobStatus.DONE,
        "total": Job.done,
        "finished_at": _now(),
        "heartbeat_at": _now(),
    }
    if result is not None:
        values["result"] = result
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def fail(session: Session, job_id: int, error_code: str) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=JobStatus.FAILED, error_code=error_code[:80], finished_at=_now())
        .execution_options(synchronize_session=False)
    )


def complete(session: Session, job: Job, done: int) -> None:
    """Mark a job done whose work was done at once, in this transaction (the demo loader)."""
    now = _now()
    job.status, job.done, job.total = JobStatus.DONE, done, done
    job.started_at = job.finished_at = job.heartbeat_at = now
    job.result = {"issued": done}
    session.flush()


def recent(session: Session, campaign_id: int, kind: JobKind, limit: int = 10) -> list[Job]:
    return list(
        session.scalars(
            select(Job)
            .where(Job.campaign_id == campaign_id, Job.kind == kind)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )

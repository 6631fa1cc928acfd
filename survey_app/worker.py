"""The runner of background jobs (``survey_app.services.jobs``).

By default (``SURVEY_JOB_RUNNER=thread``) a job is run by a thread of the web process that
started it, once the request that queued it has committed; the browser may close at any time.
If that process dies, the job's heartbeat stops and the next runner takes it over: the job's
page starts one when it sees a stale job, and ``survey-app jobs work`` runs a standalone
worker (``SURVEY_JOB_RUNNER=external`` leaves every job to it). ``inline`` runs the job in the
request's after-commit hook (tests, and the demo loader).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from survey_app.errors import ServiceError
from survey_app.persistence.enums import JobKind, JobStatus
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import Campaign, Job, Unit, User
from survey_app.persistence.session import DATABASE_UNAVAILABLE
from survey_app.sealing import LinkSealer
from survey_app.services import invitations, jobs

log = logging.getLogger(__name__)
ISSUE_BATCH = 200
"""Invitations issued per step (one transaction, a few hundred milliseconds)."""


class RunnerMode(StrEnum):
    THREAD = "thread"
    INLINE = "inline"
    EXTERNAL = "external"


@dataclass(frozen=True)
class Context:
    """What job steps need besides the database: the link sealer, where files are kept, the
    address letters point at and the hotline they print."""

    sealer: LinkSealer
    files: Path = Path("instance")
    base_url: str = "http://127.0.0.1:5000"
    hotline: str = ""


Step = Callable[[Session, Job, Context], bool]


def _issue_step(session: Session, job: Job, context: Context) -> bool:
    """Issue the next batch of invitations; True when everyone has one."""
    campaign = session.get(Campaign, job.campaign_id)
    if campaign is None:
        raise ServiceError("no_campaign")
    actor = session.get(User, job.created_by_id) if job.created_by_id else None
    lock_campaign(session, campaign.id)  # what is left is counted under the issuing lock
    left = invitations.count_uninvited(session, campaign.id)
    issued = invitations.issue(
        session, campaign, actor, sealer=context.sealer, job_id=job.id, limit=ISSUE_BATCH
    )
    if not issued:
        jobs.finish(session, job.id)
        return True
    people = len({link.respondent_id for link in issued})  # a person may rate several units
    jobs.progress(session, job.id, people, left - people)
    return False


LETTER_UNITS = 10
"""Units whose letters one step prints (a few seconds at most)."""


def _letters_step(session: Session, job: Job, context: Context) -> bool:
    """Print the letters of the next units as one PDF each; at the end bundle them in one
    ZIP kept for download. The job's ``done`` counts units, so a job taken over by another
    runner carries on where it stopped (a unit printed twice is written over whole)."""
    campaign = session.get(Campaign, job.campaign_id)
    if campaign is None:
        raise ServiceError("no_campaign")
    issue_job = int(job.params["issue_job"])
    units: list[int] = [int(u) for u in job.params.get("units", [])]
    folder = invitations.letters_folder(context.files, job.id)
    chunk = units[job.done : job.done + LETTER_UNITS]
    if not chunk:
        bundle = invitations.bundle_letters(folder)
        jobs.finish(
            session,
            job.id,
            {"file": bundle.name, "size": bundle.stat().st_size, "units": len(units)},
        )
        return True
    seen = job.done
    codes = dict(session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(chunk))).all())
    for unit_id in chunk:
        links = invitations.letters(session, issue_job, context.sealer, unit_id)
        if links:
            data = invitations.letters_pdf(
                session, campaign, links, context.base_url, context.hotline
            )
            invitations.write_unit_letters(folder, unit_id, codes.get(unit_id, ""), data)
        jobs.heartbeat_now(session, job.id)
    jobs.advance(session, job.id, seen, len(chunk), len(units) - seen - len(chunk))
    return False


STEPS: dict[JobKind, Step] = {
    JobKind.ISSUE_INVITATIONS: _issue_step,
    JobKind.LETTERS_PDF: _letters_step,
}


def context_of(app: Flask) -> Context:
    settings = app.config["SETTINGS"]
    return Context(
        LinkSealer.from_secret(settings.link_key or app.config["SECRET_KEY"]),
        Path(app.instance_path),
        str(settings.public_base_url).rstrip("/"),
        settings.hotline,
    )


def run_job(factory: sessionmaker[Session], job_id: int, context: Context) -> bool:
    """Claim the job and run it step by step; False if another runner has it."""
    with factory() as session:
        if not jobs.claim(session, job_id):
            session.rollback()
            return False
        session.commit()
    while not _step(factory, job_id, context):
        pass
    return True


def _step(factory: sessionmaker[Session], job_id: int, context: Context) -> bool:
    """One step in its own transaction, after a heartbeat in another; True when the job is
    over (done, failed, gone) or the database is unavailable (the job then goes stale and is
    taken over later, never marked failed for an outage)."""
    try:
        with factory() as session:
            jobs.heartbeat(session, job_id)
            session.commit()
        with factory() as session:
            job = jobs.get(session, job_id)
            if job is None or job.status is not JobStatus.RUNNING:
                return True
            return _run_step(session, job, context)
    except DATABASE_UNAVAILABLE:
        log.warning("background job %s paused: the database is unavailable", job_id)
        return True


def _run_step(session: Session, job: Job, context: Context) -> bool:
    try:
        finished = STEPS[job.kind](session, job, context)
        session.commit()
        return finished
    except DATABASE_UNAVAILABLE:
        raise
    except ServiceError as exc:
        code = exc.code
    except Exception:  # noqa: BLE001 - a job never takes its thread's process down
        log.exception("background job %s failed", job.id)
        code = "internal"
    session.rollback()
    jobs.fail(session, job.id, code)
    session.commit()
    return True


def run_pending(app: Flask) -> int:
    """Run every claimable job now (queued, or stale); the number of jobs run."""
    factory: sessionmaker[Session] = app.extensions["session_factory"]
    with factory() as session:
        ids = jobs.claimable(session)
    context = context_of(app)
    return sum(run_job(factory, job_id, context) for job_id in ids)


def kick(app: Flask, job_id: int) -> None:
    """Have the job run by this process (thread mode), now (inline), or by the worker."""
    mode = RunnerMode(app.config.get("JOB_RUNNER", RunnerMode.THREAD))
    if mode is RunnerMode.EXTERNAL:
        return
    factory: sessionmaker[Session] = app.extensions["session_factory"]
    if mode is RunnerMode.INLINE:
        run_job(factory, job_id, context_of(app))
        return
    thread = threading.Thread(
        target=_run_logged,
        args=(factory, job_id, context_of(app)),
        name=f"job-{job_id}",
        daemon=True,
    )
    thread.start()


def _run_logged(factory: sessionmaker[Session], job_id: int, context: Context) -> None:
    try:
        run_job(factory, job_id, context)
    except Exception:  # noqa: BLE001 - e.g. the database went away; the job goes stale
        log.exception("runner of job %s stopped", job_id)


def work(app: Flask, *, once: bool = False, idle_seconds: float = 2.0) -> None:
    """A standalone worker: run claimable jobs until stopped (``once``: until none is left)."""
    while True:
        ran = run_pending(app)
        if once and not ran:
            return
        if not ran:
            time.sleep(idle_seconds)

"""Issuing invitations is a background job: it survives a closed browser and a dead process,
two administrators get one job, its letters can be printed again, and a sampling run can never
delete respondents whose invitations are being issued."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from survey_app import worker
from survey_app.errors import ServiceError
from survey_app.persistence.enums import JobKind, JobStatus
from survey_app.persistence.models import Campaign, Invitation, Job, Respondent
from survey_app.services import draws, invitations, jobs
from tests.support import make_respondent, open_fieldwork


def _people(session: Session, demo: int, count: int) -> Campaign:
    open_fieldwork(session, demo)
    for i in range(count):
        make_respondent(session, demo, "H03.01" if i % 2 else "H03.02", f"Người Nhận {i:03d}")
    session.commit()
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    return campaign


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_issuing_is_a_job_whose_letters_can_be_printed_again(
    app: Flask, session: Session, demo: int, as_role
) -> None:
    _people(session, demo, 7)
    admin = as_role("admin")
    started = admin.post("/fieldwork/invitations")
    assert started.status_code == 302 and "/fieldwork/jobs/" in started.headers["Location"]
    page = admin.get(started.headers["Location"]).get_data(as_text=True)
    assert "Đã phát hành 7 giấy mời" in page
    job = session.scalar(select(Job))
    assert job is not None and job.status is JobStatus.DONE and job.done == 7
    unit_id = session.scalar(
        select(Respondent.unit_id).where(Respondent.full_name == "Người Nhận 001")
    )
    first = admin.get(f"/fieldwork/jobs/{job.id}/letters?unit={unit_id}")
    again = admin.get(f"/fieldwork/jobs/{job.id}/letters?unit={unit_id}")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and html.count("GIẤY MỜI THAM GIA KHẢO SÁT") == 3
    assert html == again.get_data(as_text=True)  # the same links, printed again
    rows = list(
        csv.reader(
            io.StringIO(admin.get(f"/fieldwork/jobs/{job.id}/links.csv").get_data(as_text=True))
        )
    )
    assert len(rows) == 8
    token = rows[1][2].rsplit("/s/", 1)[1]
    assert invitations.find(session, token) is not None  # the printed link opens the form
    assert first.headers["Cache-Control"] == "no-store"
    pdf = admin.get(f"/fieldwork/jobs/{job.id}/letters.pdf?unit={unit_id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == 3, "one A4 page per letter"
    text = pages[0].extract_text()
    assert (
        "Kính gửi" in text and "Người Nhận" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    )


def test_a_job_left_by_a_dead_process_is_taken_over_without_duplicates(
    app: Flask, session: Session, demo: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = _people(session, demo, 9)
    monkeypatch.setattr(worker, "ISSUE_BATCH", 4)
    job, created = jobs.start(session, campaign.id, JobKind.ISSUE_INVITATIONS, None)
    session.commit()
    factory = app.extensions["session_factory"]
    context = worker.context_of(app)
    with factory() as s:
        assert jobs.claim(s, job.id)
        s.commit()
    assert not worker._step(factory, job.id, context)  # one batch, then the process "dies"
    assert _count(session, Invitation) == 4
    with factory() as s:  # a second runner must not take a job whose heartbeat is fresh
        assert not jobs.claim(s, job.id)
        s.rollback()
    session.execute(
        update(Job).values(
            heartbeat_at=dt.datetime.now(dt.UTC) - jobs.STALE_AFTER - dt.timedelta(seconds=1)
        )
    )
    session.commit()
    assert worker.run_pending(app) == 1
    session.expire_all()
    done = session.get(Job, job.id)
    assert done is not None and done.status is JobStatus.DONE and done.done == 9
    assert _count(session, Invitation) == 9
    assert len(invitations.letters(session, job.id, context.sealer)) == 9


def test_in_thread_mode_the_job_finishes_after_the_request(
    app: Flask, session: Session, demo: int, as_role
) -> None:
    _people(session, demo, 5)
    app.config["JOB_RUNNER"] = "thread"
    admin = as_role("admin")
    assert admin.post("/fieldwork/invitations").status_code == 302
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        session.expire_all()
        job = session.scalar(select(Job))
        if job is not None and job.status is JobStatus.DONE:
            break
        time.sleep(0.1)
    assert job is not None and job.status is JobStatus.DONE
    assert _count(session, Invitation) == 5


def test_two_administrators_issuing_at_once_get_one_job(
    app: Flask, session: Session, demo: int, as_role
) -> None:
    _people(session, demo, 3)
    app.config["JOB_RUNNER"] = "external"  # leave the job queued: the second press sees it
    first, second = as_role("admin"), as_role("admin")
    assert first.post("/fieldwork/invitations").status_code == 302
    answer = second.post("/fieldwork/invitations", follow_redirects=True)
    assert answer.status_code == 200 and "Đang phát hành giấy mời" in answer.get_data(as_text=True)
    assert _count(session, Job) == 1
    assert worker.run_pending(app) == 1 and _count(session, Invitation) == 3


def test_a_sampling_run_waits_for_issuing_and_then_refuses(
    app: Flask, session: Session, full_demo: int
) -> None:
    """The race that deleted just-issued invitations: a run starting while they are issued."""
    session.execute(delete(Invitation))
    session.commit()
    campaign = session.get(Campaign, full_demo)
    assert campaign is not None
    factory = app.extensions["session_factory"]
    outcome: list[object] = []

    def run_sampling() -> None:
        with factory() as other:
            try:
                draws.run(other, other.get(Campaign, full_demo), 99, None)
                other.commit()
                outcome.append("ran")
            except ServiceError as exc:
                other.rollback()
                outcome.append(exc.code)

    with factory() as issuing:
        issued = invitations.issue(issuing, issuing.get(Campaign, full_demo), None, limit=200)
        runner = threading.Thread(target=run_sampling)
        runner.start()
        time.sleep(0.5)  # the run is now waiting for the campaign's lock
        issuing.commit()
    runner.join(timeout=60)
    assert outcome == ["sample_in_use"]
    assert _count(session, Invitation) == len(issued) == 200
    tokens_work = [invitations.find(session, link.token) for link in issued[:20]]
    assert all(found is not None for found in tokens_work)


def test_two_sampling_runs_at_once_queue_instead_of_failing(
    app: Flask, session: Session, full_demo: int, as_role
) -> None:
    """Both administrators' runs go through one after the other: no 500, one clean draw."""
    from concurrent.futures import ThreadPoolExecutor

    from survey_app.persistence.models import SamplingRun

    session.execute(delete(Invitation))
    session.commit()
    clients = [as_role("admin"), as_role("admin")]
    start = threading.Barrier(2)

    def run(pair: tuple[int, object]) -> int:
        seed, client = pair
        start.wait()
        return client.post("/sampling/run", data={"seed": seed}).status_code  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(run, [(11, clients[0]), (12, clients[1])]))
    assert codes == [302, 302]
    session.expire_all()
    last = session.scalar(select(SamplingRun).order_by(SamplingRun.id.desc()))
    assert last is not None and _count(session, SamplingRun) >= 2
    rows = session.scalars(select(Respondent.run_id)).all()
    assert set(rows) == {last.id}  # only the later run's respondents remain


def test_every_units_letters_are_printed_in_the_background_and_kept(
    app: Flask, session: Session, demo: int, as_role
) -> None:
    import zipfile

    _people(session, demo, 7)
    admin = as_role("admin")
    admin.post("/fieldwork/invitations")
    job = session.scalar(select(Job))
    assert job is not None
    started = admin.post(f"/fieldwork/jobs/{job.id}/letters-batch")
    assert started.status_code == 302 and "/fieldwork/letters/" in started.headers["Location"]
    page = admin.get(started.headers["Location"])
    assert page.status_code == 200 and "Đã in thư của" in page.get_data(as_text=True)
    batch_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert admin.get(f"/fieldwork/jobs/{batch_id}").status_code == 302  # to the batch's page
    download = admin.get(f"/fieldwork/letters/{batch_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(download.data))
    names = bundle.namelist()
    assert len(names) == len(invitations.letters_by_unit(session, job.id))
    assert all(n.startswith("thu-moi-") and n.endswith(".pdf") for n in names)
    assert all(bundle.read(n).startswith(b"%PDF") for n in names)
    again = admin.get(f"/fieldwork/letters/{batch_id}/download")
    assert again.data == download.data, "kept for re-download"
    assert admin.get(f"/fieldwork/letters/{job.id}").status_code == 302, "an issuing job's page"

"""The administrator's fieldwork pages: progress, invitation letters, reminders, assignment."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from markupsafe import Markup

from survey_app import worker
from survey_app.errors import CATALOGUE, ServiceError, render
from survey_app.persistence.enums import AuditAction, JobKind, JobStatus, Role
from survey_app.persistence.session import after_commit, get_session
from survey_app.sealing import LinkSealer
from survey_app.security import current_user, roles_required
from survey_app.services import audit, campaigns, fieldwork, invitations, jobs, lookup, registry
from survey_app.services.spreadsheet import csv_bytes
from survey_app.web.helpers import get_or_404, locale_code, working_campaign

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign, Job

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork")


def _campaign() -> Campaign:
    return working_campaign()


@bp.get("/")
@roles_required(Role.ADMIN)
def progress() -> str:
    campaign = _campaign()
    rows = fieldwork.progress(get_session(), campaign)
    total = fieldwork.totals(rows) if rows else None
    units = sorted({r.unit.id: r.unit for r in rows}.values(), key=lambda u: u.code)
    issue_jobs = jobs.recent(get_session(), campaign.id, JobKind.ISSUE_INVITATIONS)
    for stale in (j for j in issue_jobs if jobs.is_stale(j)):  # its process died: carry on
        worker.kick(current_app._get_current_object(), stale.id)  # type: ignore[attr-defined]
    return render_template(
        "fieldwork/progress.html",
        campaign=campaign,
        rows=rows,
        total=total,
        units=units,
        interviewers=fieldwork.interviewers(get_session()),
        issue_jobs=issue_jobs,
    )


@bp.post("/invitations")
@roles_required(Role.ADMIN)
def issue() -> Any:
    """Queue the job that issues links to everyone not yet invited; show its page.

    A whole sample takes a minute or more, so it is a background job: the browser may close,
    and the letters are printed from the job's page, per unit, as often as needed.
    """
    campaign = _campaign()
    session = get_session()
    if not invitations.count_uninvited(session, campaign.id):
        flash(_("Mọi người được chọn đều đã có giấy mời."), "success")
        return redirect(url_for("fieldwork.progress", campaign=campaign.id))
    try:
        invitations.check_tasks(session, campaign)
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("fieldwork.progress", campaign=campaign.id))
    job, created = jobs.start(session, campaign.id, JobKind.ISSUE_INVITATIONS, current_user())
    if created:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        job_id = job.id
        after_commit(lambda: worker.kick(app, job_id))
    else:
        flash(
            ServiceError(
                "issue_running", started=format_datetime(job.created_at, "dd/MM/yyyy HH:mm")
            ).message(locale_code()),
            "warning",
        )
    return redirect(url_for("fieldwork.job", job_id=job.id))


def _job(job_id: int, kinds: tuple[JobKind, ...] = (JobKind.ISSUE_INVITATIONS,)) -> Job:
    """The job, if it is of one of ``kinds`` (404 otherwise)."""
    job = jobs.get(get_session(), job_id)
    if job is None or job.kind not in kinds:
        abort(404)
    return job


_ANY = (JobKind.ISSUE_INVITATIONS, JobKind.LETTERS_PDF)


@bp.get("/jobs/<int:job_id>")
@roles_required(Role.ADMIN)
def job(job_id: int) -> Any:
    """A job's progress (the page refreshes itself while it runs), then its letters per unit.

    A job nobody is running any more (its process died) is taken over from here.
    """
    found = _job(job_id, _ANY)
    if found.kind is JobKind.LETTERS_PDF:
        return redirect(url_for("fieldwork.letters_job", job_id=found.id))
    if jobs.is_stale(found):
        worker.kick(current_app._get_current_object(), found.id)  # type: ignore[attr-defined]
    units = invitations.letters_by_unit(get_session(), found.id)
    error = render(found.error_code, locale_code(), {}) if found.error_code in CATALOGUE else None
    return render_template(
        "fieldwork/job.html",
        job=found,
        units=units,
        error=error,
        active=found.status in jobs.ACTIVE,
    )


def _sealer() -> LinkSealer:
    return worker.context_of(current_app).sealer


@bp.get("/jobs/<int:job_id>/letters")
@roles_required(Role.ADMIN)
def job_letters(job_id: int) -> Any:
    """The printable letters of one unit of a job (a whole sample in one page is what made
    issuing take a minute and 56 MB: letters go per unit)."""
    found = _job(job_id)
    if request.args.get("unit") is None:  # letters go per unit: the job's page lists them
        return redirect(url_for("fieldwork.job", job_id=found.id))
    unit = get_or_404(lookup.unit(get_session(), request.args.get("unit", type=int)))
    links = get_or_404(
        invitations.print_letters(get_session(), found, _sealer(), current_user(), unit.id) or None
    )
    return letters_response(links, campaigns.get_campaign(get_session(), found.campaign_id))


@bp.get("/jobs/<int:job_id>/letters.pdf")
@roles_required(Role.ADMIN)
def job_letters_pdf(job_id: int) -> Any:
    """One unit's letters as a PDF to print on an office PC: A4, one page a letter, the
    national heading, the QR code drawn as vectors (a unit's 30 letters are some 150 KB)."""
    found = _job(job_id)
    if request.args.get("unit") is None:  # letters go per unit: the job's page lists them
        return redirect(url_for("fieldwork.job", job_id=found.id))
    unit = get_or_404(lookup.unit(get_session(), request.args.get("unit", type=int)))
    links = get_or_404(
        invitations.print_letters(get_session(), found, _sealer(), current_user(), unit.id) or None
    )
    campaign = campaigns.get_campaign(get_session(), found.campaign_id)
    data = invitations.letters_pdf(
        get_session(), campaign, links, _base_url(), current_app.config["SETTINGS"].hotline
    )
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"thu-moi-{unit.code}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/jobs/<int:job_id>/letters-batch")
@roles_required(Role.ADMIN)
def letters_batch(job_id: int) -> Any:
    """Print every unit's letters of an issuing job in the background: one PDF per unit, in
    one ZIP kept for download (the page shows the progress; the browser may close)."""
    found = _job(job_id)
    session = get_session()
    if found.status is not JobStatus.DONE:  # a batch of a job still issuing would miss units
        flash(_("Hãy chờ việc phát hành giấy mời xong rồi mới in thư."), "warning")
        return redirect(url_for("fieldwork.job", job_id=found.id))
    units = [unit.id for unit, _n in invitations.letters_by_unit(session, found.id)]
    if not units:
        flash(_("Không có thư nào để in."), "warning")
        return redirect(url_for("fieldwork.job", job_id=found.id))
    batch, created = jobs.start(
        session,
        found.campaign_id,
        JobKind.LETTERS_PDF,
        current_user(),
        {"issue_job": found.id, "units": units},
    )
    if created:
        audit.record(
            session,
            AuditAction.EXPORT,
            user=current_user(),
            campaign_id=found.campaign_id,
            target=f"letters pdf job {found.id}",
            units=len(units),
        )
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        batch_id = batch.id
        after_commit(lambda: worker.kick(app, batch_id))
    else:
        flash(_("Đang in một lô thư khác; trang này cho biết tiến độ của lô đó."), "warning")
    return redirect(url_for("fieldwork.letters_job", job_id=batch.id))


@bp.get("/letters/<int:job_id>")
@roles_required(Role.ADMIN)
def letters_job(job_id: int) -> Any:
    """A batch of letters: its progress (the page refreshes itself), then the download."""
    found = _job(job_id, _ANY)
    if found.kind is not JobKind.LETTERS_PDF:
        return redirect(url_for("fieldwork.job", job_id=found.id))
    if jobs.is_stale(found):
        worker.kick(current_app._get_current_object(), found.id)  # type: ignore[attr-defined]
    error = render(found.error_code, locale_code(), {}) if found.error_code in CATALOGUE else None
    kept = _letters_file(found)
    if found.status is JobStatus.DONE and kept is None:
        error = _(
            "Tệp thư của lô này không còn trên máy chủ (hoặc được in ở một máy chủ khác). "
            "Hãy in lại từ trang phát hành giấy mời."
        )
    return render_template(
        "fieldwork/letters_job.html",
        job=found,
        error=error,
        kept=kept is not None,
        active=found.status in jobs.ACTIVE,
    )


def _letters_file(found: Job) -> Path | None:
    """The batch's ZIP on this server, None when it is not there (not done, or gone)."""
    name = str((found.result or {}).get("file", ""))
    if not name or "/" in name or "\\" in name:
        return None
    path = invitations.letters_folder(Path(current_app.instance_path), found.id) / name
    return path if path.is_file() else None


@bp.get("/letters/<int:job_id>/download")
@roles_required(Role.ADMIN)
def letters_download(job_id: int) -> Any:
    """The batch's ZIP (one PDF per unit), as often as needed."""
    found = _job(job_id, _ANY)
    path = _letters_file(found) if found.kind is JobKind.LETTERS_PDF else None
    if path is None:
        return redirect(url_for("fieldwork.letters_job", job_id=found.id))
    audit.record(
        get_session(),
        AuditAction.EXPORT,
        user=current_user(),
        campaign_id=found.campaign_id,
        target=f"letters zip job {found.id}",
    )
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"thu-moi-lo-{found.id}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>/links.csv")
@roles_required(Role.ADMIN)
def job_links(job_id: int) -> Any:
    """Every link of a job as CSV (for mail merge, SMS or Zalo)."""
    found = _job(job_id)
    return _links_csv(
        invitations.print_letters(get_session(), found, _sealer(), current_user(), as_csv=True)
    )


def _base_url() -> str:
    return str(current_app.config["SETTINGS"].public_base_url).rstrip("/")


def _links_csv(links: list[invitations.IssuedLink]) -> Any:
    base = _base_url()
    body = csv_bytes(
        ["Họ và tên", "Đơn vị", "Đường dẫn", "Mã phiếu"],
        [
            (
                x.full_name,
                x.unit_name,
                f"{base}/s/{x.token}",
                invitations.format_short_code(x.short_code),
            )
            for x in links
        ],
    )
    return current_app.response_class(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename=duong-dan-khao-sat.csv",
            "Cache-Control": "no-store",
        },
    )


def letters_response(links: list[invitations.IssuedLink], campaign: Any) -> Any:
    base = _base_url()
    letters = [
        (
            x,
            f"{base}/s/{x.token}",
            invitations.format_short_code(x.short_code),
            Markup(invitations.qr_svg(f"{base}/s/{x.token}")),  # noqa: S704 - our own SVG
        )
        for x in links
    ]
    provinces = registry.top_units(get_session(), campaign)
    html = render_template(
        "fieldwork/letters.html",
        letters=letters,
        campaign=campaign,
        base=base,
        today=dt.date.today(),
        province=provinces[0] if provinces else None,
    )
    return current_app.response_class(html, headers={"Cache-Control": "no-store"})


@bp.get("/non-respondents.csv")
@roles_required(Role.ADMIN)
def non_respondents() -> Any:
    return current_app.response_class(
        fieldwork.non_respondents_csv(get_session(), _campaign(), current_user()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=chua-tra-loi.csv"},
    )


@bp.post("/assign")
@roles_required(Role.ADMIN)
def assign() -> Any:
    campaign = _campaign()
    unit = get_or_404(lookup.unit(get_session(), request.form.get("unit_id", type=int)))
    if unit.campaign_id != campaign.id:
        abort(404)
    interviewer = lookup.user(get_session(), request.form.get("interviewer_id", type=int))
    if interviewer is not None and interviewer.role is not Role.INTERVIEWER:
        abort(400)
    count = fieldwork.assign(get_session(), campaign, unit, interviewer)
    flash(_("Đã giao %(n)d người của %(unit)s.", n=count, unit=unit.name), "success")
    return redirect(url_for("fieldwork.progress"))

"""Home page, language switch and the health check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from survey_app.errors import ServiceError
from survey_app.extensions import LOCALES
from survey_app.persistence.enums import CampaignStatus, Role, UnitStage
from survey_app.persistence.session import get_session
from survey_app.security import current_user, login_required, public
from survey_app.services import assessment, campaigns, dashboard, health
from survey_app.web.labels import STAGE_LABELS

if TYPE_CHECKING:
    from survey_app.persistence.models import User

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home() -> str:
    user = current_user()
    assert user is not None
    try:
        campaign = campaigns.current_campaign(get_session())
    except ServiceError:
        return render_template("main/home.html", campaign=None, overview=None)
    overview = dashboard.overview(get_session(), campaign, user)
    return render_template(
        "main/home.html",
        campaign=campaign,
        overview=overview,
        Role=Role,
        tasks=_tasks(user),
        today_vn=assessment.vietnam_today(),
        stage_labels=STAGE_LABELS,
    )


def _tasks(user: User) -> list[tuple[Any, Any, Any]]:
    """A unit officer's or an appraiser's self-assessment reports still to act on, with
    their window: (report, campaign, window)."""
    if user.role not in (Role.UNIT_OFFICER, Role.APPRAISER):
        return []
    session = get_session()
    acting = (
        (UnitStage.NOT_STARTED, UnitStage.DRAFT, UnitStage.EXPLANATION_REQUESTED)
        if user.role is Role.UNIT_OFFICER
        else (UnitStage.SUBMITTED, UnitStage.IN_APPRAISAL, UnitStage.EXPLAINED)
    )
    reports = [
        (report, found)
        for report, found in assessment.reports_of_user(session, user)
        if report.stage in acting and found.status is not CampaignStatus.CLOSED
    ]
    windows = assessment.windows_of(session, [report for report, _f in reports])
    return [(report, found, windows[report.id]) for report, found in reports]


@bp.post("/locale")
@public
def set_locale() -> Response:
    """Switch the interface language (Vietnamese or English); kept in the session."""
    chosen = request.form.get("locale", "vi")
    session["locale"] = chosen if chosen in LOCALES else "vi"
    target = request.form.get("next") or url_for("main.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)


@bp.get("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database takes a write and reads it back; 503 otherwise (load balancers).

    A read alone said "ok" on a full disk or a read-only database, which then refused every
    submission. The probe commits here, not at the end of the request, so its outcome is
    known before answering; it costs one upsert, one commit and one SELECT.
    """
    db = get_session()
    try:
        written = health.write_probe(db)
        db.commit()
        if health.read_probe(db) != written:
            return {"status": "error", "database": "write_not_kept"}, 503
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        _rollback_quietly(db)
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


def _rollback_quietly(db: Session) -> None:
    """Roll back a failed probe; a database that is gone cannot roll back either."""
    try:
        db.rollback()
    except Exception:  # noqa: BLE001 - already reporting the database as unhealthy
        current_app.logger.warning("health check: rollback failed")

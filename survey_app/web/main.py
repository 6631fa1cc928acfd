"""Home page, language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy import text
from werkzeug.wrappers import Response

from survey_app.errors import ServiceError
from survey_app.extensions import LOCALES
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, login_required, public
from survey_app.services import campaigns, dashboard

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
    return render_template("main/home.html", campaign=campaign, overview=overview, Role=Role)


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
    """200 when the database answers; 503 otherwise (for load balancers)."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200

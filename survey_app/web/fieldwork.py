"""The administrator's fieldwork pages: progress, invitation letters, reminders, assignment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from domain import UnitLevel
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import Respondent, Unit, User
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import audit, campaigns, fieldwork, invitations, registry
from survey_app.services.spreadsheet import csv_bytes
from survey_app.web.helpers import locale_code

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork")


def _campaign():  # type: ignore[no-untyped-def]
    try:
        return campaigns.get_campaign(get_session(), request.args.get("campaign", type=int))
    except ServiceError:
        abort(404)


@bp.get("/")
@roles_required(Role.ADMIN)
def progress() -> str:
    campaign = _campaign()
    rows = fieldwork.progress(get_session(), campaign)
    total = fieldwork.totals(rows) if rows else None
    units = sorted({r.unit.id: r.unit for r in rows}.values(), key=lambda u: u.code)
    return render_template("fieldwork/progress.html", campaign=campaign, rows=rows, total=total,
                           units=units, interviewers=fieldwork.interviewers(get_session()))


@bp.post("/invitations")
@roles_required(Role.ADMIN)
def issue() -> Any:
    """Issue links to everyone not yet invited; the letters are shown once, never stored."""
    campaign = _campaign()
    links = invitations.issue(get_session(), campaign, current_user())
    if not links:
        flash(_("Mọi người được chọn đều đã có giấy mời."), "success")
        return redirect(url_for("fieldwork.progress"))
    if request.form.get("format") == "csv":
        return _links_csv(links)
    return letters_response(links, campaign)


def _base_url() -> str:
    return str(current_app.config["SETTINGS"].public_base_url).rstrip("/")


def _links_csv(links: list[invitations.IssuedLink]) -> Any:
    base = _base_url()
    body = csv_bytes(["Họ và tên", "Đơn vị", "Đường dẫn", "Mã phiếu"],
                     [(x.full_name, x.unit_name, f"{base}/s/{x.token}",
                       invitations.format_short_code(x.short_code)) for x in links])
    return current_app.response_class(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=duong-dan-khao-sat.csv",
        "Cache-Control": "no-store"})


def letters_response(links: list[invitations.IssuedLink], campaign: Any) -> Any:
    base = _base_url()
    letters = [(x, f"{base}/s/{x.token}", invitations.format_short_code(x.short_code),
                Markup(invitations.qr_svg(f"{base}/s/{x.token}")))  # noqa: S704 - our own SVG
               for x in links]
    provinces = registry.list_units(get_session(), campaign, UnitLevel.PROVINCE)
    html = render_template("fieldwork/letters.html", letters=letters, campaign=campaign,
                           base=base, today=dt.date.today(),
                           province=provinces[0] if provinces else None)
    return current_app.response_class(html, headers={"Cache-Control": "no-store"})


@bp.post("/respondents/<int:respondent_id>/reissue")
@roles_required(Role.ADMIN)
def reissue(respondent_id: int) -> Any:
    respondent = get_session().get(Respondent, respondent_id)
    if respondent is None:
        abort(404)
    try:
        link = invitations.reissue(get_session(), respondent, current_user())
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("fieldwork.progress"))
    return letters_response([link], respondent.unit.campaign)


@bp.get("/non-respondents.csv")
@roles_required(Role.ADMIN)
def non_respondents() -> Any:
    campaign = _campaign()
    audit.record(get_session(), AuditAction.EXPORT, user=current_user(),
                 campaign_id=campaign.id, target="non_respondents")
    return current_app.response_class(
        fieldwork.non_respondents_csv(get_session(), campaign), mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=chua-tra-loi.csv"})


@bp.post("/assign")
@roles_required(Role.ADMIN)
def assign() -> Any:
    campaign = _campaign()
    unit = get_session().get(Unit, request.form.get("unit_id", type=int))
    if unit is None or unit.campaign_id != campaign.id:
        abort(404)
    interviewer_id = request.form.get("interviewer_id", type=int)
    interviewer = get_session().get(User, interviewer_id) if interviewer_id else None
    if interviewer is not None and interviewer.role is not Role.INTERVIEWER:
        abort(400)
    count = fieldwork.assign(get_session(), campaign, unit, interviewer)
    flash(_("Đã giao %(n)d người của %(unit)s.", n=count, unit=unit.name), "success")
    return redirect(url_for("fieldwork.progress"))

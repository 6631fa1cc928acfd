"""Administration: campaigns, the unit registry, accounts and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from domain import CampaignKind, UnitLevel
from survey_app.errors import RowsRejected, ServiceError
from survey_app.persistence.enums import AuditAction, CampaignStatus, Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import accounts, audit, campaigns, lookup, registry
from survey_app.web.forms import (
    CampaignForm,
    FileUploadForm,
    RoleForm,
    UserForm,
)
from survey_app.web.helpers import get_or_404, locale_code, read_upload
from survey_app.web.labels import KIND_LABELS, ROLE_LABELS, STATUS_LABELS

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _campaign(campaign_id: int) -> Campaign:
    return get_or_404(lookup.campaign(get_session(), campaign_id))


@bp.get("/campaigns")
@roles_required(Role.ADMIN)
def campaign_list() -> str:
    return render_template(
        "admin/campaigns.html",
        campaigns=campaigns.list_campaigns(get_session()),
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def campaign_new() -> str | Response:
    form = CampaignForm(year=dt.date.today().year)
    if form.validate_on_submit():
        campaign = campaigns.create_campaign(get_session(), _campaign_input(form), current_user())
        flash(_("Đã tạo đợt khảo sát."), "success")
        return redirect(url_for("admin.units", campaign_id=campaign.id))
    return render_template("admin/campaign_form.html", form=form, campaign=None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def campaign_edit(campaign_id: int) -> str | Response:
    campaign = _campaign(campaign_id)
    form = CampaignForm(obj=campaign)
    if request.method == "GET":
        form.kind.data = campaign.kind.value
        form.status.data = campaign.status.value
    if form.validate_on_submit():
        campaigns.update_campaign(get_session(), campaign, _campaign_input(form), current_user())
        flash(_("Đã lưu."), "success")
        return redirect(url_for("admin.campaign_list"))
    return render_template("admin/campaign_form.html", form=form, campaign=campaign)


def _campaign_input(form: CampaignForm) -> campaigns.CampaignInput:
    return campaigns.CampaignInput(
        year=int(form.year.data or 0),
        kind=CampaignKind(form.kind.data),
        name=form.name.data or "",
        status=CampaignStatus(form.status.data),
        window_from=form.window_from.data,
        window_to=form.window_to.data,
        list_deadline=form.list_deadline.data,
        fieldwork_opens=form.fieldwork_opens.data,
        fieldwork_closes=form.fieldwork_closes.data,
        allow_late_uploads=bool(form.allow_late_uploads.data),
    )


@bp.route("/campaigns/<int:campaign_id>/units", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def units(campaign_id: int) -> str:
    campaign = _campaign(campaign_id)
    form = FileUploadForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        filename, data = read_upload(form.file.data)
        try:
            result = registry.import_units(get_session(), campaign, filename, data, current_user())
            flash(
                _(
                    "Đã nhập %(created)d đơn vị mới, cập nhật %(updated)d.",
                    created=result.created,
                    updated=result.updated,
                ),
                "success",
            )
        except RowsRejected as exc:
            problems = [f"{_('Dòng')} {p.row}: {p.message(locale_code())}" for p in exc.problems]
            flash(exc.message(locale_code()), "error")
            status = 422
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
            status = 422
    level = request.args.get("level")
    chosen = UnitLevel(level) if level in set(UnitLevel) else None
    unit_rows = registry.list_units(get_session(), campaign, chosen)
    return render_template(
        "admin/units.html",
        campaign=campaign,
        form=form,
        units=unit_rows,
        problems=problems,
        levels=list(UnitLevel),
        level=chosen,
    ), status  # type: ignore[return-value]


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users() -> str | Response:
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        role = Role(form.role.data)
        if role is Role.UNIT_OFFICER and not form.unit_code.data:
            form.unit_code.errors = [_("Cán bộ đơn vị cần mã đơn vị.")]
            status = 422
        else:
            try:
                accounts.create_user(
                    get_session(),
                    username=form.username.data or "",
                    full_name=form.full_name.data or "",
                    password=form.password.data or "",
                    role=role,
                    unit_code=form.unit_code.data or None,
                    actor=current_user(),
                )
                flash(_("Đã tạo tài khoản."), "success")
                return redirect(url_for("admin.users"))
            except ServiceError as exc:
                flash(exc.message(locale_code()), "error")
                status = 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "admin/users.html",
        form=form,
        users=accounts.list_users(get_session()),
        roles=ROLE_LABELS,
        role_form=RoleForm(),
    ), status  # type: ignore[return-value]


@bp.post("/users/<int:user_id>/role")
@roles_required(Role.ADMIN)
def user_role(user_id: int) -> Response:
    user = get_or_404(lookup.user(get_session(), user_id))
    form = RoleForm()
    actor = current_user()
    assert actor is not None
    if form.validate_on_submit():
        role = Role(form.role.data)
        if role is Role.UNIT_OFFICER and not form.unit_code.data:
            flash(_("Cán bộ đơn vị cần mã đơn vị."), "error")
        else:
            accounts.change_role(get_session(), user, role, form.unit_code.data or None, actor)
            flash(_("Đã đổi vai trò."), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/sessions/revoke")
@roles_required(Role.ADMIN)
def user_sessions_revoke(user_id: int) -> Response:
    """Sign a user out on every device (a lost phone, a cookie copied from a shared PC)."""
    user = get_or_404(lookup.user(get_session(), user_id))
    actor = current_user()
    assert actor is not None
    ended = accounts.end_sessions(get_session(), user, actor, request.remote_addr)
    flash(
        _(
            "Đã đăng xuất %(username)s trên mọi thiết bị (%(count)d phiên đang mở).",
            username=user.username,
            count=ended,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit_log() -> str:
    args = request.args
    action = args.get("action")
    flt = audit.AuditFilter(
        action=AuditAction(action) if action in set(AuditAction) else None,
        username=args.get("username") or None,
        since=_date_arg(args.get("since")),
        until=_date_arg(args.get("until")),
    )
    events = audit.list_events(get_session(), flt)
    return render_template("admin/audit.html", events=events, flt=flt, actions=list(AuditAction))


def _date_arg(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None

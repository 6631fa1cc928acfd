"""Administration: campaigns, the unit registry, accounts and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

import designs
from survey_app.errors import RowsRejected, ServiceError
from survey_app.persistence.enums import AuditAction, CampaignStatus, Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import accounts, audit, campaigns, lookup, registry
from survey_app.services import designs as designs_service
from survey_app.services.designs import DesignRefused
from survey_app.web.forms import (
    CampaignForm,
    DesignForm,
    FileUploadForm,
    NewCampaignForm,
    RoleForm,
    UserForm,
)
from survey_app.web.helpers import get_or_404, locale_code, read_upload
from survey_app.web.labels import ROLE_LABELS, RULE_LABELS, SHAPE_LABELS, STATUS_LABELS

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
        statuses=STATUS_LABELS,
        settings_of=designs_service.settings_of,
        design_of=designs_service.design_of,
    )


def _template_choices() -> list[tuple[str, str]]:
    locale = locale_code()
    return [("", _("— chọn mẫu —"))] + [
        (code, designs.template(code).name.in_locale(locale)) for code in designs.template_codes()
    ]


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def campaign_new() -> str | Response:
    form = NewCampaignForm(year=dt.date.today().year)
    form.template.choices = _template_choices()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            campaign = designs_service.create_campaign(
                get_session(),
                _chosen_design(form),
                year=int(form.year.data or 0),
                name=form.name.data or "",
                actor=current_user(),
            )
        except DesignRefused as exc:
            problems = exc.lines(locale_code())
            flash(exc.message(locale_code()), "error")
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        else:
            flash(
                _("Đã tạo đợt khảo sát. Hãy xem lại thiết kế rồi nhập danh mục đơn vị."), "success"
            )
            return redirect(url_for("admin.design", campaign_id=campaign.id))
    status = 422 if request.method == "POST" else 200
    page = render_template("admin/campaign_new.html", form=form, problems=problems)
    return page, status  # type: ignore[return-value]


def _chosen_design(form: NewCampaignForm) -> designs.CampaignDesign:
    """The template chosen, or the design file sent (which wins when both are given)."""
    if form.design_file.data:
        _name, data = read_upload(form.design_file.data)
        return designs_service.read_document(data, get_session())
    if not form.template.data:
        raise ServiceError("unknown_template", code="—")
    return designs_service.template(form.template.data)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def campaign_edit(campaign_id: int) -> str | Response:
    campaign = _campaign(campaign_id)
    deadlines = designs_service.settings_of(campaign).deadlines
    form = CampaignForm(
        year=campaign.year,
        name=campaign.name,
        status=campaign.status.value,
        list_deadline=deadlines.lists,
        fieldwork_opens=deadlines.fieldwork_opens,
        fieldwork_closes=deadlines.fieldwork_closes,
        allow_late_uploads=deadlines.late_uploads,
    )
    if form.validate_on_submit():
        try:
            campaigns.update_campaign(
                get_session(), campaign, _campaign_input(form), current_user()
            )
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        else:
            flash(_("Đã lưu."), "success")
            return redirect(url_for("admin.campaign_list"))
    return render_template("admin/campaign_form.html", form=form, campaign=campaign)


def _campaign_input(form: CampaignForm) -> campaigns.CampaignInput:
    return campaigns.CampaignInput(
        year=int(form.year.data or 0),
        name=form.name.data or "",
        status=CampaignStatus(form.status.data),
        list_deadline=form.list_deadline.data,
        fieldwork_opens=form.fieldwork_opens.data,
        fieldwork_closes=form.fieldwork_closes.data,
        allow_late_uploads=bool(form.allow_late_uploads.data),
    )


@bp.route("/campaigns/<int:campaign_id>/design", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def design(campaign_id: int) -> str | Response:
    """The campaign's design: its tables, and the YAML to edit, download or upload."""
    campaign = _campaign(campaign_id)
    form = DesignForm()
    upload = FileUploadForm(prefix="file")
    problems: list[str] = []
    sent: bytes | str | None = None
    if upload.file.data and upload.validate_on_submit():
        sent = read_upload(upload.file.data)[1]
    elif form.text.data is not None and form.validate_on_submit():
        sent = form.text.data
    if sent is not None:
        try:
            changed = designs_service.read_document(sent, get_session())
            designs_service.save_design(get_session(), campaign, changed, current_user())
        except DesignRefused as exc:
            problems = exc.lines(locale_code())
            flash(exc.message(locale_code()), "error")
        else:
            flash(_("Đã lưu thiết kế đợt khảo sát."), "success")
            return redirect(url_for("admin.design", campaign_id=campaign.id))
    current = designs_service.design_of(campaign)
    if not problems:
        form.text.data = designs.dump_yaml(current)
    page = render_template(
        "admin/design.html",
        campaign=campaign,
        design=current,
        form=form,
        upload=upload,
        problems=problems,
        rule_labels=RULE_LABELS,
        shape_labels=SHAPE_LABELS,
    )
    return page, 422 if problems else 200  # type: ignore[return-value]


@bp.get("/campaigns/<int:campaign_id>/design.yaml")
@roles_required(Role.ADMIN)
def design_file(campaign_id: int) -> Response:
    campaign = _campaign(campaign_id)
    text = designs.dump_yaml(designs_service.design_of(campaign))
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f"attachment; filename=thiet_ke_dot_{campaign.id}.yaml"},
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
    levels = [lv.code for lv in designs_service.design_of(campaign).levels]
    level = request.args.get("level")
    chosen = level if level in levels else None
    unit_rows = registry.list_units(get_session(), campaign, chosen)
    return render_template(
        "admin/units.html",
        campaign=campaign,
        form=form,
        units=unit_rows,
        problems=problems,
        levels=levels,
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

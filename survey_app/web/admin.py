"""Administration: campaigns, the unit registry, accounts and the audit log."""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectField

import designs
from survey_app.errors import RowsRejected, ServiceError
from survey_app.ingest import IngestError, safe_filename
from survey_app.persistence.enums import AuditAction, CampaignStatus, Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import accounts, audit, campaigns, lookup, registry
from survey_app.services import designs as designs_service
from survey_app.services.designs import DesignRefused
from survey_app.web.forms import (
    AccountImportForm,
    CampaignForm,
    DesignForm,
    FileUploadForm,
    NewCampaignForm,
    PasswordResetForm,
    PlainForm,
    RoleForm,
    UserForm,
)
from survey_app.web.helpers import get_or_404, locale_code, page_for, read_upload
from survey_app.web.labels import ROLE_LABELS, RULE_LABELS, SHAPE_LABELS, STATUS_LABELS

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign, User

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


def _actor() -> User:
    actor = current_user()
    assert actor is not None  # roles_required let only a logged-in user in
    return actor


def _unit_field(field: SelectField, choices: list[accounts.UnitChoice]) -> None:
    """The registry's units as the choices of a unit field (never typed free-hand)."""
    field.choices = [("", _("— không gắn đơn vị —"))] + [(c.code, c.label) for c in choices]


ACCOUNT_STATES = {
    accounts.AccountState.ACTIVE: _l("Đang hoạt động"),
    accounts.AccountState.DISABLED: _l("Đã khóa"),
}
_FIELD_OF_CODE = {
    "username_taken": "username",
    "bad_username": "username",
    "weak_password": "password",
    "unit_required": "unit_code",
    "unit_not_registered": "unit_code",
    "unit_not_for_role": "unit_code",
}


def _account_filter() -> accounts.AccountFilter:
    """The list's filters from the query string; unknown choices are dropped."""
    args = request.args
    role, state = args.get("role", ""), args.get("state", "")
    return accounts.AccountFilter(
        text=args.get("q", "")[:200].strip(),
        role=Role(role) if role in set(Role) else None,
        state=accounts.AccountState(state) if state in set(accounts.AccountState) else None,
    )


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users() -> str | Response:
    session = get_session()
    form = UserForm()
    choices = accounts.unit_choices(session)
    _unit_field(form.unit_code, choices)
    status = 200
    if form.validate_on_submit():
        try:
            accounts.create_user(
                session,
                username=form.username.data or "",
                full_name=form.full_name.data or "",
                password=form.password.data or "",
                role=Role(form.role.data),
                unit_code=form.unit_code.data or None,
                actor=_actor(),
            )
        except ServiceError as exc:
            message = exc.message(locale_code())
            if exc.code in _FIELD_OF_CODE:
                form[_FIELD_OF_CODE[exc.code]].errors = [message]
            flash(message, "error")
            status = 422
        else:
            flash(_("Đã tạo tài khoản."), "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 422
    wanted = _account_filter()
    found = accounts.search_users(session, wanted, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "admin/users.html",
        form=form,
        found=found,
        wanted=wanted,
        page=page_for(
            "page", found.number, found.pages, found.total, found.offset, len(found.rows)
        ),
        roles=ROLE_LABELS,
        states=ACCOUNT_STATES,
        has_units=bool(choices),
    ), status  # type: ignore[return-value]


def _account_page(
    user: User,
    *,
    role_form: RoleForm | None = None,
    password_form: PasswordResetForm | None = None,
    new_password: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    choices = accounts.unit_choices(get_session())
    role_form = role_form or RoleForm(role=user.role.value, unit_code=user.unit_code or "")
    _unit_field(role_form.unit_code, choices)
    page = render_template(
        "admin/account.html",
        user=user,
        unit_name={c.code: c.name for c in choices}.get(user.unit_code or ""),
        role_form=role_form,
        password_form=password_form or PasswordResetForm(),
        new_password=new_password,
        roles=ROLE_LABELS,
        is_self=user.id == _actor().id,
        min_length=accounts.MIN_PASSWORD_LENGTH,
    )
    return page, status


def _user(user_id: int) -> User:
    return get_or_404(lookup.user(get_session(), user_id))


@bp.get("/users/<int:user_id>")
@roles_required(Role.ADMIN)
def account(user_id: int) -> tuple[str, int]:
    """One account: its role and unit, disabling it, a new password, its sessions."""
    return _account_page(_user(user_id))


@bp.post("/users/<int:user_id>/role")
@roles_required(Role.ADMIN)
def user_role(user_id: int) -> Response:
    user = _user(user_id)
    form = RoleForm()
    _unit_field(form.unit_code, accounts.unit_choices(get_session()))
    if form.validate_on_submit():
        unit = form.unit_code.data or None
        try:
            accounts.change_role(get_session(), user, Role(form.role.data), unit, _actor())
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        else:
            flash(_("Đã đổi vai trò."), "success")
    else:
        flash(_("Hãy chọn vai trò và đơn vị trong danh sách."), "error")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/users/<int:user_id>/disable")
@roles_required(Role.ADMIN)
def user_disable(user_id: int) -> Response:
    """Disable an account (its sessions end at once); the page asks nothing more than CSRF."""
    user = _user(user_id)
    if PlainForm().validate_on_submit():
        try:
            done = accounts.disable_user(get_session(), user, _actor(), request.remote_addr)
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        else:
            flash(
                _(
                    "Đã khóa tài khoản %(username)s; mọi phiên đăng nhập đã kết thúc.",
                    username=user.username,
                )
                if done
                else _("Tài khoản %(username)s đã bị khóa từ trước.", username=user.username),
                "success",
            )
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/users/<int:user_id>/enable")
@roles_required(Role.ADMIN)
def user_enable(user_id: int) -> Response:
    user = _user(user_id)
    if PlainForm().validate_on_submit():
        done = accounts.enable_user(get_session(), user, _actor(), request.remote_addr)
        flash(
            _("Đã mở lại tài khoản %(username)s.", username=user.username)
            if done
            else _("Tài khoản %(username)s đang hoạt động.", username=user.username),
            "success",
        )
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def user_password(user_id: int) -> Response | tuple[str, int]:
    """A new password, typed or generated; a generated one is shown on this response only
    (never flashed: the flash travels in the session cookie)."""
    user = _user(user_id)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _account_page(user, password_form=form, status=422)
    typed = None if form.generate.data else form.password.data
    try:
        chosen = accounts.reset_password(get_session(), user, typed, _actor(), request.remote_addr)
    except ServiceError as exc:
        form.password.errors = [exc.message(locale_code())]
        return _account_page(user, password_form=form, status=422)
    flash(
        _(
            "Đã đặt mật khẩu mới cho %(username)s; mọi phiên đăng nhập đã kết thúc.",
            username=user.username,
        ),
        "success",
    )
    if typed is not None:
        return redirect(url_for("admin.account", user_id=user.id))
    return _account_page(user, new_password=chosen)


@bp.post("/users/<int:user_id>/sessions/revoke")
@roles_required(Role.ADMIN)
def user_sessions_revoke(user_id: int) -> Response:
    """Sign a user out on every device (a lost phone, a cookie copied from a shared PC)."""
    user = _user(user_id)
    ended = accounts.end_sessions(get_session(), user, _actor(), request.remote_addr)
    flash(
        _(
            "Đã đăng xuất %(username)s trên mọi thiết bị (%(count)d phiên đang mở).",
            username=user.username,
            count=ended,
        ),
        "success",
    )
    if request.form.get("back") == "account":
        return redirect(url_for("admin.account", user_id=user.id))
    return redirect(url_for("admin.users"))


@bp.route("/users/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users_import() -> tuple[str, int]:
    """Unit officers' accounts from a spreadsheet, all or none; generated passwords are
    shown on this response only, with a CSV of them built into the page (never stored)."""
    form = AccountImportForm()
    problems: list[str] = []
    created: list[accounts.NewAccount] | None = None
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        filename, data = read_upload(form.file.data)
        try:
            created = accounts.import_users(get_session(), safe_filename(filename), data, _actor())
        except RowsRejected as exc:
            problems = [f"{_('Dòng')} {p.row}: {p.message(locale_code())}" for p in exc.problems]
            rows = len({p.row for p in exc.problems})
            flash(_("Có %(rows)d dòng có lỗi; chưa tạo tài khoản nào.", rows=rows), "error")
        except IngestError as exc:
            flash(exc.message_en if locale_code() == "en" else exc.message_vi, "error")
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        else:
            flash(_("Đã tạo %(count)d tài khoản.", count=len(created)), "success")
            status = 200
    names = {c.code: c.name for c in accounts.unit_choices(get_session())}
    page = render_template(
        "admin/account_import.html",
        form=form,
        problems=problems,
        created=created,
        names=names,
        credentials=_csv_href(accounts.credentials_csv(created, names)) if created else None,
        headers=accounts.IMPORT_HEADERS,
        max_rows=accounts.MAX_IMPORT_ROWS,
        roles=ROLE_LABELS,
    )
    return page, status


def _csv_href(data: bytes) -> str:
    """A data: link to a CSV built for this response alone (nothing kept on the server)."""
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


@bp.get("/users/import/template.xlsx")
@roles_required(Role.ADMIN)
def users_import_template() -> Response:
    return Response(
        accounts.import_template(get_session()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=mau_nhap_tai_khoan.xlsx"},
    )


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

"""Unit officers upload respondent lists and read the report; the administrator's status board."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey_app.errors import ServiceError
from survey_app.ingest import IngestError, ListWarningCode, ReasonCode, RowStatus, SkipKind
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, require_unit_access, roles_required
from survey_app.services import list_reports, lists, lookup
from survey_app.services.designs import design_of
from survey_app.web.forms import FileUploadForm
from survey_app.web.helpers import (
    get_or_404,
    locale_code,
    page_for,
    parse_limits,
    read_upload,
    working_campaign,
)

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.ingest import ListReport
    from survey_app.persistence.models import Unit, UnitList

bp = Blueprint("lists", __name__, url_prefix="/lists")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_PAGE_SIZE = 100
"""Rows per page of the upload report (problem rows first; every row a click away)."""
REASON_LABELS = {
    ReasonCode.MISSING_NAME: _l("Thiếu họ và tên"),
    ReasonCode.MISSING_ADDRESS: _l("Thiếu địa chỉ"),
    ReasonCode.MISSING_PROCEDURE: _l("Thiếu lĩnh vực và tên thủ tục hành chính"),
    ReasonCode.MISSING_POSITION: _l("Thiếu chức vụ"),
    ReasonCode.MISSING_UNIT: _l("Thiếu đơn vị"),
    ReasonCode.MISSING_REQUIRED_PHONE: _l("Thiếu số điện thoại hợp lệ"),
    ReasonCode.MISSING_REQUIRED_EMAIL: _l("Thiếu email hợp lệ"),
    ReasonCode.RESULT_NOT_RECEIVED: _l("Chưa nhận kết quả giải quyết thủ tục"),
    ReasonCode.INVALID_RESULT_DATE: _l("Không đọc được ngày nhận kết quả"),
    ReasonCode.OUTSIDE_WINDOW: _l("Ngoài thời gian giao dịch"),
    ReasonCode.RESULT_BEFORE_APPLICATION: _l("Ngày nhận kết quả trước ngày nộp hồ sơ"),
    ReasonCode.OUTSIDE_LOCALITY: _l("Địa chỉ không thuộc đơn vị"),
    ReasonCode.DUPLICATE: _l("Trùng người với dòng trước"),
}
"""The reasons' names in the counts of excluded rows (each row says its own reason in full,
with the catalogue's message); a code no longer known is "another reason", never shown raw."""
SKIP_LABELS = {
    SkipKind.BLANK: _l("Dòng trống"),
    SkipKind.COLUMN_NUMBERS: _l("Dòng đánh số cột"),
    SkipKind.EXAMPLE: _l("Dòng ví dụ"),
    SkipKind.TOTAL: _l("Dòng tổng cộng"),
    SkipKind.FOOTER: _l("Chữ ký, ghi chú cuối bảng"),
}
"""Why a row below the header was not read as a person (the report's skipped rows)."""


def _unit_group(unit_id: int, group: str) -> tuple[Unit, str]:
    unit = require_unit_access(lookup.unit(get_session(), unit_id))
    if not design_of(unit.campaign).has_group(group):
        abort(404)
    return unit, group


@bp.get("/")
@roles_required(Role.UNIT_OFFICER, Role.ADMIN)
def my_lists() -> Any:
    user = current_user()
    assert user is not None
    if user.role is Role.ADMIN:
        return redirect(url_for("lists.status_board"))
    units = lists.officer_units(get_session(), user)
    if not units:
        return render_template("lists/mine.html", rows=[])
    rows = [
        (u, g, lists.current_list(get_session(), u, g))
        for u in units
        for g in lists.required_groups(u.campaign, u)
    ]
    return render_template("lists/mine.html", rows=rows, campaign=units[0].campaign)


@bp.route("/<int:unit_id>/<group>", methods=["GET", "POST"])
@roles_required(Role.UNIT_OFFICER, Role.ADMIN)
def upload(unit_id: int, group: str) -> Any:
    unit, chosen = _unit_group(unit_id, group)
    session = get_session()
    campaign = unit.campaign
    form = FileUploadForm()
    status, shown = 200, None
    if form.validate_on_submit():
        filename, data = read_upload(form.file.data)
        try:
            result = lists.upload(
                session,
                campaign,
                unit,
                chosen,
                filename,
                data,
                current_user(),
                max_rows=current_app.config["SETTINGS"].max_list_rows,
                limits=parse_limits(),
            )
            shown = result.unit_list
            _flash_received(result, lists.current_list(session, unit, chosen))
        except IngestError as exc:
            flash(lists.ingest_message(exc, locale_code()), "error")
            status = 422
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
            status = 409 if exc.code == "list_upload_conflict" else 422
    current = lists.current_list(session, unit, chosen)
    shown = shown or current
    everything = request.args.get("rows") == "all"
    report = (
        list_reports.stored_report(
            session,
            shown,
            REPORT_PAGE_SIZE,
            page=request.args.get("page", 1, type=int) or 1,
            everything=everything,
        )
        if shown
        else None
    )
    return render_template(
        "lists/upload.html",
        unit=unit,
        group=chosen,
        form=form,
        report=report,
        page=(
            page_for(
                "page", report.number, report.pages, report.total, report.offset, len(report.rows)
            )
            if report
            else None
        ),
        everything=everything,
        expectation=list_reports.expectation(campaign, chosen),
        current=current,
        shown=shown,
        campaign=campaign,
        history=lists.history(session, unit, chosen),
        is_pending=lists.is_pending,
        Excluded=RowStatus.EXCLUDED,
        reason_labels=REASON_LABELS,
        skip_labels=SKIP_LABELS,
    ), status


def _shortfall(report: ListReport) -> int:
    """People short of the number the list should hold (0 when enough or none expected)."""
    for issue in report.list_warnings:
        if issue.code is ListWarningCode.BELOW_REQUIRED:
            return int(dict(issue.params).get("shortfall", 0))
    return 0


def _outcome(report: ListReport) -> str | None:
    """What is wrong with the list just checked, in words ("6 dòng bị loại và còn thiếu 24
    người"); None when every row is eligible and nobody is short."""
    excluded, short = report.excluded, _shortfall(report)
    if excluded and short:
        return _(
            "%(n)s dòng bị loại và còn thiếu %(short)s người",
            n=format_decimal(excluded),
            short=format_decimal(short),
        )
    if excluded:
        return _("%(n)s dòng bị loại", n=format_decimal(excluded))
    if short:
        return _("còn thiếu %(short)s người", short=format_decimal(short))
    return None


def _flash_received(result: lists.UploadResult, current: UnitList | None) -> None:
    """Green for a clean list in use or identical content; amber when rows were excluded or
    people are short, and for a version received after sampling."""
    version = result.unit_list.version
    problem = _outcome(result.report)
    if result.after_sampling:
        flash(
            _(
                "Đã nhận phiên bản %(v)d sau khi mẫu khảo sát đã được chọn: phiên bản này được "
                "lưu nhưng không dùng cho mẫu năm nay. Sở Nội vụ đã được báo để xem xét.",
                v=version,
            ),
            "warning",
        )
        if problem:
            flash(_("Lưu ý: %(problem)s.", problem=problem), "warning")
        if current is not None:
            flash(_("Danh sách đang dùng vẫn là phiên bản %(c)d.", c=current.version), "warning")
    elif result.new_version and problem:
        flash(
            _(
                "Đã nhận danh sách (phiên bản %(v)d), nhưng %(problem)s.",
                v=version,
                problem=problem,
            ),
            "warning",
        )
    elif result.new_version:
        flash(
            _(
                "Đã nhận danh sách (phiên bản %(v)d): cả %(n)s người đều hợp lệ.",
                v=version,
                n=format_decimal(result.report.eligible),
            ),
            "success",
        )
    else:
        same = _("Tệp giống hệt phiên bản %(v)d đã gửi; không tạo phiên bản mới.", v=version)
        if problem:
            flash(same + " " + _("Lưu ý: %(problem)s.", problem=problem), "warning")
        else:
            flash(same, "success")


@bp.post("/file/<int:list_id>/recheck")
@roles_required(Role.UNIT_OFFICER, Role.ADMIN)
def recheck(list_id: int) -> Any:
    """Check a stored version again against today's campaign settings (a new version only
    if the outcome differs)."""
    session = get_session()
    unit_list = get_or_404(lookup.unit_list(session, list_id))
    require_unit_access(unit_list.unit)
    target = url_for("lists.upload", unit_id=unit_list.unit_id, group=unit_list.group)
    try:
        result = list_reports.recheck(
            session,
            unit_list,
            current_user(),
            max_rows=current_app.config["SETTINGS"].max_list_rows,
            limits=parse_limits(),
        )
    except IngestError as exc:
        flash(lists.ingest_message(exc, locale_code()), "error")
        return redirect(target)
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(target)
    if result.new_version:
        flash(
            _(
                "Đã kiểm tra lại theo quy định hiện hành: kết quả khác trước, đã lưu thành "
                "phiên bản %(v)d.",
                v=result.unit_list.version,
            ),
            "warning" if result.after_sampling else "success",
        )
    else:
        flash(
            _(
                "Đã kiểm tra lại theo quy định hiện hành: kết quả không đổi, không tạo phiên "
                "bản mới."
            ),
            "success",
        )
    return redirect(target)


@bp.post("/file/<int:list_id>/decision")
@roles_required(Role.ADMIN)
def decide(list_id: int) -> Any:
    """The administrator's choice for a version received after sampling."""
    session = get_session()
    unit_list = get_or_404(lookup.unit_list(session, list_id))
    choice = request.form.get("decision", "")
    if choice not in set(lists.Decision):
        abort(400)
    target = url_for("lists.upload", unit_id=unit_list.unit_id, group=unit_list.group)
    try:
        lists.decide_after_sampling(session, unit_list, lists.Decision(choice), current_user())
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(target)
    if choice == lists.Decision.ACCEPTED:
        flash(
            _(
                "Đã dùng phiên bản %(v)d làm danh sách hiện tại. Hãy chọn mẫu lại để mẫu dùng "
                "danh sách này.",
                v=unit_list.version,
            ),
            "success",
        )
    else:
        flash(
            _("Phiên bản %(v)d được lưu lại và không dùng cho mẫu năm nay.", v=unit_list.version),
            "success",
        )
    return redirect(target)


@bp.get("/<int:unit_id>/<group>/template.xlsx")
@roles_required(Role.UNIT_OFFICER, Role.ADMIN)
def template(unit_id: int, group: str) -> Any:
    unit, chosen = _unit_group(unit_id, group)
    return current_app.response_class(
        lists.blank_list(unit, chosen),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=mau_danh_sach_{chosen}.xlsx"},
    )


@bp.get("/file/<int:list_id>/annotated.xlsx")
@roles_required(Role.UNIT_OFFICER, Role.ADMIN)
def annotated(list_id: int) -> Any:
    unit_list = get_or_404(lookup.unit_list(get_session(), list_id))
    require_unit_access(unit_list.unit)
    body = list_reports.annotated(get_session(), unit_list)
    return current_app.response_class(
        body,
        mimetype=XLSX,
        headers={
            "Content-Disposition": "attachment; filename="
            f"ket_qua_kiem_tra_v{unit_list.version}.xlsx"
        },
    )


@bp.get("/board")
@roles_required(Role.ADMIN)
def status_board() -> Any:
    campaign = working_campaign()
    rows = lists.board(get_session(), campaign)
    counts = {s: sum(1 for r in rows if r.status is s) for s in lists.BoardStatus}
    pending = sum(1 for r in rows if r.pending is not None)
    return render_template(
        "lists/board.html",
        rows=rows,
        counts=counts,
        campaign=campaign,
        pending=pending,
        Status=lists.BoardStatus,
    )


@bp.get("/board/all.zip")
@roles_required(Role.ADMIN)
def download_all() -> Any:
    campaign = working_campaign()
    body = lists.all_lists_zip(get_session(), campaign, current_user())
    return current_app.response_class(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": "attachment; filename=danh_sach.zip"},
    )

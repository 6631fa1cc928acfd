"""Self-assessment and appraisal pages (DOMAIN.md §12).

The administrator (the Sở Nội vụ) opens the self-assessment of a campaign, follows it on the
progress board, assigns lead departments and appraisers, reopens a late unit, reminds, and
brings the council's decision: approval (the appraisal points are locked) and publication.
A unit officer fills in their unit's report (or the parts assigned to their department),
attaches evidence, submits, and answers requests for explanation. An appraiser appraises
the reports assigned in two rounds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
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
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from adminunits.names import fold_words
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AssessmentStatus, Role, UnitStage
from survey_app.persistence.session import get_session, keep_on_error
from survey_app.security import current_user, roles_required
from survey_app.services import (
    assessment,
    assessment_appraisal,
    assessment_exports,
    assessment_scoring,
    criteria_trees,
    evidence,
    lookup,
)
from survey_app.services.assessment_appraisal import AppraisalEntry
from survey_app.services.assessment_scoring import SelfEntry
from survey_app.services.designs import design_of
from survey_app.web.helpers import locale_code, page_for, results_of, working_campaign
from survey_app.web.labels import (
    ASSESSMENT_STATUS_LABELS,
    CHANGE_LABELS,
    EVIDENCE_LABELS,
    STAGE_LABELS,
)

if TYPE_CHECKING:
    from survey_app.persistence.models import Assessment, Campaign, UnitAssessment, User

bp = Blueprint("assessment", __name__, url_prefix="/assessment")
VIEWERS = (Role.ADMIN, Role.UNIT_OFFICER, Role.APPRAISER)
BOARD_PAGE = 50
_TEXT = 4000


@bp.app_template_filter("points")
def points(value: object) -> str:
    """Points as typed and read: at most two decimals, no trailing zeros, a decimal comma
    in Vietnamese (1,5; 12; 0,25)."""
    if not isinstance(value, int | float):
        return ""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return text if locale_code() == "en" else text.replace(".", ",")


def _user() -> User:
    user = current_user()
    assert user is not None  # roles_required let only a logged-in user in
    return user


def _today() -> dt.date:
    return assessment.vietnam_today()


def _error(exc: ServiceError) -> None:
    flash(exc.message(locale_code()), "error")


def _labels() -> dict[str, Any]:
    return {
        "stage_labels": STAGE_LABELS,
        "status_labels": ASSESSMENT_STATUS_LABELS,
        "change_labels": CHANGE_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "Stage": UnitStage,
        "Status": AssessmentStatus,
    }


def _date(name: str) -> dt.date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None


# --- the administrator's board -------------------------------------------------------------


@bp.get("")
@roles_required(Role.ADMIN)
def overview() -> str:
    """The campaign's self-assessment: the form to open it, or the progress board with its
    filters, counters and bulk actions."""
    campaign = working_campaign()
    session = get_session()
    found = assessment.of_campaign(session, campaign)
    if found is None:
        return render_template(
            "assessment/open.html",
            campaign=campaign,
            levels=assessment.levels_to_open(session, campaign),
            today=_today(),
            **_labels(),
        )
    rows = assessment.board(session, found, _today())
    counts = Counter(r.stage for r in rows)
    late = sum(1 for r in rows if r.overdue or r.submitted_late)
    shown = _filtered(rows)
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    pages = max((len(shown) + BOARD_PAGE - 1) // BOARD_PAGE, 1)
    number = min(number, pages)
    start = (number - 1) * BOARD_PAGE
    page_rows = shown[start : start + BOARD_PAGE]
    return render_template(
        "assessment/board.html",
        campaign=campaign,
        found=found,
        rows=page_rows,
        page=page_for("page", number, pages, len(shown), start, len(page_rows)),
        total=len(rows),
        counts=counts,
        late=late,
        deadlines=assessment.deadlines(session, found),
        appraisers=assessment.appraisers(session),
        levels=sorted({r.level for r in rows}),
        wanted=request.args,
        today=_today(),
        **_labels(),
    )


def _filtered(rows: list[assessment.BoardRow]) -> list[assessment.BoardRow]:
    """The board's rows by the query string: stage, level, late, words of the name or code."""
    args = request.args
    stage = args.get("stage", "")
    level = args.get("level", "")
    words = assessment_search_words(args.get("q", ""))
    late = args.get("late") == "1"
    return [
        r
        for r in rows
        if (not stage or r.stage.value == stage)
        and (not level or r.level == level)
        and (not late or r.overdue or r.submitted_late)
        and all(w in assessment_search_words(f"{r.unit_code} {r.unit_name}") for w in words)
    ]


def assessment_search_words(text: str) -> list[str]:
    """Words folded for search (no accents, lower case): "so tu phap" finds Sở Tư pháp."""
    return fold_words(text[:200]).split()


@bp.post("/open")
@roles_required(Role.ADMIN)
def open_() -> Response:
    campaign = working_campaign()
    session = get_session()
    deadlines = {
        code: due
        for code, _name, _count in assessment.levels_to_open(session, campaign)
        if (due := _date(f"due-{code}")) is not None
    }
    spec = assessment.OpenSpec(
        deadlines,
        _date("explain_from"),
        _date("explain_until"),
        request.form.get("document_number", "")[:80],
    )
    try:
        assessment.open_assessment(session, campaign, spec, _user())
    except ServiceError as exc:
        _error(exc)
        return redirect(url_for("assessment.overview", campaign=campaign.id))
    flash(
        _("Đã mở tự đánh giá, chấm điểm cho các đơn vị của đợt %(name)s.", name=campaign.name),
        "success",
    )
    return redirect(url_for("assessment.overview", campaign=campaign.id))


def _assessment(campaign: Campaign) -> Assessment | None:
    """The campaign's self-assessment; None (with a message) when it was never opened."""
    found = assessment.of_campaign(get_session(), campaign)
    if found is None:
        flash(_("Đợt này chưa mở tự đánh giá, chấm điểm."), "warning")
    return found


def _to_overview(campaign: Campaign) -> Response:
    return redirect(url_for("assessment.overview", campaign=campaign.id))


@bp.post("/remind")
@roles_required(Role.ADMIN)
def remind() -> Response:
    campaign = working_campaign()
    found = _assessment(campaign)
    if found is None:
        return _to_overview(campaign)
    count = assessment.remind(get_session(), found, _user())
    flash(_("Đã nhắc %(n)s đơn vị chưa nộp báo cáo hoặc chưa giải trình.", n=count), "success")
    return redirect(url_for("assessment.overview", campaign=campaign.id))


@bp.post("/appraisers")
@roles_required(Role.ADMIN)
def assign_appraisers() -> Response:
    """Give the chosen reports to an appraiser (the whole report or one field)."""
    campaign = working_campaign()
    session = get_session()
    found = _assessment(campaign)
    if found is None:
        return _to_overview(campaign)
    appraiser = lookup.user(session, request.form.get("appraiser", type=int) or 0)
    ids = [int(v) for v in request.form.getlist("report") if v.isdigit() and len(v) < 12]
    asked = request.form.get("back", "")
    back = redirect(
        asked
        if asked.startswith("/") and not asked.startswith("//") and "\\" not in asked
        else url_for("assessment.overview", campaign=campaign.id)
    )
    if appraiser is None or not ids:
        flash(_("Hãy chọn thành viên tổ thẩm định và ít nhất một đơn vị."), "error")
        return back
    try:
        added = assessment.assign_appraiser(
            session, found, appraiser, ids, request.form.get("field", "")[:40].strip(), _user()
        )
    except ServiceError as exc:
        _error(exc)
        return back
    flash(_("Đã giao %(n)s báo cáo cho %(name)s.", n=added, name=appraiser.full_name), "success")
    return back


# --- the reports of one user ---------------------------------------------------------------


@bp.get("/mine")
@roles_required(Role.UNIT_OFFICER, Role.APPRAISER)
def mine() -> str:
    """A unit officer's reports (their unit's, those they score as lead department) or an
    appraiser's assigned reports, with stage and deadline."""
    session = get_session()
    user = _user()
    reports = assessment.reports_of_user(session, user)
    windows = assessment.windows_of(session, [report for report, _c in reports])
    return render_template(
        "assessment/mine.html",
        reports=reports,
        windows=windows,
        today=_today(),
        **_labels(),
    )


# --- one report ----------------------------------------------------------------------------


def _report(report_id: int) -> UnitAssessment:
    try:
        return assessment.report_for(get_session(), report_id, _user())
    except ServiceError:
        abort(404)


def _page(report: UnitAssessment, status: int = 200, typed: dict[str, str] | None = None) -> Any:
    """The report's page for this user: what they may do at this stage, their typed values
    kept when a save was refused."""
    session = get_session()
    user = _user()
    campaign = report.unit.campaign
    tree = criteria_trees.available(session)[report.tree_code]
    view = assessment.report_view(session, report, tree)
    leads = view.leads
    editable = {
        x.code
        for x in view.leaves
        if view.stage.unit_edits
        and view.status is AssessmentStatus.OPEN
        and assessment.self_scorable(user, report, leads, x.code)
    }
    fields = assessment.appraisers_of(session, report).get(user.id)
    round_ = assessment_appraisal.appraisal_round(session, report, _today())
    appraising = (
        {x.code for x in view.leaves if assessment.appraisable_by(user, fields, x.code)}
        if round_ is not None
        and view.status is AssessmentStatus.OPEN
        and user.role in (Role.ADMIN, Role.APPRAISER)
        else set()
    )
    own_unit = user.role is Role.UNIT_OFFICER and user.unit_code == view.unit_code
    explaining = (
        view.stage is UnitStage.EXPLANATION_REQUESTED
        and view.window.is_open(_today())
        and user.role is Role.UNIT_OFFICER
        and view.status is AssessmentStatus.OPEN
    )
    body = render_template(
        "assessment/report.html",
        campaign=campaign,
        report=report,
        view=view,
        editable=editable,
        appraising=appraising,
        appraisal_round=round_,
        own_unit=own_unit,
        explaining=explaining,
        show_appraised=user.role is not Role.UNIT_OFFICER or _unit_sees_appraisal(view),
        history=assessment_appraisal.history(session, report)
        if user.role is not Role.UNIT_OFFICER
        else [],
        typed=typed or {},
        today=_today(),
        is_admin=user.role is Role.ADMIN,
        max_mb=current_app.config["SETTINGS"].evidence_max_mb,
        units=_unit_choices(campaign) if user.role is Role.ADMIN else [],
        appraisers=assessment.appraisers(session) if user.role is Role.ADMIN else [],
        **_labels(),
    )
    return body, status


def _unit_sees_appraisal(view: assessment.ReportView) -> bool:
    """A unit sees the appraised scores once a round is over (the first summary sent with
    the requests), and after publication."""
    if view.status is AssessmentStatus.PUBLISHED:
        return True
    return view.stage in (
        UnitStage.EXPLANATION_REQUESTED,
        UnitStage.EXPLAINED,
        UnitStage.APPRAISED,
    ) or (view.stage is UnitStage.IN_APPRAISAL and view.round == 2)


def _unit_choices(campaign: Campaign) -> list[tuple[str, str]]:
    return assessment.unit_choices(get_session(), campaign)


@bp.get("/reports/<int:report_id>")
@roles_required(*VIEWERS)
def report(report_id: int) -> Any:
    return _page(_report(report_id))


def _back(report: UnitAssessment, anchor: str = "") -> Response:
    return redirect(url_for("assessment.report", report_id=report.id) + anchor)


def _version(raw: str) -> int | None:
    """A line's version as the form sent it (a database integer), None when it is not one."""
    text = raw.strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _self_entries(report: UnitAssessment) -> dict[str, SelfEntry]:
    """The lines the form sent: ``p-<code>`` the score, ``e-<code>`` the explanation,
    ``v-<code>`` the version the page showed."""
    form = request.form
    entries = {}
    for key in form:
        if not key.startswith("v-"):
            continue
        code = key[2:42]
        version = _version(form.get(key, ""))
        if version is None:
            continue
        entries[code] = SelfEntry(
            form.get(f"p-{code}", "")[:20], form.get(f"e-{code}", "")[:_TEXT], version
        )
    return entries


@bp.post("/reports/<int:report_id>/self")
@roles_required(Role.UNIT_OFFICER)
def save_self(report_id: int) -> Any:
    """Save the unit's scores as a draft, or save and submit."""
    report = _report(report_id)
    session = get_session()
    user = _user()
    try:
        changed = assessment_scoring.save_self(
            session, report, user, _self_entries(report), _today()
        )
    except ServiceError as exc:
        _error(exc)
        typed = {k: v for k, v in request.form.items() if k[:2] in ("p-", "e-")}
        return _page(report, 422, typed)
    session.expire_all()
    if request.form.get("action") == "submit":
        try:
            assessment_scoring.submit(session, report, user, _today())
        except ServiceError as exc:
            keep_on_error()  # the draft just saved stays; only the submission was refused
            if changed:
                flash(_("Đã lưu bản nháp (%(n)s tiêu chí thay đổi).", n=changed), "success")
            _error(exc)
            return _page(report, 422)
        flash(_("Đã gửi báo cáo tự đánh giá. Sở Nội vụ sẽ thẩm định."), "success")
        return _back(report)
    flash(_("Đã lưu bản nháp (%(n)s tiêu chí thay đổi).", n=changed), "success")
    return _back(report)


@bp.post("/reports/<int:report_id>/evidence")
@roles_required(Role.UNIT_OFFICER)
def add_evidence(report_id: int) -> Any:
    report = _report(report_id)
    settings = current_app.config["SETTINGS"]
    code = request.form.get("code", "")[:40]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Hãy chọn tệp tài liệu kiểm chứng."), "error")
        return _back(report, f"#c-{code}")
    limit = settings.evidence_max_mb * 1024 * 1024
    try:
        data = upload.stream.read(limit + 1)
    finally:
        upload.close()
    try:
        assessment_scoring.add_evidence(
            get_session(),
            report,
            _user(),
            code,
            upload.filename,
            data,
            root=settings.evidence_root,
            max_bytes=limit,
            today=_today(),
        )
    except ServiceError as exc:
        _error(exc)
        return _page(report, 422)
    flash(_("Đã thêm tài liệu kiểm chứng cho tiêu chí %(code)s.", code=code), "success")
    return _back(report, f"#c-{code}")


@bp.post("/reports/<int:report_id>/evidence/<int:evidence_id>/withdraw")
@roles_required(Role.UNIT_OFFICER)
def withdraw_evidence(report_id: int, evidence_id: int) -> Any:
    report = _report(report_id)
    try:
        assessment_scoring.withdraw_evidence(get_session(), report, _user(), evidence_id, _today())
    except ServiceError as exc:
        _error(exc)
        return _page(report, 422)
    flash(_("Đã rút tài liệu (vẫn được lưu trong hồ sơ)."), "success")
    return _back(report)


@bp.get("/evidence/<int:evidence_id>")
@roles_required(*VIEWERS)
def download_evidence(evidence_id: int) -> Any:
    """An evidence file, always as a download with the media type of its checked kind."""
    found = assessment.evidence_file(get_session(), evidence_id)
    if found is None:
        abort(404)
    row, report_id = found
    _report(report_id)  # 404 unless this user may see the report
    path = evidence.path_of(current_app.config["SETTINGS"].evidence_root, row.sha256)
    if not path.exists():
        abort(404)
    response = send_file(
        io.BytesIO(path.read_bytes()),  # at most SURVEY_EVIDENCE_MAX_MB; no handle left open
        mimetype=evidence.MEDIA_TYPES[row.kind],
        as_attachment=True,
        download_name=row.filename,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


@bp.post("/reports/<int:report_id>/explanations")
@roles_required(Role.UNIT_OFFICER)
def explain(report_id: int) -> Any:
    """Answer the requests for explanation; ``send`` hands them in."""
    report = _report(report_id)
    answers = {
        int(key[2:]): value[:_TEXT]
        for key, value in request.form.items()
        if key.startswith("a-") and key[2:].isdigit() and len(key) < 14
    }
    send = request.form.get("action") == "send"
    try:
        assessment_scoring.answer_requests(
            get_session(), report, _user(), answers, send=send, today=_today()
        )
    except ServiceError as exc:
        _error(exc)
        return _page(report, 422, {k: v for k, v in request.form.items() if k.startswith("a-")})
    if send:
        flash(_("Đã gửi giải trình. Tổ thẩm định sẽ thẩm định lại."), "success")
    else:
        flash(_("Đã lưu câu trả lời."), "success")
    return _back(report)


@bp.post("/reports/<int:report_id>/appraisal")
@roles_required(Role.ADMIN, Role.APPRAISER)
def appraise(report_id: int) -> Any:
    """Save appraised scores, comments and requests; ``finish`` ends the round."""
    report = _report(report_id)
    form = request.form
    entries = {}
    for key in form:
        if not key.startswith("v-"):
            continue
        code = key[2:42]
        version = _version(form.get(key, ""))
        if version is None:
            continue
        entries[code] = AppraisalEntry(
            form.get(f"p-{code}", "")[:20],
            form.get(f"c-{code}", "")[:_TEXT],
            form.get(f"r-{code}", "")[:_TEXT],
            version,
        )
    finish = form.get("action") == "finish"
    try:
        assessment_appraisal.save_appraisal(
            get_session(), report, _user(), entries, finish=finish, today=_today()
        )
    except ServiceError as exc:
        _error(exc)
        typed = {k: v for k, v in form.items() if k[:2] in ("p-", "c-", "r-")}
        return _page(report, 422, typed)
    session = get_session()
    session.expire_all()
    if finish:
        flash(
            _("Đã kết thúc vòng thẩm định: %(stage)s.", stage=STAGE_LABELS[report.stage]),
            "success",
        )
    else:
        flash(_("Đã lưu điểm thẩm định."), "success")
    return _back(report)


@bp.post("/reports/<int:report_id>/reopen")
@roles_required(Role.ADMIN)
def reopen(report_id: int) -> Any:
    report = _report(report_id)
    until = _date("until")
    if until is None:
        flash(_("Hãy chọn ngày mở lại đến."), "error")
        return _back(report)
    try:
        assessment.reopen(get_session(), report, until, _user(), _today())
    except ServiceError as exc:
        _error(exc)
        return _back(report)
    flash(_("Đã mở lại đến ngày %(day)s.", day=until.strftime("%d/%m/%Y")), "success")
    return _back(report)


@bp.post("/reports/<int:report_id>/applicable")
@roles_required(Role.ADMIN)
def applicable(report_id: int) -> Any:
    report = _report(report_id)
    code = request.form.get("code", "")[:40]
    try:
        assessment.set_applicable(
            get_session(),
            report,
            code,
            request.form.get("applicable") == "1",
            request.form.get("reason", "")[:_TEXT],
            _user(),
        )
    except ServiceError as exc:
        _error(exc)
        return _back(report)
    flash(_("Đã cập nhật tiêu chí %(code)s.", code=code), "success")
    return _back(report, f"#c-{code}")


@bp.post("/reports/<int:report_id>/leads")
@roles_required(Role.ADMIN)
def leads(report_id: int) -> Any:
    """Which department scores which field or criterion of this report."""
    report = _report(report_id)
    session = get_session()
    tree = criteria_trees.available(session)[report.tree_code]
    lines = {
        key[2:42]: value[:40].strip() for key, value in request.form.items() if key.startswith("l-")
    }
    try:
        assessment.assign_leads(session, report, tree, lines, _user())
    except ServiceError as exc:
        _error(exc)
        return _back(report)
    flash(_("Đã lưu phân công đơn vị chủ trì chấm điểm."), "success")
    return _back(report, "#leads")


def _vietnamese(label: object) -> str:
    """A label in Vietnamese whatever the page's language (the printed report is an official
    Vietnamese document)."""
    from flask_babel import force_locale

    with force_locale("vi"):
        return str(label)


@bp.get("/reports/<int:report_id>/report.pdf")
@roles_required(*VIEWERS)
def report_pdf(report_id: int) -> Any:
    """The unit's report as sent (A4, national heading), to print and sign."""
    report = _report(report_id)
    user = _user()
    session = get_session()
    tree = criteria_trees.available(session)[report.tree_code]
    view = assessment.report_view(session, report, tree)
    show = user.role is not Role.UNIT_OFFICER or _unit_sees_appraisal(view)
    line = None
    if user.role is Role.ADMIN or view.status is AssessmentStatus.PUBLISHED:
        found = assessment.assessment_of(session, report)
        line = next(
            (
                x
                for x in assessment_appraisal.council(
                    session, found, results_of(report.unit.campaign)
                )
                if x.row.report_id == report.id
            ),
            None,
        )
    data = assessment_exports.report_pdf(
        session,
        report,
        view,
        stage_name=_vietnamese(STAGE_LABELS[view.stage]),
        show_appraised=show,
        line=line,
    )
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"bao-cao-tu-danh-gia-{report.unit.code}.pdf",
        max_age=0,
    )


# --- the council ---------------------------------------------------------------------------


@bp.get("/council")
@roles_required(Role.ADMIN)
def council() -> Any:
    """Per unit: own and appraised points by field, survey points, index, rank, band and
    disputed criteria; the approval and the publication."""
    campaign = working_campaign()
    session = get_session()
    found = _assessment(campaign)
    if found is None:
        return _to_overview(campaign)
    lines = assessment_appraisal.council(session, found, results_of(campaign))
    level = request.args.get("level", "")
    shown = [x for x in lines if not level or x.row.level == level]
    fields = sorted({f for x in lines for f in x.row.self_by_field}, key=_code_key)
    busy = [x for x in lines if x.row.stage in assessment_appraisal.MIDDLE]
    return render_template(
        "assessment/council.html",
        campaign=campaign,
        found=found,
        lines=shown,
        fields=fields,
        busy=busy,
        never=[x for x in lines if x.row.stage.unit_edits],
        levels=sorted({x.row.level for x in lines}),
        level=level,
        **_labels(),
    )


def _code_key(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10**6, code)


@bp.post("/approve")
@roles_required(Role.ADMIN)
def approve() -> Response:
    campaign = working_campaign()
    session = get_session()
    found = _assessment(campaign)
    if found is None:
        return _to_overview(campaign)
    decision = request.form.get("decision", "")[:200]
    if not decision.strip():
        flash(_("Hãy ghi số, ngày biên bản hoặc quyết định của Hội đồng thẩm định."), "error")
        return redirect(url_for("assessment.council", campaign=campaign.id))
    try:
        written = assessment_appraisal.approve(session, campaign, found, _user(), decision)
    except ServiceError as exc:
        _error(exc)
        return redirect(url_for("assessment.council", campaign=campaign.id))
    flash(
        _(
            "Hội đồng đã phê duyệt: %(n)s điểm thẩm định được ghi vào kết quả và khóa.",
            n=written,
        ),
        "success",
    )
    return redirect(url_for("assessment.council", campaign=campaign.id))


@bp.post("/publish")
@roles_required(Role.ADMIN)
def publish() -> Response:
    campaign = working_campaign()
    found = _assessment(campaign)
    if found is None:
        return _to_overview(campaign)
    try:
        assessment_appraisal.publish(get_session(), campaign, found, _user())
    except ServiceError as exc:
        _error(exc)
        return redirect(url_for("assessment.council", campaign=campaign.id))
    flash(_("Đã công bố Chỉ số CCHC và xếp hạng của đợt %(name)s.", name=campaign.name), "success")
    return redirect(url_for("assessment.council", campaign=campaign.id))


@bp.get("/council.xlsx")
@roles_required(Role.ADMIN)
def council_xlsx() -> Any:
    """The council's table with a chart per peer group (a draft until approval)."""
    campaign = working_campaign()
    session = get_session()
    found = _assessment(campaign)
    if found is None:
        return _to_overview(campaign)
    lines = assessment_appraisal.council(session, found, results_of(campaign))
    data = assessment_exports.council_workbook(
        campaign,
        found,
        lines,
        design_of(campaign),
        {stage: str(label) for stage, label in STAGE_LABELS.items()},
    )
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"chi-so-cchc-{campaign.year}-hoi-dong.xlsx",
        max_age=0,
    )

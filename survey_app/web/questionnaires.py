"""Questionnaires in spreadsheets: upload and check, preview on a phone, publish, download, and
give a campaign's group the version it answers."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from questionnaires import (
    Instrument,
    builtin_criteria_trees,
    builtin_instruments,
    parse_form,
    validate_answers,
)
from questionnaires.criteria import CriteriaTree
from questionnaires.xlsform.summary import summary, tree_summary
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session, keep_on_error
from survey_app.security import current_user, roles_required
from survey_app.services import criteria_trees, instruments, lookup, workbooks
from survey_app.services import designs as designs_service
from survey_app.services.workbooks import WorkbookRefused
from survey_app.web.forms import FileUploadForm, PlainForm
from survey_app.web.helpers import get_or_404, locale_code, read_upload
from survey_app.web.labels import SHAPE_LABELS, template_group_name
from survey_app.web.survey import (
    IGNORED_FIELDS,
    opened_questions,
    page_answers,
    visible_sections,
)

bp = Blueprint("questionnaires", __name__, url_prefix="/admin")
MAX_PREVIEW_STATE = 256 * 1024
"""The preview's answers so far travel in the page (nothing is stored): at most this much."""
PREVIEW_FIELDS = (*IGNORED_FIELDS, "page", "preview_state")
"""Preview navigation fields, never answers (a question may not be named ``page`` there)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_page(upload: FileUploadForm, problems: list[Any], status: int = 200) -> Any:
    page = render_template(
        "questionnaires/index.html",
        upload=upload,
        problems=problems,
        published=workbooks.published(get_session()),
        shipped=sorted(builtin_instruments().values(), key=lambda i: i.code),
        trees=sorted(builtin_criteria_trees().values(), key=lambda t: t.code),
        published_trees=criteria_trees.published(get_session()),
    )
    return page, status


@bp.get("/questionnaires")
@roles_required(Role.ADMIN)
def index() -> Any:
    return _list_page(FileUploadForm(prefix="file"), [])


@bp.post("/questionnaires")
@roles_required(Role.ADMIN)
def upload() -> Any:
    """Check a workbook: its problems on this page (nothing kept), else its checked page."""
    form = FileUploadForm(prefix="file")
    if not form.validate_on_submit():
        flash(_("Hãy chọn tệp bảng tính (.xlsx) để gửi."), "error")
        return _list_page(form, [], 422)
    filename, data = read_upload(form.file.data)
    try:
        checked = workbooks.check_upload(get_session(), filename, data, current_user())
    except WorkbookRefused as exc:
        keep_on_error()
        flash(exc.message(locale_code()), "error")
        return _list_page(form, exc.problems, 422)
    except ServiceError as exc:
        keep_on_error()
        flash(exc.message(locale_code()), "error")
        return _list_page(form, [], 422)
    if checked.shipped:
        flash(
            _("Tệp này đúng là phiếu (hoặc bộ tiêu chí) có sẵn của hệ thống: không cần phát hành."),
            "info",
        )
        return redirect(url_for("questionnaires.index"))
    if checked.published is not None:
        flash(_("Phiên bản này đã được phát hành với đúng nội dung này."), "info")
        return redirect(url_for("questionnaires.index"))
    assert checked.upload is not None
    return redirect(url_for("questionnaires.checked", upload_id=checked.upload.id))


@bp.get("/questionnaires/uploads/<int:upload_id>")
@roles_required(Role.ADMIN)
def checked(upload_id: int) -> Any:
    upload, read = _upload(upload_id)
    if not isinstance(read, Instrument):
        return render_template(
            "questionnaires/tree.html",
            upload=upload,
            tree=read,
            facts=tree_summary(read),
            form=PlainForm(),
        )
    instrument = read
    tree = criteria_trees.available(get_session()).get(instrument.criteria_tree or "")
    locale = locale_code()
    return render_template(
        "questionnaires/checked.html",
        upload=upload,
        instrument=instrument,
        facts=summary(instrument),
        form=PlainForm(),
        tree_title=tree.title.get(locale) if tree is not None else None,
        group_label=lambda code: template_group_name(code, locale),
    )


def _upload(upload_id: int) -> tuple[Any, Instrument | CriteriaTree]:
    try:
        return workbooks.upload_of(get_session(), upload_id)
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        raise _Gone from exc


class _Gone(Exception):
    """The upload is no longer there: back to the list with the message flashed."""


@bp.errorhandler(_Gone)
def _gone(_error: _Gone) -> Response:
    return redirect(url_for("questionnaires.index"))


@bp.post("/questionnaires/uploads/<int:upload_id>/publish")
@roles_required(Role.ADMIN)
def publish(upload_id: int) -> Response:
    form = PlainForm()
    if not form.validate_on_submit():
        flash(_("Trang đã mở quá lâu; hãy bấm lại."), "error")
        return redirect(url_for("questionnaires.checked", upload_id=upload_id))
    try:
        row = workbooks.publish_upload(get_session(), upload_id, current_user())
    except ServiceError as exc:  # rolled back: the upload stays for another try
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("questionnaires.index"))
    if row.__tablename__ == "criteria_trees":
        flash(_("Đã phát hành bộ tiêu chí %(code)s.", code=row.code), "success")
    else:
        flash(
            _(
                "Đã phát hành phiếu %(code)s, phiên bản %(version)s.",
                code=row.code,
                version=row.version,
            ),
            "success",
        )
    return redirect(url_for("questionnaires.index"))


def _preview(instrument: Instrument, page: int, action: str, back: str) -> Any:
    """One page of the questionnaire as a respondent sees it; the answers so far travel in
    the page itself, so nothing at all is stored."""
    answers = _carried(instrument)
    sections = visible_sections(instrument, answers)
    page = max(page, 0)
    result = None
    if request.method == "POST" and page < len(sections):
        current = sections[page]
        posted = page_answers(instrument, current, PREVIEW_FIELDS)
        result = validate_answers(instrument, {**answers, **posted}, partial=True)
        page_errors = [
            e for e in result.errors if any(q.id == e.question_id for q in current.questions)
        ]
        answers = {k: v for k, v in {**answers, **posted}.items() if v is not None}
        if not page_errors:
            answers = dict(result.cleaned)
            result = None
            more = request.form.get("go") != "back" and opened_questions(current, answers)
            if not more:
                page = page - 1 if request.form.get("go") == "back" else page + 1
            sections = visible_sections(instrument, answers)
    if page >= len(sections):
        return render_template(
            "questionnaires/preview_end.html",
            instrument=instrument,
            answers=answers,
            back=back,
            restart=action,
        )
    current = sections[page]
    shown = [q for q in current.questions if q.show_if is None or q.show_if.holds(answers)]
    return render_template(
        "survey/section.html",
        key="",
        instrument=instrument,
        section=current,
        questions=shown,
        page=page,
        pages=len(sections),
        answers=answers,
        result=result,
        preview={"action": action, "page": page, "state": _state(answers), "back": back},
    ), (422 if result else 200)


def _carried(instrument: Instrument) -> dict[str, object]:
    """The answers given on earlier preview pages (checked again: they came from the page)."""
    raw = request.form.get("preview_state", "")
    if not raw or len(raw) > MAX_PREVIEW_STATE:
        return {}
    try:
        fields = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(fields, dict):
        return {}
    clean = {
        str(k): [str(v) for v in values]
        for k, values in fields.items()
        if isinstance(values, list) and instrument.has_question(str(k))
    }
    return dict(validate_answers(instrument, parse_form(instrument, clean), partial=True).cleaned)


def _state(answers: dict[str, object]) -> str:
    """Answers as form fields, for the next preview page to carry on."""
    return json.dumps(
        {
            k: [str(x) for x in v] if isinstance(v, (tuple, list)) else [str(v)]
            for k, v in answers.items()
        },
        ensure_ascii=False,
    )


@bp.route("/questionnaires/uploads/<int:upload_id>/preview", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def preview_upload(upload_id: int) -> Any:
    _row, read = _upload(upload_id)
    back = url_for("questionnaires.checked", upload_id=upload_id)
    if not isinstance(read, Instrument):
        return redirect(back)
    action = url_for("questionnaires.preview_upload", upload_id=upload_id)
    return _preview(read, request.form.get("page", 0, type=int), action, back)


@bp.route("/questionnaires/<int:instrument_id>/preview", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def preview_version(instrument_id: int) -> Any:
    row = get_or_404(lookup.instrument(get_session(), instrument_id))
    action = url_for("questionnaires.preview_version", instrument_id=instrument_id)
    back = url_for("questionnaires.index")
    return _preview(instruments.load(row), request.form.get("page", 0, type=int), action, back)


def _xlsx(filename: str, body: bytes) -> Response:
    return current_app.response_class(
        body,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.get("/questionnaires/<int:instrument_id>.xlsx")
@roles_required(Role.ADMIN)
def version_file(instrument_id: int) -> Response:
    try:
        return _xlsx(*workbooks.version_workbook(get_session(), instrument_id))
    except ServiceError:
        return get_or_404(None)


@bp.get("/questionnaires/files/<code>.xlsx")
@roles_required(Role.ADMIN)
def code_file(code: str) -> Response:
    """A shipped questionnaire, or a shipped or published criteria tree, by its code."""
    try:
        return _xlsx(*workbooks.code_workbook(get_session(), code))
    except ServiceError:
        return get_or_404(None)


@bp.route("/campaigns/<int:campaign_id>/questionnaires", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def campaign_versions(campaign_id: int) -> Any:
    """Which published version each group of the campaign answers; give another one."""
    session = get_session()
    campaign = get_or_404(lookup.campaign(session, campaign_id))
    form = PlainForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        chosen = request.form.get("instrument_id", "")
        try:
            if chosen.startswith("shipped:"):  # a shipped questionnaire: published on first use
                version_id = instruments.publish(session, instruments.builtin(chosen[8:])).id
            else:
                version_id = int(chosen) if re.fullmatch(r"[0-9]{1,18}", chosen) else 0
            row = instruments.give_version(
                session,
                campaign,
                request.form.get("group", ""),
                version_id,
                current_user(),
                replacing=request.form.get("replacing") or None,
            )
        except ServiceError as exc:
            keep_on_error()
            flash(exc.message(locale_code()), "error")
            status = 422
        else:
            flash(
                _(
                    "Từ nay nhóm này nhận phiếu %(code)s, phiên bản %(version)s. Những phiếu đã "
                    "gửi giữ phiên bản cũ.",
                    code=row.code,
                    version=row.version,
                ),
                "success",
            )
            return redirect(url_for("questionnaires.campaign_versions", campaign_id=campaign_id))
    elif request.method == "POST":
        flash(_("Trang đã mở quá lâu; hãy bấm lại."), "error")
        status = 422
    return render_template(
        "questionnaires/campaign.html",
        campaign=campaign,
        lines=instruments.campaign_lines(session, campaign),
        published=workbooks.published(session),
        shipped=workbooks.unpublished_shipped(session),
        shape_labels=SHAPE_LABELS,
        design=designs_service.design_of(campaign),
        form=form,
    ), status

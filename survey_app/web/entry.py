"""Paper and phone entry by interviewers; mismatch resolution by the administrator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from questionnaires import parse_form
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Mode, ResponseStatus, Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import entry, lookup, responses
from survey_app.services.entry import EntryOutcome
from survey_app.web.helpers import get_or_404, locale_code, working_campaign

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Invitation, Respondent

bp = Blueprint("entry", __name__, url_prefix="/entry")
IGNORED = ("csrf_token", "mode")


def _respondent(respondent_id: int) -> Respondent:
    respondent = get_or_404(lookup.respondent(get_session(), respondent_id))
    user = current_user()
    if user is None or not entry.may_enter(user, respondent):
        abort(403)
    return respondent


@bp.get("/")
@roles_required(Role.INTERVIEWER, Role.ADMIN)
def assigned() -> str:
    user = current_user()
    assert user is not None
    session = get_session()
    rows = []
    for r in entry.assigned(session, user):
        forms: list[Invitation | None] = [*entry.forms_of(session, r)] or [None]
        for invitation in forms:
            status = entry.status_of(session, invitation) if invitation else None
            rows.append((r, invitation, status))
    return render_template("entry/list.html", rows=rows, Submitted=ResponseStatus.SUBMITTED)


@bp.route("/<int:respondent_id>", methods=["GET", "POST"])
@roles_required(Role.INTERVIEWER, Role.ADMIN)
def form(respondent_id: int) -> Any:
    respondent = _respondent(respondent_id)
    session = get_session()
    chosen = request.args.get("form", type=int)
    try:
        invitation = entry.usable_invitation(session, respondent, chosen)
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("entry.assigned"))
    instrument = responses.instrument_of(invitation)
    answers: dict[str, object] = {}
    result = None
    if request.method == "POST":
        answers = parse_form(instrument, request.form.to_dict(flat=False), ignore=IGNORED)
        mode = (
            Mode(request.form.get("mode", "paper"))
            if request.form.get("mode") in (Mode.PAPER, Mode.PHONE)
            else Mode.PAPER
        )
        user = current_user()
        assert user is not None
        try:
            result = entry.enter(session, respondent, answers, mode, user, invitation_id=chosen)
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
            return redirect(url_for("entry.assigned"))
        if result.outcome is not EntryOutcome.INVALID:
            flash(
                _outcome_message(result.outcome),
                "success"
                if result.outcome in (EntryOutcome.SUBMITTED, EntryOutcome.WAITING_SECOND)
                else "warning",
            )
            return redirect(url_for("entry.assigned"))
    validation = result.validation if result else None
    return render_template(
        "entry/form.html",
        respondent=respondent,
        invitation=invitation,
        instrument=instrument,
        answers=answers,
        result=validation,
    ), 422 if validation else 200


def _outcome_message(outcome: EntryOutcome) -> str:
    messages: dict[EntryOutcome, str] = {
        EntryOutcome.SUBMITTED: _("Đã ghi nhận phiếu."),
        EntryOutcome.WAITING_SECOND: _("Đã lưu lần nhập thứ nhất; chờ người thứ hai nhập lại."),
        EntryOutcome.MISMATCH: _(
            "Hai lần nhập khác nhau; phiếu được chuyển cho quản trị đối chiếu."
        ),
        EntryOutcome.ALREADY_SUBMITTED: _("Phiếu này đã được ghi nhận trước đó; không ghi thêm."),
    }
    return messages[outcome]


@bp.get("/mismatches")
@roles_required(Role.ADMIN)
def mismatches() -> str:

    campaign = working_campaign()
    return render_template(
        "entry/mismatches.html", items=entry.mismatches(get_session(), campaign.id)
    )


@bp.post("/mismatches/<int:respondent_id>")
@roles_required(Role.ADMIN)
def resolve(respondent_id: int) -> Any:
    respondent = _respondent(respondent_id)
    session = get_session()
    chosen = request.form.get("form", type=int)
    try:
        invitation = entry.invitation_of(session, respondent, chosen)
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("entry.mismatches"))
    instrument = responses.instrument_of(invitation)
    answers = parse_form(instrument, request.form.to_dict(flat=False), ignore=IGNORED)
    user = current_user()
    assert user is not None
    result = entry.resolve(session, respondent, answers, user, invitation.id)
    if result.outcome is EntryOutcome.INVALID:
        flash(_("Giá trị đối chiếu chưa hợp lệ hoặc còn thiếu."), "error")
    else:
        flash(_outcome_message(result.outcome), "success")
    return redirect(url_for("entry.mismatches"))

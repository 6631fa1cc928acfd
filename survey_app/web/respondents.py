"""Finding a drawn person and helping them answer: the search, a person's page, a lost
letter re-issued and printed, an unreachable person replaced by a reserve.

Administrators see everyone and act; an interviewer sees only the people given to them (to
call or key their forms). Unit officers never see who was drawn: their unit is the one being
rated, and the people rating it stay unknown to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey_app import worker
from survey_app.errors import ServiceError
from survey_app.persistence.enums import ResponseStatus, Role
from survey_app.persistence.session import get_session
from survey_app.sealing import LinkSealer
from survey_app.security import current_user, roles_required
from survey_app.services import invitations, lookup, respondent_history, respondents
from survey_app.services.designs import design_of
from survey_app.services.respondents import Search, Standing
from survey_app.web.fieldwork import letters_response
from survey_app.web.helpers import get_or_404, locale_code, page_for, working_campaign

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign, Respondent, User

bp = Blueprint("respondents", __name__, url_prefix="/fieldwork/respondents")
STAFF = (Role.ADMIN, Role.INTERVIEWER)
_FIELD_CHARS = 200
_STANDINGS = frozenset(s.value for s in Standing)


def _user() -> User:
    user = current_user()
    assert user is not None  # roles_required let only a logged-in user in
    return user


def _unit_id(value: int | None) -> int | None:
    """A unit id as a database can hold it (a longer number is no unit: no filter)."""
    return value if value is not None and 0 < value < 2**63 else None


def _wanted(campaign: Campaign) -> Search:
    """The search's filters from the query string; unknown choices are dropped."""
    args = request.args
    group = args.get("group", "")
    status = args.get("status", "")
    return Search(
        name=args.get("name", "")[:_FIELD_CHARS],
        phone=args.get("phone", "")[:_FIELD_CHARS],
        unit_id=_unit_id(args.get("unit", type=int)),
        group=group if design_of(campaign).has_group(group) else None,
        standing=Standing(status) if status in _STANDINGS else None,
    )


@bp.get("")
@roles_required(*STAFF)
def search() -> str:
    campaign = working_campaign()
    user = _user()
    wanted = _wanted(campaign)
    session = get_session()
    found = respondents.search(
        session,
        campaign,
        wanted,
        user.role,
        user.id,
        page=request.args.get("page", 1, type=int) or 1,
    )
    page = page_for("page", found.number, found.pages, found.total, found.offset, len(found.people))
    return render_template(
        "fieldwork/respondents.html",
        campaign=campaign,
        found=found,
        page=page,
        wanted=wanted,
        units=respondents.units(session, campaign, user.role, user.id),
        groups=[g.code for g in design_of(campaign).groups],
    )


@bp.post("/code")
@roles_required(*STAFF)
def by_code() -> Any:
    """Open the page of the person whose letter carries a short code or link (sent in the
    form body: a code opens a questionnaire and must not sit in URLs and server logs)."""
    user = _user()
    typed = request.form.get("code", "")[:_FIELD_CHARS]
    found = respondents.holder_of_code(get_session(), typed, user.role, user.id)
    if found is None:
        flash(_("Không tìm thấy giấy mời nào có mã này. Hãy kiểm tra lại mã trên thư."), "error")
        return redirect(url_for("respondents.search"))
    return redirect(url_for("respondents.detail", respondent_id=found.id))


def _respondent(respondent_id: int) -> Respondent:
    """The person, if this user may see them (404 unknown, 403 not theirs)."""
    respondent = get_or_404(lookup.respondent(get_session(), respondent_id))
    user = _user()
    if not respondents.may_see(user.role, user.id, respondent):
        abort(403)
    return respondent


@bp.get("/<int:respondent_id>")
@roles_required(*STAFF)
def detail(respondent_id: int) -> str:
    respondent = _respondent(respondent_id)
    session = get_session()
    person = respondents.person(session, respondent)
    history = respondent_history.history(session, person)
    campaign = respondent.unit.campaign
    linked = {e.other_id for e in history if e.other_id} | {respondent.replaces_id}
    user = _user()
    others = {  # the people linked by a replacement, only those this user may see
        i: found
        for i in linked
        if i is not None
        and (found := lookup.respondent(session, i)) is not None
        and respondents.may_see(user.role, user.id, found)
    }
    return render_template(
        "fieldwork/respondent.html",
        campaign=campaign,
        person=person,
        respondent=respondent,
        history=history,
        others=others,
        titles={
            f.invitation.id: respondents.form_title(session, f, locale_code()) for f in person.forms
        },
        interviewer=lookup.user(session, respondent.interviewer_id),
        replaceable=respondents.can_replace(person),
        is_admin=_user().role is Role.ADMIN,
        Submitted=ResponseStatus.SUBMITTED,
    )


def _sealer() -> LinkSealer:
    return worker.context_of(current_app).sealer


def _back(respondent: Respondent) -> Any:
    return redirect(url_for("respondents.detail", respondent_id=respondent.id))


@bp.post("/<int:respondent_id>/reissue")
@roles_required(Role.ADMIN)
def reissue(respondent_id: int) -> Any:
    """New links for a lost letter: the old link and code stop working at once; the new
    letter is printed from the person's page."""
    respondent = get_or_404(lookup.respondent(get_session(), respondent_id))
    try:
        links = invitations.reissue(get_session(), respondent, current_user(), _sealer())
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return _back(respondent)
    flash(
        _(
            "Đã cấp lại %(n)d giấy mời cho %(name)s. Đường dẫn và mã cũ không còn dùng được; "
            "hãy in thư mới.",
            n=len(links),
            name=respondent.full_name,
        ),
        "success",
    )
    return _back(respondent)


@bp.get("/<int:respondent_id>/letter")
@roles_required(Role.ADMIN)
def letter(respondent_id: int) -> Any:
    """The person's letters for the forms they still have to answer, ready to print."""
    respondent = get_or_404(lookup.respondent(get_session(), respondent_id))
    session = get_session()
    person = respondents.person(session, respondent)
    links = respondents.letters(session, person, _sealer(), current_user())
    if not links:
        flash(
            _(
                "Không có thư nào để in: người này không còn phiếu phải trả lời, hoặc thư cũ "
                "không mở được. Hãy cấp lại giấy mời."
            ),
            "warning",
        )
        return _back(respondent)
    return letters_response(links, respondent.unit.campaign)


@bp.post("/<int:respondent_id>/replace")
@roles_required(Role.ADMIN)
def replace(respondent_id: int) -> Any:
    """Replace an unreachable person by the next reserve; the reserve's page opens, with
    their letter to print."""
    respondent = get_or_404(lookup.respondent(get_session(), respondent_id))
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Hãy ghi lý do thay người."), "error")
        return _back(respondent)
    try:
        chosen, _links = respondents.replace_by_reserve(
            get_session(), respondent, reason, current_user(), _sealer()
        )
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return _back(respondent)
    flash(
        _(
            "Đã thay bằng %(name)s (dự phòng số %(rank)s).",
            name=chosen.full_name,
            rank=chosen.reserve_rank,
        ),
        "success",
    )
    return _back(chosen)

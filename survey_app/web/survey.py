"""Respondent pages: a personal link, the questionnaire by section, submit exactly once.

Works with JavaScript off: each section is a plain form posted to the server, which saves the
page and redirects to the next one. ``static/survey.js`` adds autosave, offline drafts and retry.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as flask_session,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse

from questionnaires import (
    Instrument,
    Section,
    ValidationResult,
    is_missing,
    parse_form,
    validate_answers,
)
from survey_app import ratelimit
from survey_app.catalogue import answer_message
from survey_app.errors import CATALOGUE, render
from survey_app.persistence.enums import ResponseStatus
from survey_app.persistence.session import get_session, keep_on_error
from survey_app.security import hash_token, public
from survey_app.services import invitations, responses
from survey_app.services.responses import SubmitOutcome
from survey_app.web.helpers import locale_code
from survey_app.web.json_body import BodyProblem, read_object

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Invitation

bp = Blueprint("survey", __name__)
IGNORED_FIELDS = ("csrf_token", "client_key", "go", "shown")
MAX_FIELD_CHARS = 5000
CLIENT_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
"""A submission's client key: survey.js sends 32 hex digits; longer keys are refused, never
cut (two keys cut to one would make two submissions look like one)."""
MISSES_PER_ADDRESS = "60 per minute"
"""Unknown links answered to one address: guessing codes costs a 404 each, and a village
behind one address does not mistype 60 links a minute."""


def _rate() -> str:
    return str(current_app.config["SETTINGS"].respondent_rate_limit)


def _by_key() -> str:
    """Limit per link and address (a whole village may share one address). The link is keyed
    by its hash, which also folds the ways a short code can be typed into one."""
    key = str(request.view_args.get("key", "")) if request.view_args else ""
    return f"{hash_token(key[:100])[:24]}:{request.remote_addr}"


def _invitation(key: str) -> Invitation:
    invitation = invitations.find(get_session(), key) if len(key) <= 100 else None
    if invitation is None:
        _unknown_link()
    assert invitation is not None
    return invitation


def _unknown_link() -> None:
    """404 for a link that does not exist, counted per address (429 once guessing)."""
    ratelimit.check(MISSES_PER_ADDRESS, f"survey.miss:{ratelimit.address()}")
    abort(404)


def _saved(invitation: Invitation) -> dict[str, object]:
    """The answers stored so far for this invitation (draft or submitted)."""
    session = get_session()
    return responses.stored_answers(session, responses.response_of(session, invitation))


def visible_sections(instrument: Instrument, answers: dict[str, object]) -> list[Section]:
    return [s for s in instrument.sections if s.show_if is None or s.show_if.holds(answers)]


def _refused_or_done(invitation: Invitation) -> str | WerkzeugResponse | None:
    why = responses.refusal(invitation)
    if why is not None:
        return render_template("survey/refused.html", why=why.value), 403  # type: ignore[return-value]
    response = responses.response_of(get_session(), invitation)
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        return render_template(
            "survey/thanks.html",
            submitted_at=response.submitted_at,
            receipt=receipt_number(invitation.id),
        )
    return None


def receipt_number(invitation_id: int) -> str:
    """The receipt of a submitted form: ten letters and digits derived from the invitation
    with the application's secret (the same whenever the thank-you page is shown again; it
    names no one and cannot be guessed from another receipt)."""
    import base64
    import hashlib
    import hmac

    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"receipt:{invitation_id}".encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode().translate(str.maketrans("", "", "=01"))[:10]
    return f"{text[:5]}-{text[5:]}"


@bp.get("/c")
@public
def code_form() -> str:
    """Type the code printed on a paper letter."""
    return render_template("survey/code.html", error=None)


@bp.post("/c")
@public
@ratelimit.limited("20 per minute")
def code_lookup() -> str | WerkzeugResponse:
    code = request.form.get("code", "")[:20]
    if invitations.find(get_session(), code) is None:
        return render_template("survey/code.html", error=True), 404  # type: ignore[return-value]
    return redirect(url_for("survey.landing", key=code.strip().upper()))


@bp.get("/s/<key>")
@public
@ratelimit.limited(_rate, _by_key)
def landing(key: str) -> Any:
    invitation = _invitation(key)
    done = _refused_or_done(invitation)
    if done is not None:
        return done
    instrument = responses.instrument_of(invitation)
    answers = _saved(invitation)
    flask_session.permanent = True
    return render_template(
        "survey/landing.html",
        key=key,
        instrument=instrument,
        started=bool(answers),
        respondent=invitation.respondent,
        rated=invitation.rated_unit,
    )


@bp.route("/s/<key>/p/<int:page>", methods=["GET", "POST"])
@public
@ratelimit.limited(_rate, _by_key)
def section(key: str, page: int) -> Any:
    invitation = _invitation(key)
    done = _refused_or_done(invitation)
    if done is not None:
        return done
    instrument = responses.instrument_of(invitation)
    answers = _saved(invitation)
    sections = visible_sections(instrument, answers)
    if not 0 <= page < len(sections):
        return redirect(url_for("survey.review", key=key))
    current = sections[page]
    result: ValidationResult | None = None
    if request.method == "POST":
        posted = page_answers(instrument, current)
        result = responses.save_draft(get_session(), invitation, posted)
        page_errors = [
            e
            for e in result.errors
            if current.questions and any(q.id == e.question_id for q in current.questions)
        ] or [e for e in result.errors if not instrument.has_question(e.question_id)]
        if not page_errors:
            answers = _saved(invitation)
            going_back = request.form.get("go") == "back"
            if not going_back and opened_questions(current, answers):
                return redirect(url_for("survey.section", key=key, page=page, more=1))
            target = page - 1 if going_back else page + 1
            sections = visible_sections(instrument, answers)
            if target >= len(sections):
                return redirect(url_for("survey.review", key=key))
            return redirect(url_for("survey.section", key=key, page=max(target, 0)))
        answers = {**answers, **{k: v for k, v in posted.items() if v is not None}}
        keep_on_error()
    return _section_page(
        key,
        instrument,
        current,
        page,
        len(sections),
        answers,
        result,
        more=bool(request.args.get("more")),
    ), 422 if result else 200


def _section_page(
    key: str,
    instrument: Instrument,
    current: Section,
    page: int,
    pages: int,
    answers: dict[str, object],
    result: ValidationResult | None,
    **flags: bool,
) -> str:
    """One questionnaire page: the section's questions that skip logic shows now."""
    shown = [q for q in current.questions if q.show_if is None or q.show_if.holds(answers)]
    return render_template(
        "survey/section.html",
        key=key,
        instrument=instrument,
        section=current,
        questions=shown,
        page=page,
        pages=pages,
        answers=answers,
        result=result,
        **flags,
    )


def opened_questions(current: Section, answers: dict[str, object]) -> list[str]:
    """Questions of this page that the answers just posted made visible and that are still
    unanswered (e.g. "was the portal easy to use?" after "filed online: yes"): the page is
    shown again with them instead of moving on, so nobody meets them first on the review
    page. ``shown`` lists the questions the posted page displayed."""
    shown = set(request.form.get("shown", "").split())
    return [
        q.id
        for q in current.questions
        if q.id not in shown
        and (q.show_if is None or q.show_if.holds(answers))
        and is_missing(answers.get(q.id))
    ]


def page_answers(
    instrument: Instrument, current: Section, ignore: tuple[str, ...] = IGNORED_FIELDS
) -> dict[str, object]:
    """The page's answers: every question of the section (None if blank) plus unknown fields."""
    fields = {
        k: [v[:MAX_FIELD_CHARS] for v in request.form.getlist(k)]
        for k in request.form
        if k not in ignore
    }
    parsed = parse_form(instrument, fields, ignore=ignore)
    return {**{q.id: None for q in current.questions}, **parsed}


@bp.get("/s/<key>/review")
@public
@ratelimit.limited(_rate, _by_key)
def review(key: str) -> Any:
    invitation = _invitation(key)
    done = _refused_or_done(invitation)
    if done is not None:
        return done
    instrument = responses.instrument_of(invitation)
    answers = _saved(invitation)
    result = validate_answers(instrument, answers, partial=False)
    return render_template(
        "survey/review.html",
        key=key,
        instrument=instrument,
        answers=answers,
        result=result,
        client_key=uuid.uuid4().hex,
        sections=visible_sections(instrument, answers),
    )


@bp.post("/s/<key>/submit")
@public
@ratelimit.limited(_rate, _by_key)
def submit(key: str) -> Any:
    """Submit the stored draft (form post) or a full JSON payload (offline sync).

    The hot path of the service: it reads the link in one query and loads no ORM objects.
    """
    link = responses.find_link(get_session(), key) if len(key) <= 100 else None
    if link is None:
        _unknown_link()
    assert link is not None
    why = link.refusal()
    wants_json = request.is_json
    if why is not None:
        return _answer(wants_json, "refused", 403, why=why.value)
    payload = read_object(request) if wants_json else {}
    if isinstance(payload, BodyProblem):
        return _refused_body(payload)
    client_key = payload.get("client_key") if wants_json else request.form.get("client_key")
    if not isinstance(client_key, str) or not CLIENT_KEY.fullmatch(client_key):
        return _answer(wants_json, "bad_client_key", 400)
    answers = None
    raw = payload.get("answers")
    if raw is not None:
        if not isinstance(raw, dict):
            return _answer(wants_json, "not_an_object", 400)
        answers = _json_answers(link.instrument, raw)
    outcome = responses.submit_or_keep(get_session(), link, answers, client_key)
    if outcome.outcome in (SubmitOutcome.ACCEPTED, SubmitOutcome.ALREADY_ACCEPTED):
        if wants_json:
            return jsonify(
                status=outcome.outcome.value, thanks_url=url_for("survey.landing", key=key)
            )
        return render_template(
            "survey/thanks.html",
            submitted_at=outcome.submitted_at,
            receipt=receipt_number(link.invitation_id),
        )
    if outcome.outcome is SubmitOutcome.CONFLICT:
        return _answer(wants_json, "conflict", 409)
    if outcome.outcome is SubmitOutcome.REFUSED:
        return _answer(wants_json, "refused", 403, why="revoked")
    if outcome.draft_kept:
        keep_on_error()
    if wants_json:
        errors = outcome.validation.errors if outcome.validation else ()
        return jsonify(
            status="invalid",
            missing=list(outcome.validation.missing_required if outcome.validation else ()),
            errors=[
                {
                    "question": e.question_id,
                    "code": e.code.value,
                    "message": answer_message(e, locale_code()),
                }
                for e in errors
            ],
        ), 422
    return redirect(url_for("survey.review", key=key))


def _json_answers(instrument: Instrument, raw: dict[str, object]) -> dict[str, object]:
    """Typed answers from a JSON {question id: value or [values]} as ``parse_form`` makes
    them from form fields. Values that no form could send (objects, nested arrays, true) are
    passed on as they are, for validation to refuse as ``invalid_type``."""
    fields: dict[str, list[str]] = {}
    odd: dict[str, object] = {}
    for question_id, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if all(v is None or isinstance(v, str) for v in values):
            fields[question_id] = [v[:MAX_FIELD_CHARS] for v in values if isinstance(v, str)]
        else:
            odd[question_id] = value
    return {**parse_form(instrument, fields), **odd}


def _problem_message(kind: str) -> str:
    """The respondent's message for a refused request (kinds of ``BodyProblem`` and more)."""
    code = f"request.{kind}"
    return render(code if code in CATALOGUE else "request.bad_request", locale_code(), {})


def _refused_body(problem: BodyProblem) -> Any:
    """The JSON refusal of a body ``read_object`` would not read."""
    return _answer(True, problem.value, 413 if problem is BodyProblem.TOO_LARGE else 400)


def _answer(wants_json: bool, kind: str, status: int, **params: str) -> Any:
    """A refusal: JSON {status, message} for survey.js, else the page that explains it."""
    if wants_json:
        return jsonify(status=kind, message=_problem_message(kind), **params), status
    return render_template(
        "survey/refused.html", why=kind, message=_problem_message(kind), **params
    ), status


@bp.post("/s/<key>/autosave")
@public
@ratelimit.limited(_rate, _by_key)
def autosave(key: str) -> Any:
    """JSON autosave from survey.js: {answers: {question_id: value or [values]}}."""
    invitation = _invitation(key)
    why = responses.refusal(invitation)
    if why is not None:
        return _answer(True, "refused", 403, why=why.value)
    if not request.is_json:
        return _answer(True, "not_json", 415)
    payload = read_object(request)
    if isinstance(payload, BodyProblem):
        return _refused_body(payload)
    raw = payload.get("answers")
    if not isinstance(raw, dict):
        return _answer(True, "not_an_object", 400)
    instrument = responses.instrument_of(invitation)
    answers = _json_answers(instrument, raw)
    result = responses.save_draft(get_session(), invitation, answers)
    return jsonify(
        status="saved",
        errors=[
            {"question": e.question_id, "message": answer_message(e, locale_code())}
            for e in result.errors
        ],
    )


@bp.get("/s/<key>/token")
@public
@ratelimit.limited(_rate, _by_key)
def fresh_token(key: str) -> Any:
    """A fresh CSRF token for a page left open so long that its token no longer matches."""
    _invitation(key)
    return jsonify(csrf_token=generate_csrf())


def csrf_expired() -> Any:
    """A respondent's page outlived its CSRF token: keep what they typed, ask to send again.

    JSON callers (survey.js) get 400 {"status": "csrf"} and fetch a fresh token, then retry.
    """
    if request.is_json:
        return _answer(True, "csrf", 400)
    args = request.view_args or {}
    key, page = str(args.get("key", "")), args.get("page")
    invitation = invitations.find(get_session(), key) if len(key) <= 100 else None
    if invitation is None:  # an error handler must not abort(404): that would be a 500
        return render_template("errors/error.html", code=404, kind="404"), 404
    if page is None or responses.refusal(invitation) is not None:
        return redirect(url_for("survey.landing", key=key))
    instrument = responses.instrument_of(invitation)
    answers = _saved(invitation)
    sections = visible_sections(instrument, answers)
    if not 0 <= int(page) < len(sections):
        return redirect(url_for("survey.review", key=key))
    current = sections[int(page)]
    posted = {k: v for k, v in page_answers(instrument, current).items() if v is not None}
    return _section_page(
        key,
        instrument,
        current,
        int(page),
        len(sections),
        {**answers, **posted},
        None,
        csrf_expired=True,
    ), 400


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """A respondent's post over the size limits (of a form or of the whole body)."""
    return _answer(request.is_json, "too_large", 413)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    """404, 405, 429... of a respondent page: JSON {status, message} for survey.js (with the
    error's headers, Retry-After among them), else the usual error page."""
    code = error.code or 500
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if request.is_json:
        message = {
            404: _("Không tìm thấy trang."),
            429: _("Quá nhiều yêu cầu. Hãy chờ một phút rồi thử lại."),
        }.get(code, _("Yêu cầu không thực hiện được."))
        return jsonify(status=str(code), message=message), code, headers
    if code == 404:  # a mistyped link: the page to type the letter's code, with the hotline
        return render_template("survey/code.html", error=None, mistyped=True), 404, headers
    return render_template("errors/error.html", code=code, kind=str(code)), code, headers

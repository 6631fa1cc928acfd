"""Blueprints, error pages, template helpers and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from survey_app.errors import ServiceError
from survey_app.persistence.session import DATABASE_UNAVAILABLE, discard_session
from survey_app.security import current_user
from survey_app.web.helpers import locale_code


def register(app: Flask) -> None:
    from survey_app.web import (
        admin,
        api,
        assessment,
        auth,
        entry,
        fieldwork,
        labels,
        lists,
        main,
        questionnaires,
        registry,
        respondents,
        results,
        sampling,
        survey,
    )
    from survey_app.web.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    for module in (
        main,
        auth,
        admin,
        questionnaires,
        registry,
        survey,
        entry,
        fieldwork,
        respondents,
        results,
        assessment,
        api,
        lists,
        sampling,
    ):
        app.register_blueprint(module.bp)
    _register_errors(app)
    app.context_processor(_template_globals)
    app.jinja_env.globals["answer_message"] = _answer_message  # macros see globals only
    app.jinja_env.globals["level_name"] = _level_name
    app.jinja_env.globals["group_name"] = _group_name
    app.after_request(_security_headers)
    app.after_request(_no_store)
    app.add_template_filter(_datetime, "datetime")
    for name, fn in (
        ("decimal", format_decimal),
        ("percent", format_percent),
    ):
        app.add_template_filter(fn, name)
    app.add_template_filter(_short_date, "date")
    app.add_template_filter(labels.local_phone, "phone")
    app.add_template_filter(labels.tel_href, "tel")


def _datetime(value: Any, fmt: str | None = None) -> str:
    """Moments as Vietnamese offices write them, in Vietnam's time: 31/12/2026 14:05 (any
    of Babel's named widths gives the same in Vietnamese: one format everywhere); English
    keeps the format asked for."""
    if value is None:
        return ""
    english = str(get_locale() or "vi").startswith("en")
    if not english and (fmt is None or fmt in ("short", "medium", "long", "full")):
        fmt = "dd/MM/yyyy HH:mm"
    return str(format_datetime(value, fmt or "medium"))


def _short_date(value: Any, fmt: str | None = None) -> str:
    """Dates as officers write them: 31/12/2026 in Vietnamese, Dec 31, 2026 in English."""
    if fmt is None:
        fmt = "medium" if str(get_locale() or "vi").startswith("en") else "dd/MM/yyyy"
    return str(format_date(value, fmt))


def _answer_message(error: Any) -> str:
    """An answer problem in the page's language (templates: ``answer_message(e)``)."""
    from survey_app.catalogue import answer_message
    from survey_app.web.helpers import locale_code

    return answer_message(error, locale_code())


def _campaign_in(context: Any) -> Any:
    """The campaign a template shows: ``campaign``, else a unit's or the results' campaign."""
    for name in ("campaign", "unit", "r", "results"):
        value = context.get(name)
        if value is None:
            continue
        if name == "campaign":
            return value
        found = getattr(value, "campaign", None)
        if found is not None:
            return found
    return None


@pass_context
def _level_name(context: Any, code: str, campaign: Any = None) -> str:
    """The design's name of a unit level (templates: ``level_name(unit.level)``)."""
    from survey_app.web import labels
    from survey_app.web.helpers import locale_code

    return labels.design_name(campaign or _campaign_in(context), "level", code, locale_code())


@pass_context
def _group_name(context: Any, code: str, campaign: Any = None) -> str:
    """The design's name of a respondent group (templates: ``group_name(row.group)``)."""
    from survey_app.web import labels
    from survey_app.web.helpers import locale_code

    return labels.design_name(campaign or _campaign_in(context), "group", code, locale_code())


def _template_globals() -> dict[str, Any]:
    from survey_app.web import labels

    return {
        "current_user": current_user(),
        "locale": str(get_locale() or "vi"),
        "url_map_endpoints": current_app.view_functions,
        "mode_labels": labels.MODE_LABELS,
        "job_labels": labels.JOB_LABELS,
        "role_labels": labels.ROLE_LABELS,
        "reason_labels": labels.DISTRICT_REASON_LABELS,
        "standing_labels": labels.STANDING_LABELS,
        "audit_labels": labels.AUDIT_LABELS,
    }


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'",
    )
    return response


CACHEABLE_ENDPOINTS = frozenset({"static", "main.healthz"})


def _no_store(response: Response) -> Response:
    """``Cache-Control: no-store`` on every page but static files and the health check.

    Staff pages show names and phones, respondent pages a person's answers, exports whole
    lists: none may stay in a shared computer's browser cache or a proxy. A view that wants
    caching marks its response ``public`` (none does now); ``no-cache`` set by ``send_file``
    is not enough and is replaced.
    """
    if request.endpoint in CACHEABLE_ENDPOINTS or response.cache_control.public:
        return response
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if request.blueprint == "survey":
            from survey_app.web.survey import csrf_expired

            return csrf_expired()
        return render_template("errors/error.html", code=400, kind="csrf"), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        """The one message for a file over the limit (the list reader says the same)."""
        from survey_app.catalogue import render as catalogue_message
        from survey_app.web.helpers import locale_code

        size = request.content_length or 0
        message = catalogue_message(
            "too_large",
            locale_code(),
            {
                "size_mb": -(-size // (1024 * 1024)),
                "limit_mb": app.config["SETTINGS"].max_upload_mb,
            },
        )
        return render_template(
            "errors/error.html", code=413, kind="too_large", message=message
        ), 413

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> Any:
        """A rule a view did not catch itself: the user still gets its message, never a 500."""
        message = error.message(locale_code())
        if request.accept_mimetypes.best == "application/json":
            return {"status": "error", "code": error.code, "message": message}, 422
        return render_template("errors/error.html", code=422, kind="service", message=message), 422

    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if request.accept_mimetypes.best == "application/json":
            return error
        code = error.code or 500
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if (
            code == 404
            and request.path.lower().rstrip("/") in ("/s", "/c")
            or (code == 404 and request.path.lower().startswith("/s/"))
        ):  # a respondent's mistyped link: the page to type the letter's code, not staff's
            return render_template("survey/code.html", error=None, mistyped=True), 404, headers
        return render_template("errors/error.html", code=code, kind=str(code)), code, headers


RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    """JSON callers: survey.js posts JSON bodies; API clients ask for JSON."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def database_unavailable(error: Exception) -> Any:
    """503 with Retry-After when the database cannot be used, never a 500 or a false "saved".

    Nothing of the request was stored (the transaction is rolled back here), so the page says
    so and asks to try again; survey.js keeps the answers on the phone and retries. The page
    is rendered without the database: the user is not looked up again.
    """
    current_app.logger.warning(
        "database unavailable on %s %s: %s", request.method, request.endpoint, type(error).__name__
    )
    discard_session()
    g.user = None
    message = _(
        "Hệ thống đang tạm gián đoạn nên chưa lưu được thao tác vừa rồi. "
        "Hãy thử lại sau vài giây; nếu vẫn không được, hãy báo cho Sở Nội vụ."
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        return {"status": "unavailable", "message": message}, 503, headers
    return (
        render_template("errors/error.html", code=503, kind="service", message=message),
        503,
        headers,
    )

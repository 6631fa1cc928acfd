"""Blueprints, error pages, template helpers and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from survey_app.errors import ServiceError
from survey_app.security import current_user
from survey_app.web.helpers import locale_code


def register(app: Flask) -> None:
    from survey_app.web import (
        admin,
        api,
        auth,
        entry,
        fieldwork,
        lists,
        main,
        results,
        sampling,
        survey,
    )
    from survey_app.web.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    for module in (main, auth, admin, survey, entry, fieldwork, results, api, lists, sampling):
        app.register_blueprint(module.bp)
    _register_errors(app)
    app.context_processor(_template_globals)
    app.after_request(_security_headers)
    for name, fn in (("datetime", format_datetime), ("decimal", format_decimal),
                     ("percent", format_percent)):
        app.add_template_filter(fn, name)
    app.add_template_filter(_short_date, "date")


def _short_date(value: Any, fmt: str | None = None) -> str:
    """Dates as officers write them: 31/12/2026 in Vietnamese, Dec 31, 2026 in English."""
    if fmt is None:
        fmt = "medium" if str(get_locale() or "vi").startswith("en") else "dd/MM/yyyy"
    return str(format_date(value, fmt))


def _template_globals() -> dict[str, Any]:
    from survey_app.web import labels

    return {
        "current_user": current_user(),
        "locale": str(get_locale() or "vi"),
        "url_map_endpoints": current_app.view_functions,
        "level_labels": labels.LEVEL_LABELS,
        "group_labels": labels.GROUP_LABELS,
        "mode_labels": labels.MODE_LABELS,
        "kind_labels": labels.KIND_LABELS,
        "role_labels": labels.ROLE_LABELS,
        "reason_labels": labels.DISTRICT_REASON_LABELS,
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


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if request.blueprint == "survey":
            from survey_app.web.survey import csrf_expired

            return csrf_expired()
        return render_template("errors/error.html", code=400, kind="csrf"), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        limit = app.config["SETTINGS"].max_upload_mb
        return render_template("errors/error.html", code=413, kind="too_large", limit=limit), 413

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> Any:
        """A rule a view did not catch itself: the user still gets its message, never a 500."""
        message = error.message(locale_code())
        if request.accept_mimetypes.best == "application/json":
            return {"status": "error", "code": error.code, "message": message}, 422
        return render_template("errors/error.html", code=422, kind="service",
                               message=message), 422

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if request.accept_mimetypes.best == "application/json":
            return error
        code = error.code or 500
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template("errors/error.html", code=code, kind=str(code)), code, headers

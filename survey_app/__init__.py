"""The survey service: a Flask application over SQLAlchemy and the pure libraries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from questionnaires import builtin_instruments
from survey_app.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """templates/ of the checkout, or the copy an installed wheel carries."""
    checkout = ROOT / "templates"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "templates"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application. ``config`` overrides settings (tests pass a database URL)."""
    settings = Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(templates_dir()),
        static_folder="static",
        instance_path=str(settings.instance_dir),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=(max(settings.max_upload_mb, settings.evidence_max_mb) + 1)
        * 1024
        * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_ENABLED=True,
        AUTO_MIGRATE=False,
        JOB_RUNNER=settings.job_runner,
    )
    if config:
        app.config.update(config)
    _init_extensions(app)
    _register_blueprints(app)
    _init_transactions(app)
    builtin_instruments()  # parse the shipped questionnaires now, not in a respondent's request
    return app


def _init_extensions(app: Flask) -> None:
    from survey_app import ratelimit, redaction
    from survey_app.extensions import babel, csrf, select_locale
    from survey_app.i18n import compiled_translations_dir
    from survey_app.persistence.db import make_engine, make_session_factory, upgrade
    from survey_app.services.results_store import ResultsStore

    redaction.install(app)
    url = app.config["DATABASE_URL"]
    if app.config["AUTO_MIGRATE"]:
        upgrade(url)
    engine = make_engine(url)
    app.extensions["engine"] = engine
    app.extensions["session_factory"] = make_session_factory(engine)
    settings = app.config["SETTINGS"]
    app.extensions["results_store"] = ResultsStore(
        settings.results_cache_campaigns,
        settings.results_cache_mb,
        spill_dir=settings.instance_dir / "results-files",
    )
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_translations_dir(app))
    babel.init_app(app, locale_selector=select_locale)
    settings = app.config["SETTINGS"]
    ratelimit.init_app(app, (settings.login_rate_limit, settings.respondent_rate_limit))
    if settings.trusted_proxies:  # behind a reverse proxy: the client address it forwards
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.trusted_proxies,
            x_proto=settings.trusted_proxies,
        )


def _init_transactions(app: Flask) -> None:
    """The per-request commit, registered after every other ``after_request`` hook so that
    it runs first: a response replacing a failed commit still gets the security headers."""
    from survey_app.persistence import session as db_session

    db_session.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from survey_app.web import register

    register(app)

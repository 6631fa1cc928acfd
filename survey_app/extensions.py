"""Flask extensions created once and bound in create_app."""

from __future__ import annotations

from flask import request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

LOCALES = ("vi", "en")


def select_locale() -> str:
    """The user's choice (session), else the browser's preference, else Vietnamese."""
    chosen = session.get("locale")
    if chosen in LOCALES:
        return str(chosen)
    return request.accept_languages.best_match(LOCALES, default="vi") or "vi"

"""Flask extensions created once and bound in create_app."""

from __future__ import annotations

from flask import current_app, session
from flask_babel import Babel
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()

LOCALES = ("vi", "en")


def select_locale() -> str:
    """Vietnamese unless the user chose English with the switch (kept in the session).

    The browser's language is not used: officials' and citizens' phones are often set to
    English while the survey is a Vietnamese government service.
    """
    chosen = session.get("locale")
    if chosen in LOCALES:
        return str(chosen)
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"))

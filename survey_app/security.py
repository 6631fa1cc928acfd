"""Passwords, tokens and the role/scope checks every route goes through."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, g, redirect, request, session, url_for

from survey_app.persistence.enums import Role
from survey_app.persistence.models import Unit, User
from survey_app.persistence.session import get_session
from survey_app.services import staff_sessions

P = ParamSpec("P")
R = TypeVar("R")

_hasher = PasswordHasher()
SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    """Argon2id with the library's recommended parameters."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A personal link token: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def new_short_code() -> str:
    """A 10-character code for paper letters (50 bits), without look-alike characters."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(10))


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256: high-entropy secrets need no slow hash."""
    token = token.strip()
    normalised = re.sub(r"[^0-9A-Za-z]", "", token).upper() if len(token) <= 14 else token
    return hashlib.sha256(normalised.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the cookie field holding the token, not a secret


def current_user() -> User | None:
    """The logged-in, active user of this request, or None.

    The signed cookie must carry a session token whose server-side row is live (see
    ``services.staff_sessions``): a cookie saved before logging out, or one from before
    sessions were kept server-side, opens nothing. Anonymous requests (respondents) carry
    no token and cost no query.
    """
    if "user" not in g:
        token = session.get(SESSION_TOKEN_KEY)
        g.user = (
            staff_sessions.user_for_token(get_session(), token)
            if isinstance(token, str) and token
            else None
        )
    result: User | None = g.user
    return result


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Any role; anonymous users go to the login page."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.path))  # type: ignore[return-value]
        return view(*args, **kwargs)

    wrapped.allowed_roles = tuple(Role)  # type: ignore[attr-defined]
    return wrapped


def public(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a view as open to anyone (login page, respondent links, health check)."""
    view.allowed_roles = None  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Only the given roles; others get 403, anonymous users the login page."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.path))  # type: ignore[return-value]
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


def can_access_unit(user: User, unit: Unit) -> bool:
    """Administrators and analysts see every unit; a unit officer only their own."""
    if user.role is Role.UNIT_OFFICER:
        return unit.code == user.unit_code
    return user.role in (Role.ADMIN, Role.ANALYST)


def require_unit_access(unit: Unit | None) -> Unit:
    """404 for an unknown unit, 403 for another unit's data: never leak it."""
    user = current_user()
    if unit is None:
        abort(404)
    if user is None or not can_access_unit(user, unit):
        abort(403)
    return unit

"""Server-side staff sessions: each login is a row, so it can be ended for every copy of
its cookie (logging out, a role change, an administrator's "sign out everywhere").

The signed Flask cookie carries a random token; the table keeps only its SHA-256, so a leaked
database cannot be replayed as cookies. A session is valid while its row exists, is neither
revoked nor expired, and its user is active: checked by one indexed SELECT joined to the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import User, UserSession
from survey_app.services import audit

LIFETIME = dt.timedelta(hours=8)  # as PERMANENT_SESSION_LIFETIME: a working day


def _digest(token: str) -> str:
    """SHA-256 of a 256-bit random token (no slow hash needed for such entropy)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, user: User, ip: str | None, lifetime: dt.timedelta = LIFETIME
) -> str:
    """Record a new login of ``user``; returns the clear token for the signed cookie."""
    token = secrets.token_urlsafe(32)
    created = dt.datetime.now(dt.UTC)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=created,
            expires_at=created + lifetime,
            ip=(ip or "")[:64] or None,
        )
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user of a live (not revoked, not expired) session token, or None."""
    return session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == _digest(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > dt.datetime.now(dt.UTC),
            User.is_active.is_(True),
        )
    )


def revoke(session: Session, token: str) -> None:
    """End the session of ``token`` (logging out); a revoked or unknown token is a no-op."""
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _digest(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )


def log_out(session: Session, user: User | None, token: str, ip: str | None) -> None:
    """End one login: audited, and its server-side session revoked."""
    audit.record(session, AuditAction.LOGOUT, user=user, ip=ip)
    revoke(session, token)


def revoke_all(session: Session, user: User) -> int:
    """End every live session of ``user`` (on every device); returns how many were live."""
    now = dt.datetime.now(dt.UTC)
    result = session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)

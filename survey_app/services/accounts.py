"""Accounts: creation, authentication, role changes and ending a user's sessions.

A change to what an account may do (its role or unit) ends its live sessions, so a demoted
user's open browser loses the old rights at once; the next login gets the new ones.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import User
from survey_app.security import hash_password, verify_password
from survey_app.services import audit, staff_sessions

MIN_PASSWORD_LENGTH = 10
# A hash of a random password: lets unknown usernames cost the same time as wrong passwords.
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    role: Role,
    unit_code: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account; usernames are unique and case-insensitive."""
    username = username.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError("weak_password", min_length=MIN_PASSWORD_LENGTH)
    if session.scalar(select(User).where(User.username == username)):
        raise ServiceError("username_taken", value=username)
    user = User(
        username=username,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        unit_code=unit_code if role is Role.UNIT_OFFICER else None,
    )
    session.add(user)
    session.flush()
    audit.record(session, AuditAction.USER_CREATED, user=actor, target=username, role=role.value)
    return user


def authenticate(session: Session, username: str, password: str, ip: str | None) -> User | None:
    """The active user with these credentials, or None. Both outcomes are audited."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.is_active:
        audit.record(session, AuditAction.LOGIN_FAILED, username=username[:80], ip=ip)
        return None
    user.last_login_at = dt.datetime.now(dt.UTC)
    audit.record(session, AuditAction.LOGIN, user=user, ip=ip)
    return user


def change_role(
    session: Session, user: User, role: Role, unit_code: str | None, actor: User
) -> None:
    """Change a user's role (and unit scope for officers); audited."""
    before, before_unit = user.role, user.unit_code
    user.role = role
    user.unit_code = unit_code if role is Role.UNIT_OFFICER else None
    session.flush()
    changed = (before, before_unit) != (user.role, user.unit_code)
    ended = staff_sessions.revoke_all(session, user) if changed else 0
    audit.record(
        session,
        AuditAction.ROLE_CHANGED,
        user=actor,
        target=user.username,
        before=before.value,
        after=role.value,
        unit_code=user.unit_code,
        sessions_ended=ended,
    )


def end_sessions(session: Session, user: User, actor: User, ip: str | None) -> int:
    """Sign ``user`` out on every device (a lost phone, a shared computer); audited as a
    logout of that user by ``actor``. Returns how many sessions were live."""
    ended = staff_sessions.revoke_all(session, user)
    audit.record(
        session,
        AuditAction.LOGOUT,
        user=actor,
        target=user.username,
        ip=ip,
        reason="revoked_by_admin",
        sessions_ended=ended,
    )
    return ended


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))

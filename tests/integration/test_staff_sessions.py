"""Staff sessions live on the server: a saved cookie stops working once the session ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import Role
from survey_app.persistence.models import AuditEvent, User, UserSession
from tests.conftest import csrf, login


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str, path: str = "/admin/users") -> int:
    """Open ``path`` in a fresh browser holding only a copy of the saved cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    response = other.get(path)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    return response.status_code


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def test_a_cookie_saved_before_logout_opens_nothing(app: Flask, demo: int) -> None:
    client = login(app.test_client(), "admin")
    saved = _cookie(client)
    assert _replay(app, saved) == 200
    assert client.post("/logout").status_code == 302
    assert _replay(app, saved) == 302
    assert _replay(app, saved, "/") == 302


def test_only_a_hash_of_the_token_is_stored(app: Flask, session: Session, demo: int) -> None:
    client = login(app.test_client(), "admin")
    with client.session_transaction() as cookie_session:
        token = cookie_session["sid"]
    row = session.scalar(
        select(UserSession).where(UserSession.user_id == _user(session, "admin").id)
    )
    assert row is not None and len(row.token_hash) == 64 and token not in row.token_hash
    assert row.revoked_at is None
    expires = row.expires_at.replace(tzinfo=row.expires_at.tzinfo or dt.UTC)
    assert dt.timedelta(hours=7) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=8)


def test_an_old_cookie_without_a_session_token_is_refused(
    app: Flask, session: Session, demo: int
) -> None:
    """Cookies signed before this change carried only the user id."""
    client = app.test_client()
    with client.session_transaction() as cookie_session:
        cookie_session["user_id"] = _user(session, "admin").id
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_expired_session_opens_nothing(app: Flask, session: Session, demo: int) -> None:
    client = login(app.test_client(), "admin")
    row = session.scalar(select(UserSession))
    assert row is not None
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.commit()
    assert client.get("/admin/users").status_code == 302


def test_the_administrator_signs_a_user_out_everywhere(
    app: Flask, session: Session, as_role: Callable[[str], FlaskClient]
) -> None:
    phone, laptop = as_role("sotuphap"), as_role("sotuphap")
    saved = _cookie(phone)
    assert _replay(app, saved, "/") == 200
    officer = _user(session, "sotuphap")
    admin = as_role("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{officer.id}/sessions/revoke" in page
    response = admin.post(f"/admin/users/{officer.id}/sessions/revoke")
    assert response.status_code == 302
    assert "Đã đăng xuất sotuphap trên mọi thiết bị (2 phiên đang mở)" in admin.get(
        "/admin/users"
    ).get_data(as_text=True)
    for client in (phone, laptop):
        assert client.get("/").status_code == 302
    assert _replay(app, saved, "/") == 302
    assert admin.get("/admin/users").status_code == 200  # the administrator's own session lives
    session.expire_all()
    event_row = session.scalar(
        select(AuditEvent).where(AuditEvent.target == "sotuphap", AuditEvent.action == "logout")
    )
    assert event_row is not None and event_row.username == "admin"
    assert event_row.details["sessions_ended"] == 2


def test_revoking_needs_the_administrator_and_a_csrf_token(
    app: Flask, session: Session, as_role: Callable[[str], FlaskClient]
) -> None:
    officer = _user(session, "sotuphap")
    url = f"/admin/users/{officer.id}/sessions/revoke"
    assert as_role("phantich").post(url).status_code == 403
    admin = as_role("admin")
    del admin.environ_base["HTTP_X_CSRFTOKEN"]
    assert admin.post(url).status_code == 400
    assert (
        admin.post(
            "/admin/users/999999/sessions/revoke", data={"csrf_token": csrf(admin, "/admin/users")}
        ).status_code
        == 404
    )


def test_a_role_change_ends_the_users_sessions(
    app: Flask, session: Session, as_role: Callable[[str], FlaskClient]
) -> None:
    analyst = as_role("phantich")
    assert analyst.get("/").status_code == 200
    user = _user(session, "phantich")
    admin = as_role("admin")
    response = admin.post(f"/admin/users/{user.id}/role", data={"role": Role.INTERVIEWER.value})
    assert response.status_code == 302
    assert analyst.get("/").status_code == 302
    session.expire_all()
    assert _user(session, "phantich").role is Role.INTERVIEWER


def test_a_deactivated_user_is_signed_out(
    app: Flask, session: Session, as_role: Callable[[str], FlaskClient]
) -> None:
    officer = as_role("sotuphap")
    user = _user(session, "sotuphap")
    user.is_active = False
    session.commit()
    assert officer.get("/").status_code == 302


def test_respondent_pages_never_look_up_a_staff_session(app: Flask, demo: int) -> None:
    """No user_sessions query on anonymous requests (respondents, the login page)."""
    statements: list[str] = []
    engine = app.extensions["engine"]

    def _record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        client = app.test_client()
        for path in ("/login", "/c", "/s/" + "A" * 43):
            client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    assert not [s for s in statements if "user_sessions" in s]

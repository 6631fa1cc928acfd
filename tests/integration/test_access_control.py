"""Roles on every route, unit scope, CSRF and the analyst's blindness to personal data."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import Role
from survey_app.persistence.models import Unit, User

ACCOUNTS = {Role.ADMIN: "admin", Role.UNIT_OFFICER: "sotuphap",
            Role.INTERVIEWER: "buudien", Role.ANALYST: "phantich"}


def _views(app: Flask) -> list[tuple[str, str, tuple[Role, ...] | None]]:
    """(endpoint, rule, allowed roles or None for public) of every route."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "allowed_roles"), f"{rule.endpoint} declares no access rule"
        found.append((rule.endpoint, rule.rule, view.allowed_roles))
    return found


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    assert len(_views(app)) >= 8


def _fill(rule: str, ids: dict[str, int | str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule)


def test_role_route_matrix(app: Flask, as_role: Callable[[str], FlaskClient],
                           session: Session, demo: int) -> None:
    """Each role gets through exactly the GET routes its role allows; others get 403."""
    unit = session.scalar(select(Unit).where(Unit.code == "S02"))
    assert unit is not None
    ids: dict[str, int | str] = {"campaign_id": demo, "unit_id": unit.id, "user_id": 1}
    clients = {role: as_role(name) for role, name in ACCOUNTS.items()}
    for endpoint, rule, allowed in _views(app):
        if allowed is None or "GET" not in app.url_map._rules_by_endpoint[endpoint][0].methods:
            continue
        url = _fill(rule, ids)
        for role, client in clients.items():
            status = client.get(url).status_code
            if role in allowed:
                assert status != 403, f"{role} refused at {endpoint}"
            else:
                assert status == 403, f"{role} let into {endpoint} ({status})"


def test_anonymous_users_are_sent_to_login(app: Flask, demo: int) -> None:
    client = app.test_client()
    for endpoint, rule, allowed in _views(app):
        methods = app.url_map._rules_by_endpoint[endpoint][0].methods or set()
        if allowed is None or "GET" not in methods:
            continue
        response = client.get(_fill(rule, {"campaign_id": demo}))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_post_without_csrf_token_is_rejected(app: Flask, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("admin")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    response = client.post("/admin/users", data={
        "username": "intruder", "full_name": "X", "password": "long-enough-pw", "role": "admin"})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_login_form_requires_csrf(app: Flask, demo: int) -> None:
    response = app.test_client().post("/login", data={"username": "admin",
                                                      "password": "demo-admin-2026"})
    assert response.status_code == 400


def test_wrong_password_is_refused_and_audited(app: Flask, session: Session, demo: int) -> None:
    from tests.conftest import csrf

    client = app.test_client()
    response = client.post("/login", data={"username": "admin", "password": "wrong-password",
                                           "csrf_token": csrf(client)})
    assert "không đúng" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302
    from survey_app.persistence.models import AuditEvent

    session.expire_all()
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed"))


def test_login_attempts_are_rate_limited(db_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from survey_app import create_app
    from tests.conftest import csrf

    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_LOGIN_RATE_LIMIT", "3 per minute")
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    client = app.test_client()
    token = csrf(client)
    codes = [client.post("/login", data={"username": "x", "password": "y",
                                         "csrf_token": token}).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[-1] == 429
    app.extensions["engine"].dispose()


def test_password_is_hashed_with_argon2(session: Session, demo: int) -> None:
    admin = session.scalar(select(User).where(User.username == "admin"))
    assert admin is not None and admin.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("path", ["/admin/campaigns", "/admin/users", "/admin/audit"])
def test_unit_officer_cannot_reach_administration(as_role, path: str) -> None:  # type: ignore[no-untyped-def]
    assert as_role("sotuphap").get(path).status_code == 403

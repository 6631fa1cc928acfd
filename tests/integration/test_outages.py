"""The database goes away: 503 with Retry-After and a clear message, never a 500, never a
"saved" for data that was not committed; /healthz fails when the database cannot write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey_app import create_app
from survey_app.persistence.models import Answer, AuditEvent, HealthProbe
from tests.conftest import csrf
from tests.integration.test_survey_form import _citizen_link

VI_MESSAGE = "chưa lưu được thao tác vừa rồi"


def _disk_full(*_args: Any, **_kwargs: Any) -> None:
    raise OperationalError("COMMIT", {}, Exception("database or disk is full"))


def _assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == "5"
    assert VI_MESSAGE in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "no-store" in response.headers["Cache-Control"]


def _assert_unavailable_json(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["status"] == "unavailable" and VI_MESSAGE in body["message"]


@pytest.fixture
def unreachable(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The app pointed at a PostgreSQL server that is not running (a closed port)."""
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    app = create_app(
        {
            "DATABASE_URL": "postgresql+psycopg://survey@127.0.0.1:1/survey",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    app.extensions["engine"].dispose()


def test_an_unreachable_database_is_a_503_page(unreachable: Flask) -> None:
    client = unreachable.test_client()
    response = client.post(
        "/login", data={"username": "admin", "password": "x" * 12, "csrf_token": csrf(client)}
    )
    _assert_unavailable_page(response)
    _assert_unavailable_page(client.get("/s/" + "A" * 43))
    _assert_unavailable_page(
        client.post("/c", data={"code": "ABCD-EFGH-JK", "csrf_token": csrf(client, "/c")})
    )


def test_an_unreachable_database_is_a_503_json_for_survey_js(unreachable: Flask) -> None:
    client = unreachable.test_client()
    token = csrf(client, "/c")
    for path in ("/s/" + "A" * 43 + "/autosave", "/s/" + "A" * 43 + "/submit"):
        _assert_unavailable_json(
            client.post(path, json={"answers": {"q1": "1"}}, headers={"X-CSRFToken": token})
        )
    _assert_unavailable_json(client.get("/s/" + "A" * 43, headers={"Accept": "application/json"}))


def test_the_english_page_says_it_in_english(unreachable: Flask) -> None:
    client = unreachable.test_client()
    client.post("/locale", data={"locale": "en", "next": "/c", "csrf_token": csrf(client)})
    response = client.get("/s/" + "A" * 43)
    assert response.status_code == 503
    assert "was not saved" in response.get_data(as_text=True)


def _count_answers(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(Answer)) or 0)


def test_a_failed_commit_is_a_503_and_nothing_is_acknowledged(
    app: Flask, session: Session, demo: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit at the end of the request fails (a full disk): no 200 "saved"."""
    link = _citizen_link(session, demo, "Lê Văn Đĩa")
    client = app.test_client()
    page = client.get(f"/s/{link}/p/1")
    assert page.status_code == 200
    headers = {"X-CSRFToken": csrf(client, f"/s/{link}/p/1")}
    before = _count_answers(session)
    from survey_app.services import invitations, responses

    invitation = invitations.find(session, link)
    assert invitation is not None
    first = responses.instrument_of(invitation).sections[0].questions[0]
    from tests.support import answer_for

    value = answer_for(first)
    answers = {first.id: list(value) if isinstance(value, tuple) else value}
    monkeypatch.setattr(Session, "commit", _disk_full)
    _assert_unavailable_json(
        client.post(f"/s/{link}/autosave", json={"answers": answers}, headers=headers)
    )
    monkeypatch.undo()
    assert _count_answers(session) == before
    saved = client.post(f"/s/{link}/autosave", json={"answers": answers}, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["status"] == "saved"
    assert _count_answers(session) == before + 1


def test_a_failed_commit_of_a_login_is_a_503_page(
    app: Flask, session: Session, demo: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from survey_app.demo import demo_password

    client: FlaskClient = app.test_client()
    token = csrf(client)
    logins_before = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login")
    )
    monkeypatch.setattr(Session, "commit", _disk_full)
    response = client.post(
        "/login",
        data={"username": "admin", "password": demo_password("admin"), "csrf_token": token},
    )
    monkeypatch.undo()
    _assert_unavailable_page(response)
    session.expire_all()
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login")
        )
        == logins_before
    )


def test_healthz_writes_and_reads_back(app: Flask, session: Session) -> None:
    assert app.test_client().get("/healthz").status_code == 200
    first = session.get(HealthProbe, 1)
    assert first is not None
    assert app.test_client().get("/healthz").status_code == 200
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(HealthProbe)) == 1
    second = session.get(HealthProbe, 1)
    assert second is not None and second.checked_at >= first.checked_at


def test_healthz_fails_when_the_database_refuses_writes(app: Flask, db_url: str) -> None:
    """SQLite opened read-only (as on a full or read-only disk): a read still works."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PRAGMA query_only is SQLite's")
    engine = app.extensions["engine"]
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA query_only = 1")

    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_healthz_fails_when_the_commit_fails(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Session, "commit", _disk_full)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}

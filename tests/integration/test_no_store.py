"""Pages with names, phones and answers are never kept by browsers or shared caches."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.persistence.models import Unit
from tests.conftest import csrf
from tests.integration.test_access_control import ACCOUNTS, _fill, _views
from tests.integration.test_survey_form import _citizen_link


def _assert_no_store(client: FlaskClient, url: str, method: str = "GET", **kwargs: object) -> None:
    response = client.open(url, method=method, **kwargs)  # type: ignore[arg-type]
    assert "no-store" in response.headers.get("Cache-Control", ""), (
        f"{method} {url} ({response.status_code}): {response.headers.get('Cache-Control')}"
    )
    assert response.headers.get("Pragma") == "no-cache", url


def test_every_staff_page_is_no_store(
    app: Flask, as_role: Callable[[str], FlaskClient], session: Session, demo: int
) -> None:
    """Each GET route, for each role (allowed or refused) and for anonymous users."""
    unit = session.scalar(select(Unit).where(Unit.code == "S02"))
    assert unit is not None
    ids: dict[str, int | str] = {"campaign_id": demo, "unit_id": unit.id, "user_id": 1}
    clients = [as_role(name) for name in ACCOUNTS.values()] + [app.test_client()]
    checked = 0
    for endpoint, rule, allowed in _views(app):
        methods = app.url_map._rules_by_endpoint[endpoint][0].methods or set()
        if "GET" not in methods or endpoint == "main.healthz" or allowed is None:
            continue
        for client in clients:
            _assert_no_store(client, _fill(rule, ids, default=1))
            checked += 1
    assert checked > 40


def test_respondent_pages_and_errors_are_no_store(app: Flask, session: Session, demo: int) -> None:
    token = _citizen_link(session, demo, "Trần Thị Kín")
    client = app.test_client()
    for url in (
        f"/s/{token}",
        f"/s/{token}/p/1",
        f"/s/{token}/review",
        "/c",
        "/login",
        "/s/unknown-link",
        "/no-such-page",
    ):
        _assert_no_store(client, url)
    _assert_no_store(
        client, "/c", "POST", data={"code": "ABCD-EFGH-JK", "csrf_token": csrf(client, "/c")}
    )
    _assert_no_store(
        client,
        f"/s/{token}/autosave",
        "POST",
        json={"answers": {}},
        headers={"X-CSRFToken": csrf(client, f"/s/{token}/p/1")},
    )


def test_static_files_and_the_health_check_may_be_cached(app: Flask) -> None:
    client = app.test_client()
    for url in ("/static/survey.js", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
        response.close()

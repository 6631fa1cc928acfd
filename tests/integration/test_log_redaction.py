"""Respondents' personal links never reach the logs; a digest of them does."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug._internal import _log as werkzeug_log

from survey_app.redaction import redact
from survey_app.security import hash_token
from tests.conftest import csrf
from tests.integration.test_survey_form import _citizen_link


def _explode(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("unexpected failure while reading /s/ABCD-EFGH-JK/p/1")


def test_an_exception_on_a_respondent_route_logs_a_digest_not_the_link(
    app: Flask,
    session: Session,
    demo: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from survey_app.services import responses

    token = _citizen_link(session, demo, "Phạm Thị Nhật Ký")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # log and answer 500, as in production
    client = app.test_client()
    headers = {"X-CSRFToken": csrf(client, f"/s/{token}/p/1")}
    monkeypatch.setattr(responses, "submit_link", _explode)
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/s/{token}/submit", json={"client_key": "k1"}, headers=headers)
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() + "\n" + (r.exc_text or "") for r in caplog.records)
    assert "Exception on /s/" in logged and "RuntimeError" in logged
    assert token not in logged and token[:12] not in logged
    assert f"/s/~{hash_token(token)[:8]}/submit" in logged
    assert "ABCD-EFGH-JK" not in logged
    assert f"/s/~{hash_token('ABCDEFGHJK')[:8]}/p/1" in logged


def test_the_development_servers_request_log_is_redacted(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """werkzeug's request line, as ``survey-app run`` writes it."""
    token = "q" * 43
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        werkzeug_log(
            "info",
            '%s - - [%s] "%s" %s %s',
            "10.0.0.9",
            "02/Dec/2026 10:00:00",
            f"POST /s/{token}/autosave HTTP/1.1",
            "200",
            "-",
        )
    assert caplog.records, "werkzeug logged nothing"
    line = caplog.records[-1].getMessage()
    assert token not in line
    assert f"/s/~{hash_token(token)[:8]}/autosave" in line


def test_gunicorns_access_log_is_redacted(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """gunicorn formats its access line from a dict of atoms (request line, path, referer)."""
    token = "Zz_-" * 11
    atoms = {
        "h": "10.0.0.9",
        "r": f"GET /s/{token} HTTP/1.1",
        "U": f"/s/{token}",
        "s": "200",
        "f": f"https://khaosat.example/s/{token}/review",
    }
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s %(U)s "%(f)s"', atoms)
    line = caplog.records[-1].getMessage()
    assert token not in line
    assert line.count(f"/s/~{hash_token(token)[:8]}") == 3


@pytest.mark.parametrize(
    "text",
    [
        "GET /s/ABCD-EFGH-JK HTTP/1.1",
        "/s/abcdefghjk/p/2?x=1",
        "/c",
        "/static/survey.js",
    ],
)
def test_redact_leaves_no_key_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert "ABCD-EFGH-JK" not in once and "abcdefghjk" not in once
    assert redact(once) == once


def test_a_searched_name_and_phone_never_reach_a_log() -> None:
    line = (
        '"GET /fieldwork/respondents?campaign=1&name=Nguy%E1%BB%85n+V%C4%83n'
        '&phone=0912345678&page=2 HTTP/1.1" 200'
    )
    redacted = redact(line)
    assert "Nguy" not in redacted and "0912345678" not in redacted
    assert "name=~" in redacted and "phone=~" in redacted and "page=2" in redacted
    assert redact("?name=&phone=") == "?name=&phone="

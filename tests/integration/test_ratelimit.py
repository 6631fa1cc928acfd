"""Rate limits: per-process or shared counts, several limits per rate, no secrets in keys."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from limits import parse

from survey_app import create_app, ratelimit
from tests.conftest import csrf


def test_local_counter_counts_per_key_and_window() -> None:
    counter = ratelimit.LocalCounter()
    item = parse("2 per day")
    assert [counter.hit(item, "a") for _ in range(3)] == [True, True, False]
    assert counter.hit(item, "b")


def test_unreachable_shared_storage_falls_back_to_counting_here() -> None:
    counter = ratelimit.SharedCounter(
        "redis://127.0.0.1:1", ratelimit.LocalCounter(), logging.getLogger("test")
    )
    item = parse("2 per day")
    assert [counter.hit(item, "k") for _ in range(3)] == [True, True, False]


def test_every_limit_of_a_rate_is_checked(app: Flask) -> None:
    with app.test_request_context():
        app.config["RATELIMIT_ENABLED"] = True
        for _ in range(2):
            ratelimit.check("5 per day; 2 per hour", "k")
        with pytest.raises(Exception) as refused:
            ratelimit.check("5 per day; 2 per hour", "k")
    assert getattr(refused.value, "code", None) == 429
    assert 0 < refused.value.retry_after <= 3600  # type: ignore[attr-defined]


def test_a_mistyped_rate_stops_the_start(db_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_LOGIN_RATE_LIMIT", "ten a minute")
    with pytest.raises(ValueError, match="ten a minute"):
        create_app({"DATABASE_URL": db_url})


def test_login_is_limited_per_username_from_any_address(
    db_url: str,
    tmp_path,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_LOGIN_RATE_LIMIT", "3 per day")
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    codes = []
    for i in range(4):  # a new machine each time: the per-address limit never trips
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        codes.append(
            client.post(
                "/login", data={"username": "Admin", "password": "x", "csrf_token": csrf(client)}
            ).status_code
        )
    assert codes == [200, 200, 200, 429]
    app.extensions["engine"].dispose()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "memory://"),
        ({"REDIS_URL": "redis://cache:6379/0"}, "redis://cache:6379/0"),
        ({"SURVEY_REDIS_URL": "redis://a:6379", "REDIS_URL": "redis://b:6379"}, "redis://a:6379"),
        ({"SURVEY_RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": "redis://b:6379"}, "memory://"),
    ],
)
def test_counts_go_to_the_shared_redis_when_one_is_configured(
    tmp_path, monkeypatch, env: dict[str, str], expected: str
) -> None:  # type: ignore[no-untyped-def]
    """Per-process counts let N workers × the limit through; a configured Redis is used."""
    from survey_app.config import Settings

    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    for name in ("SURVEY_RATELIMIT_STORAGE_URI", "SURVEY_REDIS_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings.from_env().ratelimit_storage_uri == expected

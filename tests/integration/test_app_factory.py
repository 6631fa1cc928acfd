"""The app factory, health check, language switch and security headers."""

from __future__ import annotations

from flask import Flask


def test_healthz_checks_the_database(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path, monkeypatch) -> None:
    from survey_app import create_app

    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    broken = create_app({"DATABASE_URL": "sqlite:////nonexistent/dir/x.db", "TESTING": True})
    assert broken.test_client().get("/healthz").status_code == 503


def test_defaults_need_no_configuration(tmp_path, monkeypatch) -> None:
    from survey_app.config import Settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    settings = Settings.from_env()
    assert settings.database_url == f"sqlite:///{tmp_path / 'survey.db'}"
    assert len(settings.secret_key) > 40
    assert Settings.from_env().secret_key == settings.secret_key  # kept across restarts


def test_postgres_urls_use_psycopg(monkeypatch, tmp_path) -> None:
    from survey_app.config import Settings

    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert Settings.from_env().database_url == "postgresql+psycopg://u@h/db"


def test_login_page_is_vietnamese_by_default_and_english_on_request(app: Flask) -> None:
    from tests.conftest import csrf

    client = app.test_client()
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Đăng nhập" in page  # Vietnamese first, whatever the phone's language
    client.post("/locale", data={"locale": "en", "next": "/login", "csrf_token": csrf(client)})
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_security_headers(app: Flask) -> None:
    response = app.test_client().get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_friendly_404(app: Flask) -> None:
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)

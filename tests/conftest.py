"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
an app per test on a clean copy of it, and logged-in clients for each role."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from survey_app import create_app
from survey_app.persistence.db import make_engine, upgrade

ENVIRONMENT_AT_START = dict(os.environ)
"""The environment when the tests were collected: no fixture may leave a change behind
(``test_fixtures_environment.py``)."""
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> str | None:
    """The PostgreSQL test database, emptied and migrated once per session."""
    if not PG_URL:
        return None
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(PG_URL)
    return PG_URL


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A clean database for one test, on each configured backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_migrated")
    yield url
    _truncate_all(url)


def _truncate_all(url: str) -> None:
    from survey_app.persistence.models import Base

    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path / "instance"))
    application = create_app(
        {
            "DATABASE_URL": db_url,
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "JOB_RUNNER": "inline",  # background jobs run once their request commits
        }
    )
    yield application
    application.extensions["engine"].dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session outside any request, for arranging data; the test commits what it needs."""
    factory = app.extensions["session_factory"]
    with factory() as s:
        yield s


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A folder with demo.db (the whole demo loaded once) and its instance/ folder."""
    return _sqlite_demo(tmp_path_factory.mktemp("demo"), sqlite_template, fieldwork=True)


@pytest.fixture(scope="session")
def light_demo_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A folder with demo.db holding the demo registry and accounts only (loaded once)."""
    return _sqlite_demo(tmp_path_factory.mktemp("light-demo"), sqlite_template, fieldwork=False)


def _sqlite_demo(root: Path, template: Path, *, fieldwork: bool) -> Path:
    from survey_app import demo as demo_service

    shutil.copy(template, root / "demo.db")
    # The instance folder is set for this block only: a session fixture must not leave
    # SURVEY_INSTANCE_DIR (or anything else) in the environment of the tests that follow.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SURVEY_INSTANCE_DIR", str(root / "instance"))
        application = create_app({"DATABASE_URL": f"sqlite:///{root / 'demo.db'}"})
        with application.extensions["session_factory"]() as s:
            demo_service.ensure_demo(s, root / "instance", fieldwork=fieldwork)
            s.commit()
        application.extensions["engine"].dispose()
    return root


@pytest.fixture(scope="session")
def pg_demo_snapshots() -> dict[str, dict[str, bytes]]:
    """COPY data of every table per demo kind, filled by the first PostgreSQL test using it."""
    return {}


@pytest.fixture
def demo(
    app: Flask,
    session: Session,
    db_url: str,
    pg_demo_snapshots: dict[str, dict[str, bytes]],
    request: pytest.FixtureRequest,
) -> int:
    """The demo registry and accounts (no lists, no sample); returns the campaign id."""
    if "full_demo" in request.fixturenames:  # the whole demo includes the registry and accounts
        return int(request.getfixturevalue("full_demo"))
    return _loaded_demo(app, session, db_url, pg_demo_snapshots, request, fieldwork=False)


@pytest.fixture
def full_demo(
    app: Flask,
    session: Session,
    db_url: str,
    pg_demo_snapshots: dict[str, dict[str, bytes]],
    request: pytest.FixtureRequest,
) -> int:
    """The whole demo: lists uploaded, sample drawn, invitations issued."""
    return _loaded_demo(app, session, db_url, pg_demo_snapshots, request, fieldwork=True)


def _loaded_demo(
    app: Flask,
    session: Session,
    db_url: str,
    snapshots: dict[str, dict[str, bytes]],
    request: pytest.FixtureRequest,
    *,
    fieldwork: bool,
) -> int:
    """A demo loaded once per session and put in place for each test.

    On SQLite each test gets a copy of a file loaded once; on PostgreSQL the first test loads
    the demo and keeps each table's COPY data, later tests copy it back in.
    """
    from survey_app import demo as demo_service

    kind = "full" if fieldwork else "light"
    if db_url.startswith("sqlite"):
        session.close()
        app.extensions["engine"].dispose()
        source = request.getfixturevalue("demo_db" if fieldwork else "light_demo_db")
        shutil.copy(source / "demo.db", db_url.removeprefix("sqlite:///"))
    elif kind in snapshots:
        _pg_restore(app, snapshots[kind])
    info = demo_service.ensure_demo(session, Path(app.instance_path), fieldwork=fieldwork)
    session.commit()
    if db_url.startswith("postgresql") and kind not in snapshots:
        snapshots[kind] = _pg_dump(app)
    return info.campaign_id


def _pg_dump(app: Flask) -> dict[str, bytes]:
    from survey_app.persistence.models import Base

    raw = app.extensions["engine"].raw_connection()
    try:
        data = {}
        with raw.driver_connection.cursor() as cursor:
            for table in Base.metadata.sorted_tables:
                chunks: list[bytes] = []
                with cursor.copy(f'COPY "{table.name}" TO STDOUT (FORMAT BINARY)') as copy:
                    chunks.extend(bytes(chunk) for chunk in copy)
                data[table.name] = b"".join(chunks)
        return data
    finally:
        raw.close()


def _pg_restore(app: Flask, data: dict[str, bytes]) -> None:
    """Copy the tables back (parents first) and move each id sequence past the copied ids."""
    from survey_app.persistence.models import Base

    raw = app.extensions["engine"].raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            for table in Base.metadata.sorted_tables:
                with cursor.copy(f'COPY "{table.name}" FROM STDIN (FORMAT BINARY)') as copy:
                    copy.write(data[table.name])
                if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
                    )
        raw.commit()
    finally:
        raw.close()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(client: FlaskClient, page: str = "/login") -> str:
    """A valid CSRF token for this client's session, read from a rendered form."""
    match = CSRF_RE.search(client.get(page).get_data(as_text=True))
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str | None = None) -> FlaskClient:
    from survey_app.demo import demo_password

    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password or demo_password(username),
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf(client, "/")
    return client


@pytest.fixture
def as_role(app: Flask, demo: int):  # type: ignore[no-untyped-def]
    """as_role('admin') -> a test client logged in as that demo account."""

    def make(username: str) -> FlaskClient:
        return login(app.test_client(), username)

    return make


class QueryCounter:
    """The SQL statements a block ran (SQLAlchemy's and the psycopg fast path's)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def kinds(self) -> list[str]:
        """The first word of each statement (SELECT, INSERT, WITH, UPDATE, DELETE)."""
        return [s.split(None, 1)[0].upper() for s in self.statements]


@pytest.fixture
def count_queries(app: Flask):  # type: ignore[no-untyped-def]
    """``with count_queries() as counted: ...`` then ``len(counted)`` (as Indico's fixture)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    from survey_app.persistence.queries import submissions

    engine = app.extensions["engine"]

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def on_execute(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        submissions.DRIVER_LISTENERS.append(counter.statements.append)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
            submissions.DRIVER_LISTENERS.remove(counter.statements.append)

    return counting

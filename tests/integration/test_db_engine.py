"""Pooled PostgreSQL connections: pinged after an idle spell, replaced when found dead."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from survey_app.persistence.db import make_engine
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_dropped_while_idle_is_replaced_before_use() -> None:
    engine = make_engine(str(PG_URL), ping_after_idle=0.0)
    admin = make_engine(str(PG_URL))
    try:
        first = _backend_pid(engine)
        with admin.connect() as conn:  # as a database restart would
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            conn.commit()
        second = _backend_pid(engine)  # no error: the ping found it dead, the pool replaced it
        assert second != first
    finally:
        engine.dispose()
        admin.dispose()


def test_a_busy_connection_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    for idle, expected in ((60.0, 0), (0.0, 2)):
        engine = make_engine(str(PG_URL), ping_after_idle=idle)
        pings: list[object] = []
        real = engine.dialect.do_ping
        monkeypatch.setattr(
            engine.dialect, "do_ping", lambda conn, real=real: pings.append(conn) or real(conn)
        )
        try:
            pids = {_backend_pid(engine) for _ in range(3)}  # new, then reused twice
        finally:
            engine.dispose()
        assert len(pids) == 1 and len(pings) == expected

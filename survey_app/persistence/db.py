"""Engine, sessions and migrations.

SQLite gets WAL mode, foreign keys and a busy timeout so several requests can share the file;
PostgreSQL connections are pinged before use only after sitting idle. The schema is always
created by Alembic, never by create_all.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


PING_AFTER_IDLE_SECONDS = 10.0


def make_engine(
    url: str, *, ping_after_idle: float = PING_AFTER_IDLE_SECONDS, **kwargs: Any
) -> Engine:
    """Create an engine; for SQLite turn on WAL, foreign keys and a 15 s busy timeout; for a
    server database, check a pooled connection before use when it has been idle."""
    kwargs.setdefault("hide_parameters", True)  # errors in the logs carry no names or answers
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine, ping_after_idle)
    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection at checkout when it sat unused for ``idle_seconds`` or more.

    A connection dropped while idle (a database restart, a firewall's idle timeout) is found
    and replaced before a request uses it, as ``pool_pre_ping`` would do; but a busy worker,
    whose connections come back within seconds, skips the extra round trip on every request
    (a quarter of the submit path's round trips). A connection that breaks while in use is
    still detected by SQLAlchemy, which then refreshes the pool.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # a new connection, or one used moments ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure means: replace it
            raise DisconnectionError("idle connection no longer usable") from exc
        if not alive:
            raise DisconnectionError("idle connection no longer usable")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the latest)."""
    command.upgrade(alembic_config(url), revision)


def new_revision(url: str, message: str, *, autogenerate: bool = True) -> str:
    """Write the next numbered migration (0004, 0005, …) and return its path."""
    from alembic.script import ScriptDirectory

    config = alembic_config(url)
    heads = ScriptDirectory.from_config(config).get_heads()
    number = max((int(h) for h in heads if h.isdigit()), default=0) + 1
    script = command.revision(
        config, message=message, autogenerate=autogenerate, rev_id=f"{number:04d}"
    )
    assert script is not None and not isinstance(script, list)
    return str(script.path)

"""The health check's write: one row rewritten, so a database that cannot write is unhealthy."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey_app.persistence.models import HealthProbe

PROBE_ID = 1


def write_probe(session: Session) -> dt.datetime:
    """Upsert the single probe row (id 1) with the current UTC time, which is returned.

    One statement decided by the database (INSERT … ON CONFLICT DO UPDATE), so workers
    probing at once never collide on the first insert. Flushes nothing else; the caller commits.
    """
    checked_at = dt.datetime.now(dt.UTC)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(HealthProbe).values(id=PROBE_ID, checked_at=checked_at)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[HealthProbe.id], set_={"checked_at": checked_at}
        )
    )
    return checked_at


def read_probe(session: Session) -> dt.datetime | None:
    """The probe row's time as stored (UTC), or None when there is no row."""
    stored = session.scalar(select(HealthProbe.checked_at).where(HealthProbe.id == PROBE_ID))
    if stored is not None and stored.tzinfo is None:  # SQLite keeps no time zone
        stored = stored.replace(tzinfo=dt.UTC)
    return stored

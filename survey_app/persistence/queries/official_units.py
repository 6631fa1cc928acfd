"""SQL of the official registry: read it whole, and write an import in bulk.

Writes are idempotent and safe under a concurrent import: new rows go in with INSERT ... ON
CONFLICT DO NOTHING (the primary keys decide), changed rows are updated by key, and nothing
is ever deleted (campaigns' units point at official rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey_app.persistence.models import OfficialImport, OfficialSuccession, OfficialUnit

UNIT_COLUMNS = (
    "key",
    "code",
    "tier",
    "unit_type",
    "name",
    "short_name",
    "parent_key",
    "valid_from",
    "valid_to",
    "former_names",
)
_BATCH = 2_000


def unit_rows(session: Session) -> dict[str, tuple[Any, ...]]:
    """Every official unit as a tuple in ``UNIT_COLUMNS`` order, by key."""
    columns = [getattr(OfficialUnit, name) for name in UNIT_COLUMNS]
    return {row[0]: tuple(row) for row in session.execute(select(*columns))}


def succession_rows(session: Session) -> list[tuple[str, str, Any, bool, bool]]:
    """Every succession: old key, new key, date, whole, main."""
    table = OfficialSuccession
    query = select(table.old_key, table.new_key, table.took_effect, table.whole, table.main)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def insert_new(session: Session, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT ``rows`` into ``model``'s table, skipping keys already there."""
    factory = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), _BATCH):
        batch = list(rows[start : start + _BATCH])
        session.execute(factory(model).on_conflict_do_nothing(), batch)


def update_units(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """UPDATE the official units of ``rows`` by key (name, type, dates, former names)."""
    for row in rows:
        values = {name: row[name] for name in UNIT_COLUMNS if name != "key"}
        session.execute(update(OfficialUnit).where(OfficialUnit.key == row["key"]).values(values))


def latest_import(session: Session) -> OfficialImport | None:
    """The most recent import, if any."""
    return session.scalars(select(OfficialImport).order_by(OfficialImport.id.desc())).first()


def unit_count(session: Session) -> int:
    """How many official units are stored."""
    return int(session.scalar(select(func.count()).select_from(OfficialUnit)) or 0)

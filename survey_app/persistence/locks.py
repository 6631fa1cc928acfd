"""Row locks decided by the database, taken before a use case reads what it will change.

On PostgreSQL ``SELECT .. FOR UPDATE`` locks the row until the transaction ends; a second
transaction asking for it waits, then reads what the first committed. SQLite has no row locks:
a write takes the database's write lock (with the busy timeout), so touching the row with a
no-op UPDATE serialises writers the same way. Either way nothing is decided by a read that
another request may have invalidated before our write.
"""

from __future__ import annotations

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from survey_app.persistence.models import Base, Campaign, Invitation


def lock_row(session: Session, table: Table, row_id: int) -> bool:
    """Lock one row of ``table`` by id for this transaction; False if there is no such row."""
    if session.get_bind().dialect.name == "postgresql":
        # FOR NO KEY UPDATE: it still queues the writers that take this lock, but not the
        # inserts whose foreign keys point at the row (audit events, responses)
        found = session.execute(
            select(table.c.id).where(table.c.id == row_id).with_for_update(key_share=True)
        ).scalar()
        return found is not None
    result = session.execute(update(table).where(table.c.id == row_id).values(id=table.c.id))
    return bool(getattr(result, "rowcount", 0))


def table_of(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def lock_campaign(session: Session, campaign_id: int) -> bool:
    """Serialise the campaign-wide changes of the sample: a sampling run, issuing invitations,
    storing a list version, accepting a list after sampling. Taken before any other lock."""
    return lock_row(session, table_of(Campaign), campaign_id)


def lock_invitation(session: Session, invitation_id: int) -> bool:
    """Serialise the keyings of one paper form (double entry)."""
    return lock_row(session, table_of(Invitation), invitation_id)

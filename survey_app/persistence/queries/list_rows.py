"""The bulk INSERT of an uploaded list's rows: the hot path of a 100,000-row upload.

Rows arrive as tuples already in stored form (JSON as text, dates as ISO text on SQLite, the
order of ``COLUMNS``) and go to the driver's ``executemany`` on the session's connection (same
transaction): SQLAlchemy's per-value processing cost more than reading and validating the file.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from survey_app.persistence.models import ListRow

COLUMNS = ("list_id", "source_row", "status", "reasons", "warnings", "full_name", "phone",
           "email", "position", "workplace", "address", "field", "procedure",
           "application_date", "result_date")
"""The order of the values in each row tuple given to ``insert_rows``."""


def stores_dates_as_text(session: Session) -> bool:
    """Whether dates go to the driver as ISO text (SQLite, as SQLAlchemy itself stores them)."""
    return session.connection().dialect.name == "sqlite"


def insert_rows(session: Session, rows: Sequence[tuple[object, ...]]) -> None:
    """Insert ``rows`` (tuples in ``COLUMNS`` order, stored form) with one executemany."""
    if not rows:
        return
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {ListRow.__tablename__} ({', '.join(COLUMNS)}) "  # noqa: S608
           f"VALUES ({', '.join([marker] * len(COLUMNS))})")  # constants only
    connection.exec_driver_sql(sql, list(rows))

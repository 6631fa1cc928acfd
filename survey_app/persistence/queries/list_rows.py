"""The bulk INSERT of an uploaded list's rows: the hot path of a 100,000-row upload.

Rows arrive as tuples already in stored form (JSON as text, dates as ISO text on SQLite, the
order of ``COLUMNS``) and go to the driver's ``executemany`` on the session's connection (same
transaction): SQLAlchemy's per-value processing cost more than reading and validating the file.
The reads serve the stored report: the rows of its page (paged in SQL, with exact counts), the
annotated file, and the outcome a re-check compares with.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Text, case, cast, func, or_, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import RowStatus
from survey_app.persistence.models import ListRow

COLUMNS = (
    "list_id",
    "source_row",
    "status",
    "reasons",
    "warnings",
    "full_name",
    "phone",
    "email",
    "position",
    "workplace",
    "address",
    "field",
    "procedure",
    "application_date",
    "result_date",
    "cells",
    "issues",
)
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
    sql = (
        f"INSERT INTO {ListRow.__tablename__} ({', '.join(COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join([marker] * len(COLUMNS))})"
    )  # constants only
    connection.exec_driver_sql(sql, list(rows))


_OUTCOME = (ListRow.source_row, ListRow.status, ListRow.reasons, ListRow.warnings)
_STORED_VALUES = (
    ListRow.full_name,
    ListRow.phone,
    ListRow.email,
    ListRow.position,
    ListRow.workplace,
    ListRow.address,
    ListRow.field,
    ListRow.procedure,
    ListRow.application_date,
    ListRow.result_date,
)
STORED_VALUE_COLUMNS = tuple(column.key for column in _STORED_VALUES)
"""The names of the normalised values ``annotated_rows(stored_values=True)`` adds."""


@dataclass(frozen=True)
class RowsPage:
    """One page of a list's rows for its report, with the exact counts it stands in:
    ``total`` rows in the view paged (every row, or the problem rows), ``problems`` rows of
    the list that are excluded or carry a warning."""

    rows: list[Row[Any]]
    total: int
    problems: int


def _is_problem() -> ColumnElement[bool]:
    """Excluded, or eligible with a warning (a clean row stores its warnings as "[]")."""
    return or_(ListRow.status == RowStatus.EXCLUDED, cast(ListRow.warnings, Text) != "[]")


def problem_rows(
    session: Session, list_id: int, limit: int, offset: int = 0, *, everything: bool = False
) -> RowsPage:
    """A page of at most ``limit`` rows after ``offset`` for the report page: the problem
    rows (excluded, then eligible with warnings, each in file order), or with
    ``everything`` every row in file order. One SELECT, the counts by window functions over
    the same rows (LIMIT/OFFSET in SQL, nothing read beyond the page); a second, counting
    statement only for a page past the end. Each row is (source row, status, reasons,
    warnings, issues, full name, total, problems)."""
    problem = _is_problem()
    query = select(
        *_OUTCOME,
        ListRow.issues,
        ListRow.full_name,
        func.count().over().label("total"),
        func.sum(case((problem, 1), else_=0)).over().label("problems"),
    ).where(ListRow.list_id == list_id)
    if everything:
        query = query.order_by(ListRow.source_row)
    else:
        query = query.where(problem).order_by(
            ListRow.status != RowStatus.EXCLUDED,
            cast(ListRow.warnings, Text) == "[]",
            ListRow.source_row,
        )
    rows = list(session.execute(query.limit(limit).offset(offset)))
    if rows:
        return RowsPage(rows, int(rows[0].total), int(rows[0].problems or 0))
    if offset == 0:
        return RowsPage([], 0, 0)
    total, problems = session.execute(
        select(func.count(), func.coalesce(func.sum(case((problem, 1), else_=0)), 0)).where(
            ListRow.list_id == list_id
        )
    ).one()
    return RowsPage([], int(total) if everything else int(problems), int(problems))


def annotated_rows(
    session: Session, list_id: int, *, stored_values: bool = False
) -> Iterator[Row[Any]]:
    """Every row of a list in file order for the annotated file: (source row, status,
    reasons, warnings, issues, cells), then the normalised values (``STORED_VALUE_COLUMNS``)
    when ``stored_values``. One SELECT, read in batches."""
    columns = [*_OUTCOME, ListRow.issues, ListRow.cells, *(_STORED_VALUES if stored_values else ())]
    query = select(*columns).where(ListRow.list_id == list_id).order_by(ListRow.source_row)
    yield from session.execute(query.execution_options(yield_per=2000))


def outcomes(session: Session, list_id: int) -> list[tuple[int, str, list[str], list[str]]]:
    """(source row, status, reason codes, warning codes) of every row, in file order."""
    return [
        (row.source_row, str(row.status.value), list(row.reasons), list(row.warnings))
        for row in session.execute(
            select(*_OUTCOME).where(ListRow.list_id == list_id).order_by(ListRow.source_row)
        )
    ]

"""The form service's statements: read a link, lock a draft, store answers, submit.

A submission sent whole on PostgreSQL is BEGIN, one SELECT (``link_by_digest``), one INSERT
(``insert_submitted``: the response and its answers in one data-modifying CTE), COMMIT. Both
are compiled once and run on the session's own psycopg connection (same transaction, committed
with the session) without SQLAlchemy's per-execution work, about 0.25 ms of CPU per statement
on the bench machine (docs/adr/0004). Any other database runs the same statements through
SQLAlchemy. Answers are stored as JSON values; tuples (several choices) as lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any

from sqlalchemy import (
    JSON,
    Row,
    Select,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.persistence.enums import InvitationStatus, ResponseStatus
from survey_app.persistence.locks import table_of
from survey_app.persistence.models import Answer, Campaign, Invitation, Response
from survey_app.persistence.models import Instrument as InstrumentRow

_INVITATIONS, _RESPONSES, _ANSWERS = (table_of(m) for m in (Invitation, Response, Answer))
_CAMPAIGNS, _INSTRUMENTS = table_of(Campaign), table_of(InstrumentRow)

LINK_QUERY = (
    select(
        _INVITATIONS.c.id,
        _INVITATIONS.c.instrument_id,
        _INVITATIONS.c.status,
        _CAMPAIGNS.c.status,
        _CAMPAIGNS.c.fieldwork_opens,
        _CAMPAIGNS.c.fieldwork_closes,
        _INSTRUMENTS.c.code,
        _INSTRUMENTS.c.version,
        _INSTRUMENTS.c.content_hash,
        _RESPONSES.c.id,
        _RESPONSES.c.status,
        _RESPONSES.c.client_key,
        _RESPONSES.c.payload_hash,
        _RESPONSES.c.submitted_at,
    )
    .join(_CAMPAIGNS, _CAMPAIGNS.c.id == _INVITATIONS.c.campaign_id)
    .join(_INSTRUMENTS, _INSTRUMENTS.c.id == _INVITATIONS.c.instrument_id)
    .outerjoin(_RESPONSES, _RESPONSES.c.invitation_id == _INVITATIONS.c.id)
)
"""One row per invitation: (invitation id, instrument id, invitation status, campaign status,
fieldwork opens, closes, instrument code, version, content hash, response id, response status,
client key, payload hash, submitted at)."""

# Built once: executing the same statement object skips rebuilding and re-keying it per request.
_LINK_BY_DIGEST = LINK_QUERY.where(
    (_INVITATIONS.c.token_hash == bindparam("digest"))
    | (_INVITATIONS.c.short_code_hash == bindparam("digest"))
)
_PSYCOPG = psycopg_dialect()  # type: ignore[no-untyped-call]
_LINK_BY_DIGEST_PG = str(_LINK_BY_DIGEST.compile(dialect=_PSYCOPG))

LinkRow = Row[Any] | tuple[Any, ...]

DRIVER_LISTENERS: list[Any] = []
"""Callables given each SQL text run on the driver directly (the query-count test fixture:
SQLAlchemy's execution events do not see these statements)."""


def _driver(session: Session) -> Any | None:
    """The psycopg connection under the session's own transaction on PostgreSQL, else None."""
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return None
    return connection.connection.driver_connection


def _fetch_one(driver: Any, sql: str, params: Mapping[str, object]) -> tuple[Any, ...] | None:
    for listener in DRIVER_LISTENERS:
        listener(sql)
    with driver.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def link_by_digest(session: Session, digest: str) -> LinkRow | None:
    """The ``LINK_QUERY`` row of the invitation whose token or short code hashes to
    ``digest`` (one indexed query), or None."""
    params = {"digest": digest}
    driver = _driver(session)
    if driver is None:
        return session.execute(_LINK_BY_DIGEST, params).first()
    return _fetch_one(driver, _LINK_BY_DIGEST_PG, params)


def link_at(session: Session, invitation_id: int) -> LinkRow:
    """The ``LINK_QUERY`` row of one invitation, read again (after losing a race)."""
    return session.execute(LINK_QUERY.where(_INVITATIONS.c.id == invitation_id)).one()


def _from_json(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def as_json(value: object) -> object:
    """An answer as stored: several choices (a tuple) as a JSON list."""
    return list(value) if isinstance(value, tuple) else value


def answers_of(session: Session, response_id: int | None) -> dict[str, object]:
    """A response's stored answers by question id (several choices as tuples)."""
    if response_id is None:
        return {}
    rows = session.execute(
        select(Answer.question_id, Answer.value).where(Answer.response_id == response_id)
    )
    return {q: _from_json(v) for q, v in rows}


def write_answers(
    session: Session, response_id: int, answers: Mapping[str, object], *, replace: bool = True
) -> None:
    """Store answers as one multi-row INSERT of a cached statement (replacing the old ones)."""
    if replace:
        session.execute(delete(Answer).where(Answer.response_id == response_id))
    if answers:
        # RETURNING makes SQLAlchemy batch the rows into one multi-row INSERT ("insertmanyvalues")
        # from a cached compilation, instead of one round trip per row.
        session.execute(
            insert(_ANSWERS).returning(_ANSWERS.c.question_id),
            [
                {"response_id": response_id, "question_id": q, "value": as_json(v)}
                for q, v in answers.items()
            ],
        )


def invitation_revoked(session: Session, invitation_id: int) -> bool:
    """Whether the invitation is revoked now (read after the draft lock: what a replacement
    holding that lock committed)."""
    status = session.execute(
        select(_INVITATIONS.c.status).where(_INVITATIONS.c.id == invitation_id)
    ).scalar()
    return status is not None and InvitationStatus(status) is InvitationStatus.REVOKED


def lock_existing_draft(session: Session, invitation_id: int) -> int | None:
    """Lock the invitation's draft row (a conditional UPDATE); None if it has none, or it
    was submitted. See docs/adr/0003-campaign-lock.md."""
    locked = session.execute(
        update(_RESPONSES)
        .where(
            _RESPONSES.c.invitation_id == invitation_id, _RESPONSES.c.status == ResponseStatus.DRAFT
        )
        .values(updated_at=dt.datetime.now(dt.UTC))
        .returning(_RESPONSES.c.id)
    ).scalar()
    return None if locked is None else int(locked)


def insert_draft(session: Session, row: Mapping[str, object]) -> int | None:
    """INSERT a draft response .. ON CONFLICT DO NOTHING: its id, or None when the
    invitation already has a response (the insert waits for a concurrent one, then loses)."""
    factory = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = session.execute(
        factory(_RESPONSES).values(dict(row)).on_conflict_do_nothing().returning(_RESPONSES.c.id)
    ).scalar()
    return None if created is None else int(created)


def mark_submitted(session: Session, draft_id: int, values: Mapping[str, object]) -> bool:
    """Turn a locked draft into the submitted response; False when the client key is
    already another response's (``uq_responses_client_key``)."""
    try:
        with session.begin_nested():
            session.execute(
                update(_RESPONSES).where(_RESPONSES.c.id == draft_id).values(dict(values))
            )
    except IntegrityError:
        return False
    return True


def insert_submitted(
    session: Session, row: Mapping[str, object], answers: Mapping[str, object], text: str
) -> int | None:
    """INSERT the submitted response and its answers unless a unique constraint says another
    response exists (None).

    ON CONFLICT DO NOTHING covers both the invitation (another submission won) and the client
    key (a key reused for another invitation); no savepoint round trips are needed. With
    psycopg both INSERTs are one statement (``_SUBMIT_PG_SQL``), given ``text``, the answers'
    canonical JSON, whose values ``json_each`` stores as they are.
    """
    driver = _driver(session)
    if driver is not None:
        params = {k: v.value if isinstance(v, Enum) else v for k, v in row.items()}
        found = _fetch_one(driver, _SUBMIT_PG_SQL, {**params, "answers": text})
        return None if found is None else int(found[0])
    factory = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    won_id = session.execute(
        factory(_RESPONSES).values(dict(row)).on_conflict_do_nothing().returning(_RESPONSES.c.id)
    ).scalar()
    if won_id is not None:
        write_answers(session, won_id, answers, replace=False)
    return None if won_id is None else int(won_id)


def _submit_statement_pg() -> Select[tuple[int]]:
    """WITH submitted AS (INSERT response ON CONFLICT DO NOTHING RETURNING id), stored AS
    (INSERT its answers from json_each of one JSON object) SELECT id FROM submitted.

    A data-modifying CTE always runs to completion, and inserts nothing when ``submitted`` is
    empty (the invitation was already submitted), so the answers are written exactly once.
    """
    columns = (
        "invitation_id",
        "instrument_id",
        "status",
        "mode",
        "client_key",
        "payload_hash",
        "entered_by_id",
        "started_at",
        "updated_at",
        "submitted_at",
    )
    submitted = (
        pg_insert(_RESPONSES)
        .values({c: bindparam(c) for c in columns})
        .on_conflict_do_nothing()
        .returning(_RESPONSES.c.id)
        .cte("submitted")
    )
    given = (
        func.json_each(cast(bindparam("answers", type_=Text), JSON))
        .table_valued("key", "value")
        .render_derived(name="given")
    )
    stored = (
        insert(_ANSWERS)
        .from_select(
            ["response_id", "question_id", "value"],
            select(submitted.c.id, given.c.key, given.c.value)
            .select_from(submitted)
            .join(given, true()),
        )
        .cte("stored")
    )
    return select(submitted.c.id).add_cte(stored)


_SUBMIT_PG_SQL = str(_submit_statement_pg().compile(dialect=_PSYCOPG))

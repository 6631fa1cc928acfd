"""Results changes: the database logs every change results are computed from

- ``results_changes``: one row per change to a campaign's results inputs, written by
  triggers in the transaction that made the change; never updated or deleted.
- Triggers on ``responses`` (a submitted response inserted, updated, deleted, or a draft
  submitted), ``answers`` (of a submitted response), ``respondents`` (inserted, deleted, or
  their weight, stratum, group, unit or status changed), ``units`` (inserted, deleted, or
  their code, name, level or parent changed), ``appraisal_points`` (any change) and
  ``invitations`` (inserted, deleted, or their status, person or rated unit changed: the
  response rates of the quality page).

PostgreSQL runs statement-level triggers with transition tables (one log row per campaign
per statement, or per response for responses and answers); SQLite runs row-level ones.

SQLite drops a table's triggers when a later migration rebuilds the table (``batch_alter_table``
with a rebuild): such a migration must call :func:`create_sqlite_triggers` again for it
(``tests/integration/test_migrations.py`` checks every trigger exists at head).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 02:30:00
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


class Watched(NamedTuple):
    """A table whose changes are logged: how a row names its campaign and which changes
    count. ``campaign``/``row_id`` are SQL over the row alias ``r``; ``matters`` is a condition
    over ``r`` (the row after an insert or an update, before a delete); ``changed`` lists the
    columns whose update counts (None: any update that ``matters``). A named tuple, not a
    dataclass: Alembic loads migrations outside ``sys.modules``."""

    table: str
    source: str
    campaign: str
    row_id: str
    matters: str
    changed: tuple[str, ...] | None
    update_matters: str | None = None
    update_source: str | None = None
    """SQL over ``o`` and ``r`` naming the source of an update (default ``source``)."""


_RESPONSE_CAMPAIGN = "(SELECT i.campaign_id FROM invitations i WHERE i.id = r.invitation_id)"
# The campaign of a submitted response's answer (NULL for a draft's: nothing is logged).
# Conditions on other tables are scalar subqueries by primary key, never EXISTS or joins:
# the planner cannot turn them into a scan of the whole table, whatever its statistics say
# (a semi-join over stale statistics cost a submission 25 ms on a table of 800 responses).
_ANSWER_CAMPAIGN = (
    "(SELECT i.campaign_id FROM responses p JOIN invitations i ON i.id = p.invitation_id "
    "WHERE p.id = r.response_id AND p.status = 'submitted')"
)

WATCHED = (
    Watched(
        "responses",
        "response",
        _RESPONSE_CAMPAIGN,
        "r.id",
        "r.status = 'submitted'",
        None,
        update_matters="(o.status = 'submitted' OR r.status = 'submitted')",
    ),
    Watched("answers", "answer", _ANSWER_CAMPAIGN, "r.response_id", "1 = 1", None),
    Watched(
        "respondents",
        "respondent",
        "r.campaign_id",
        "CAST(NULL AS INTEGER)",
        "1 = 1",
        ("weight", "stratum", '"group"', "unit_id", "status"),
    ),
    Watched(
        "units",
        "unit",
        "r.campaign_id",
        "CAST(NULL AS INTEGER)",
        "1 = 1",
        ("code", "name", "level", "parent_id"),
    ),
    Watched(
        "appraisal_points", "appraisal", "r.campaign_id", "CAST(NULL AS INTEGER)", "1 = 1", None
    ),
    Watched(
        "invitations",
        "invitation",
        "r.campaign_id",
        "CAST(NULL AS INTEGER)",
        "1 = 1",
        ("status", "respondent_id", "rated_unit_id"),
        # a form moved to another person or rated unit changes the data: read it all again
        update_source=(
            "CASE WHEN o.respondent_id IS NOT r.respondent_id "
            "OR o.rated_unit_id IS NOT r.rated_unit_id THEN 'assignment' ELSE 'invitation' END"
        ),
    ),
)
EVENTS = ("insert", "update", "delete")


def trigger_names() -> list[str]:
    """Every trigger this migration makes (the same names on both backends)."""
    return [f"results_change_{w.table}_{event}" for w in WATCHED for event in EVENTS]


def upgrade() -> None:
    op.create_table(
        "results_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results_changes")),
    )
    op.create_index("ix_results_changes_campaign", "results_changes", ["campaign_id", "id"])
    if op.get_context().dialect.name == "sqlite":
        create_sqlite_triggers()
    else:
        _create_postgresql_triggers()


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for name in trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for w in WATCHED:
            for event in EVENTS:
                name = f"results_change_{w.table}_{event}"
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {w.table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_results_changes_campaign", table_name="results_changes")
    op.drop_table("results_changes")


def _update_condition(w: Watched, old: str, new: str) -> str:
    """SQL true when an update of ``old`` into ``new`` counts (aliases ``o`` and ``r``)."""
    matters = w.update_matters or w.matters
    if w.changed is None:
        return matters
    differs = " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in w.changed)
    return f"({matters}) AND ({differs})"


def create_sqlite_triggers(tables: tuple[str, ...] | None = None) -> None:
    """Row-level triggers (``tables``: only those, after a rebuild of them)."""
    for w in WATCHED:
        if tables is not None and w.table not in tables:
            continue
        for event in EVENTS:
            row = "OLD" if event == "delete" else "NEW"
            if event == "update":
                condition = _update_condition(w, "OLD", "NEW")
            else:
                condition = w.matters
            condition = condition.replace("o.", "OLD.").replace("r.", f"{row}.")
            campaign = w.campaign.replace("r.", f"{row}.")
            row_id = w.row_id.replace("r.", f"{row}.")
            source = _source(w, event).replace("o.", "OLD.").replace("r.", f"{row}.")
            op.execute(
                f"CREATE TRIGGER results_change_{w.table}_{event} "
                f"AFTER {event.upper()} ON {w.table} FOR EACH ROW WHEN {condition} "
                f"BEGIN INSERT INTO results_changes (campaign_id, source, row_id) "
                f"SELECT c, {source}, {row_id} FROM (SELECT {campaign} AS c) "
                f"WHERE c IS NOT NULL; END"
            )


def _source(w: Watched, event: str) -> str:
    """SQL naming the source of a change (aliases ``o`` and ``r``)."""
    if event == "update" and w.update_source is not None:
        return w.update_source
    return f"'{w.source}'"


def _create_postgresql_triggers() -> None:
    """Statement-level triggers over transition tables: one log row per campaign (or per
    response) per statement, however many rows it wrote."""
    for w in WATCHED:
        for event in EVENTS:
            name = f"results_change_{w.table}_{event}"
            if event == "update":
                rows = (
                    "new_rows r JOIN old_rows o ON o.id = r.id"
                    if w.table != "answers"
                    else (
                        "new_rows r JOIN old_rows o ON o.response_id = r.response_id "
                        "AND o.question_id = r.question_id"
                    )
                )
                condition = _update_condition(w, "o", "r").replace("IS NOT", "IS DISTINCT FROM")
                source = _source(w, event).replace("IS NOT", "IS DISTINCT FROM")
                referencing = "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
            else:
                rows = f"{'old_rows' if event == 'delete' else 'new_rows'} r"
                condition = w.matters
                source = _source(w, event)
                referencing = (
                    "REFERENCING OLD TABLE AS old_rows"
                    if event == "delete"
                    else "REFERENCING NEW TABLE AS new_rows"
                )
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO results_changes (campaign_id, source, row_id) "
                f"SELECT DISTINCT c, src, x FROM "
                f"(SELECT {w.campaign} AS c, {source} AS src, {w.row_id} AS x "
                f"FROM {rows} WHERE {condition}) s "
                f"WHERE c IS NOT NULL; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {w.table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )

"""The Alembic head and the models agree, on every configured backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from survey_app.persistence.db import alembic_config, make_engine
from survey_app.persistence.models import Base


def test_models_and_migration_head_agree(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations: {diff}"


def test_database_is_at_the_single_head(db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(db_url))
    heads = script.get_heads()
    assert len(heads) == 1
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == heads[0]
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_named_invariants_exist(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        insp = inspect(conn)
        response_uniques = {u["name"] for u in insp.get_unique_constraints("responses")}
        list_indexes = {i["name"] for i in insp.get_indexes("unit_lists")}
    engine.dispose()
    assert "uq_responses_one_per_invitation" in response_uniques
    assert "uq_unit_lists_one_current" in list_indexes


def test_down_and_up_keep_a_loaded_database(db_url: str, full_demo: int) -> None:
    """Migrations run on a database with lists and drawn respondents (foreign keys on)."""
    from alembic import command
    from sqlalchemy import text

    engine = make_engine(db_url)
    counts = "SELECT (SELECT count(*) FROM list_rows), (SELECT count(*) FROM respondents)"
    with engine.connect() as conn:
        before = conn.execute(text(counts)).one()
    engine.dispose()
    assert before[0] > 0 and before[1] > 0
    command.downgrade(alembic_config(db_url), "0001")
    command.upgrade(alembic_config(db_url), "head")
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text(counts)).one() == before
        assert "raw" not in {c["name"] for c in inspect(conn).get_columns("list_rows")}
    engine.dispose()

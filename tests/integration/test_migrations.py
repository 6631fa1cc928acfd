"""The Alembic head and the models agree, on every configured backend."""

from __future__ import annotations

from pathlib import Path

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


def _state(db_url: str, campaign_id: int) -> tuple[tuple[int, ...], str, list[tuple[object, ...]]]:
    """Row counts, a hash of every answer and the scores of the campaign, read afresh."""
    import hashlib

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from survey_app.persistence.models import Campaign
    from survey_app.services import results

    engine = make_engine(db_url)
    counts = (
        "SELECT (SELECT count(*) FROM list_rows), (SELECT count(*) FROM respondents), "
        "(SELECT count(*) FROM invitations), (SELECT count(*) FROM responses), "
        "(SELECT count(*) FROM answers)"
    )
    with Session(engine) as session:
        numbers = tuple(session.execute(text(counts)).one())
        answers = session.execute(
            text(
                "SELECT r.id, r.status, r.mode, a.question_id, CAST(a.value AS TEXT) "
                "FROM responses r JOIN answers a ON a.response_id = r.id "
                "ORDER BY r.id, a.question_id"
            )
        ).all()
        digest = hashlib.sha256(repr([tuple(row) for row in answers]).encode()).hexdigest()
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        computed = results.compute(session, campaign)
        scores = [
            (r.unit_code, r.peer_group, round(r.points, 9), r.index_pct, r.rank)
            for r in computed.ranking.itertuples()
        ]
    engine.dispose()
    return numbers, digest, scores


def test_down_and_up_keep_a_loaded_database(db_url: str, full_demo: int) -> None:
    """Migrations run on a database with lists, drawn respondents, links and answers (foreign
    keys on): down to the first revision and up again, nothing is lost or changed, and every
    score is the same (0006 turns the fixed design into rows and back)."""
    from alembic import command

    before = _state(db_url, full_demo)
    assert all(n > 0 for n in before[0]) and before[2]
    command.downgrade(alembic_config(db_url), "0001")
    command.upgrade(alembic_config(db_url), "head")
    assert _state(db_url, full_demo) == before
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert "raw" not in {c["name"] for c in inspect(conn).get_columns("list_rows")}
    engine.dispose()


def test_0006_gives_old_campaigns_the_design_of_their_kind(db_url: str, full_demo: int) -> None:
    """Down to 0005 (the fixed kinds) and up: the campaign gets its kind's design back, with
    its window, deadlines and sampling sizes, and its invitations keep their rated units."""
    from alembic import command
    from sqlalchemy import text

    engine = make_engine(db_url)
    with engine.connect() as conn:
        rated = conn.execute(text("SELECT id, rated_unit_id FROM invitations ORDER BY id")).all()
    engine.dispose()
    command.downgrade(alembic_config(db_url), "0005")
    command.upgrade(alembic_config(db_url), "head")
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT id, rated_unit_id FROM invitations ORDER BY id")).all()
            == rated
        )
        groups = conn.execute(
            text("SELECT code, submitted_by, rule FROM campaign_groups ORDER BY position")
        ).all()
    engine.dispose()
    assert [tuple(g) for g in groups] == [
        ("council_delegate", "province", "census"),
        ("department_leader", "department", "census"),
        ("subunit_leader", "subunit", "census"),
        ("district_leader", "district", "census_in_chosen"),
        ("citizen", "commune", "stratified"),
    ]


def test_every_results_change_trigger_exists_at_head(db_url: str) -> None:
    """The results store trusts these triggers; a later migration that rebuilds a watched
    table on SQLite must make them again (0011's ``create_sqlite_triggers``)."""
    import importlib.util

    from sqlalchemy import text

    path = next(
        (Path(__file__).parents[2] / "survey_app/persistence/migrations/versions").glob("0011_*.py")
    )
    spec = importlib.util.spec_from_file_location("results_changes_migration", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        found = set(conn.execute(text(query)).scalars())
    engine.dispose()
    assert set(migration.trigger_names()) <= found

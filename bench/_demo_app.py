"""A migrated database with the demo loaded and a few invitations, for the benchmarks."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select, text


def build(database_url: str | None = None, invitations: int = 5) -> tuple[Any, list[str]]:
    """(app, tokens): an app on a fresh database (SQLite temp file by default)."""
    from survey_app import create_app, demo
    from survey_app.persistence.db import make_engine, upgrade
    from survey_app.persistence.enums import RespondentStatus, SampleRole
    from survey_app.persistence.models import Campaign, Respondent, Unit
    from survey_app.services import invitations as invitation_service

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    os.environ["SURVEY_INSTANCE_DIR"] = str(workdir / "instance")
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.extensions["session_factory"]() as session:
        info = demo.ensure_demo(session, workdir / "instance")
        campaign = session.get(Campaign, info.campaign_id)
        campaign.fieldwork_opens = dt.date.today() - dt.timedelta(days=1)
        communes = list(session.scalars(select(Unit).where(Unit.level == "commune")))
        people = [
            Respondent(
                campaign_id=campaign.id,
                unit_id=communes[i % len(communes)].id,
                group="citizen",
                sample_role=SampleRole.SAMPLE,
                status=RespondentStatus.ACTIVE,
                stratum="Hộ tịch",
                weight=1.0,
                full_name=f"Người {i}",
            )
            for i in range(invitations)
        ]
        session.add_all(people)
        session.flush()
        links = invitation_service.issue(session, campaign, None)
        session.commit()
    return app, [link.token for link in links]

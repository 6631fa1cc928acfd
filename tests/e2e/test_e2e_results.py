"""The analyst's journey: overview, ranking and SIPAS on a phone, a unit page on a desktop."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from tests.e2e.conftest import log_in, shot


@pytest.fixture(scope="module")
def results_server(live_server: str) -> str:
    """The live demo with responses and appraisal points added through the services."""
    from survey_app import create_app
    from survey_app.persistence.models import Campaign
    from survey_app.services import appraisal, demo
    from tests.integration.results_fixtures import seed_results

    database = Path(os.environ["SURVEY_INSTANCE_DIR"]).parent / "live.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "RATELIMIT_ENABLED": False})
    with app.app_context(), app.extensions["session_factory"]() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name == demo.DEMO_NAME))
        assert campaign is not None
        seed_results(session, campaign.id)
        appraisal.seed_demo_appraisal(session, campaign, np.random.default_rng(3))
        session.commit()
    app.extensions["engine"].dispose()
    return live_server


def test_analyst_reads_results_on_a_phone(results_server: str, phone, desktop) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, results_server, "phantich")
    phone.click("header nav >> text=Kết quả")
    assert phone.locator("h1").inner_text().startswith("Kết quả khảo sát")
    assert phone.locator("#stat-responses").inner_text() == "47"
    assert "%" in phone.locator("#stat-sipas").inner_text()
    assert phone.locator("svg.chart").count() == 1
    shot(phone, "results-overview-phone")
    phone.click("nav.subnav >> text=Xếp hạng")
    assert phone.locator("tr[data-unit='S02'] td.index").inner_text().endswith("%")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the ranking must fit a 360 px phone"
    shot(phone, "results-ranking-phone")
    phone.click("nav.subnav >> text=SIPAS")
    assert (phone.locator("svg.chart").get_attribute("aria-label") or "").startswith(
        "Chỉ số hài lòng")
    shot(phone, "results-sipas-phone")
    log_in(desktop, results_server, "phantich")
    desktop.goto(f"{results_server}/results/")
    desktop.click("nav.subnav >> text=Xếp hạng")
    desktop.click("tr[data-unit='S01'] a")
    assert desktop.locator("#unit-index").inner_text().endswith("%")
    assert desktop.locator("svg.chart path").count() == 8
    shot(desktop, "results-unit-desktop")

"""Stored results: computed once per state of the data, recomputed after any change they
depend on (logged by the database's triggers), never shown for data they were not computed
from; and the finite-population correction the service applies by default."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from analysis.settings import EstimationSettings
from survey_app.persistence.enums import ResponseStatus, Role
from survey_app.persistence.models import (
    AppraisalPoint,
    Campaign,
    ExportRecord,
    Invitation,
    Respondent,
    Response,
    ResultsChange,
    Unit,
)
from survey_app.services import designs as designs_service
from survey_app.services import results, results_store
from survey_app.services.results_store import ResultsStore, state_of
from tests import factories
from tests.conftest import csrf
from tests.integration.results_fixtures import results_campaign, seed_results, staff


@pytest.fixture
def seeded(session: Session) -> int:
    campaign_id = results_campaign(session)
    seed_results(session, campaign_id)
    return campaign_id


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each full computation of results (the campaign id), counted."""
    calls: list[int] = []
    real = results_store.compute

    def counted(session: Session, campaign: Campaign, data: object = None) -> object:
        calls.append(campaign.id)
        return real(session, campaign, data)  # type: ignore[arg-type]

    monkeypatch.setattr(results_store, "compute", counted)
    return calls


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    return campaign


def _unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    assert unit is not None
    return unit


def _changes(session: Session, campaign_id: int) -> int:
    return int(
        session.scalar(select(func.count()).where(ResultsChange.campaign_id == campaign_id)) or 0
    )


def _same_tables(a: results.CampaignResults, b: results.CampaignResults) -> None:
    """Two results hold the same numbers (ranking, estimates, SIPAS)."""
    cols = ["unit_code", "points", "index_pct", "rank", "responses"]
    assert a.ranking[cols].equals(b.ranking[cols])
    for name, table in a.estimates.items():
        other = b.estimates[name]
        assert np.allclose(table["estimate"], other["estimate"], equal_nan=True)
        assert np.allclose(table["se"], other["se"], equal_nan=True)
    assert (a.sipas is None) == (b.sipas is None)


def test_a_second_request_reads_the_stored_result(
    session: Session, seeded: int, computations: list[int]
) -> None:
    store = ResultsStore()
    campaign = _campaign(session, seeded)
    first = store.results(session, campaign)
    second = store.results(session, campaign)
    assert computations == [seeded]
    assert first.freshness is not None and second.freshness == first.freshness
    assert first.freshness.responses == len(first.data.meta) == 47
    _same_tables(first, results.compute(session, campaign))


def test_a_new_submission_is_merged_into_the_next_request(
    session: Session, seeded: int, computations: list[int]
) -> None:
    store = ResultsStore()
    campaign = _campaign(session, seeded)
    person = factories.respondent(
        session, campaign, _unit(session, "S01"), group="department_leader"
    )
    session.commit()  # drawn before fieldwork
    before = store.results(session, campaign)
    factories.submitted_response(session, campaign, person, variant=3)
    session.commit()
    after = store.results(session, campaign)
    assert after.freshness is not None and before.freshness is not None
    assert after.freshness.state != before.freshness.state
    assert after.freshness.merged == 1, "only the new response is read"
    assert len(after.data.meta) == 48
    _same_tables(after, results.compute(session, campaign))
    assert computations == [seeded, seeded]


def test_a_draft_saved_changes_nothing(session: Session, seeded: int) -> None:
    campaign = _campaign(session, seeded)
    person = factories.respondent(
        session, campaign, _unit(session, "S02"), group="department_leader"
    )
    invitation = factories.invitation(session, campaign, person)
    session.commit()
    before = _changes(session, seeded)
    draft = Response(
        invitation_id=invitation.id,
        instrument_id=invitation.instrument_id,
        status=ResponseStatus.DRAFT,
    )
    session.add(draft)
    session.commit()
    draft.mode = draft.mode  # an autosave touches the draft
    session.execute(update(Response).where(Response.id == draft.id).values(client_key="x"))
    session.commit()
    assert _changes(session, seeded) == before
    session.execute(
        update(Response).where(Response.id == draft.id).values(status=ResponseStatus.SUBMITTED)
    )
    session.commit()
    assert _changes(session, seeded) == before + 1


def test_a_weight_change_reads_everything_again(
    session: Session, seeded: int, computations: list[int]
) -> None:
    store = ResultsStore()
    campaign = _campaign(session, seeded)
    before = store.results(session, campaign)
    person = session.scalars(
        select(Respondent).where(Respondent.campaign_id == seeded, Respondent.group == "citizen")
    ).first()
    assert person is not None
    person.weight = 40.0
    session.commit()
    after = store.results(session, campaign)
    assert after.freshness is not None and after.freshness.merged is None
    assert after.data.meta.loc[after.data.meta["person"] == person.id, "weight"].eq(40.0).all()
    assert before.sipas is not None and after.sipas is not None
    assert (
        not before.sipas["province"]
        .overall["index_pct"]
        .equals(after.sipas["province"].overall["index_pct"])
    )
    _same_tables(after, results.compute(session, campaign))


def test_appraisal_points_settings_and_unit_names_are_part_of_the_state(
    session: Session, seeded: int
) -> None:
    store = ResultsStore()
    campaign = _campaign(session, seeded)
    states = [state_of(session, campaign)]
    store.results(session, campaign)
    unit = _unit(session, "S01")
    session.add(AppraisalPoint(campaign_id=seeded, unit_id=unit.id, sub_criterion="1.1", points=1))
    session.commit()
    states.append(state_of(session, campaign))
    unit.name = "Sở Thử nghiệm đổi tên"
    session.commit()
    states.append(state_of(session, campaign))
    assert store.results(session, campaign).unit_name("S01") == "Sở Thử nghiệm đổi tên"
    settings = designs_service.settings_of(campaign)
    changed = dataclasses.replace(
        settings,
        analysis=dataclasses.replace(
            settings.analysis, estimation=EstimationSettings(small_cell_n=2)
        ),
    )
    designs_service.save_settings(session, campaign, changed, None)
    session.commit()
    states.append(state_of(session, campaign))
    assert len(set(states)) == len(states), "every change names a new state"
    assert not store.results(session, campaign).estimates["unit"]["small_cell"].any()


def test_issued_invitations_refresh_the_response_rates_without_reading_responses(
    session: Session, seeded: int, computations: list[int]
) -> None:
    store = ResultsStore()
    campaign = _campaign(session, seeded)
    store.results(session, campaign)
    person = factories.respondent(
        session, campaign, _unit(session, "S03"), group="department_leader"
    )
    session.commit()  # a new respondent: the strata's sizes change, everything is read
    store.results(session, campaign)
    factories.invitation(session, campaign, person)
    session.commit()
    kept = store.results(session, campaign)
    assert kept.freshness is not None and kept.freshness.merged == 0
    assert computations == [seeded, seeded], "an invitation alone recomputes nothing"


def test_every_results_page_reads_the_store(
    app: Flask, seeded: int, computations: list[int]
) -> None:
    client = staff(app, Role.ANALYST)
    pages = [
        "/results/?campaign_id={id}",
        "/results/campaigns/{id}/ranking",
        "/results/campaigns/{id}/sipas",
        "/results/campaigns/{id}/quality",
        "/results/campaigns/{id}/export.xlsx",
        "/results/campaigns/{id}/microdata.csv",
        "/api/v1/campaigns/{id}/ranking",
    ]
    bodies: dict[str, list[bytes]] = {}
    for page in pages * 2:
        response = client.get(page.format(id=seeded))
        assert response.status_code == 200, page
        bodies.setdefault(page, []).append(response.data)
    assert computations == [seeded]
    for page in pages[4:6]:  # exports: the same file, built once
        assert bodies[page][0] == bodies[page][1]
    overview = bodies[pages[0]][0].decode()
    assert "Kết quả tính lúc" in overview and "47 phiếu đã nộp" in overview
    with app.app_context():
        session = app.extensions["session_factory"]()
        recorded = session.scalars(
            select(ExportRecord.kind).where(ExportRecord.campaign_id == seeded)
        ).all()
        session.close()
    assert sorted(recorded) == sorted(["xlsx", "microdata:csv"] * 2), "every download recorded"


def test_an_export_in_another_language_is_not_served_from_the_first(
    app: Flask, seeded: int
) -> None:
    client = staff(app, Role.ANALYST)
    url = f"/results/campaigns/{seeded}/export.xlsx"
    vietnamese = client.get(url).data
    client.post("/locale", data={"locale": "en", "next": "/", "csrf_token": csrf(client)})
    english = client.get(url).data
    assert vietnamese != english
    assert client.get(url).data == english


def test_finite_population_correction_by_default(session: Session, seeded: int) -> None:
    """Department leaders are a census here (weight 1, every one drawn): with the correction
    a department's score has no sampling error; turned off, it has."""
    campaign = _campaign(session, seeded)
    corrected = results.compute(session, campaign)
    units = corrected.estimates["unit"]
    departments = units[units["rated_unit"].str.startswith("S")]
    assert len(departments) and np.allclose(departments["se"], 0.0)
    meta = corrected.data.meta
    leaders = meta[meta["group"] == "department_leader"]
    assert (
        leaders.groupby("stratum")["stratum_population"].first()
        == leaders.groupby("stratum")["person"].nunique()
    ).all()
    settings = designs_service.settings_of(campaign)
    off = dataclasses.replace(
        settings,
        analysis=dataclasses.replace(
            settings.analysis, estimation=EstimationSettings(finite_population=False)
        ),
    )
    designs_service.save_settings(session, campaign, off, None)
    uncorrected = results.compute(session, campaign).estimates["unit"]
    spread = uncorrected[uncorrected["rated_unit"].isin(departments["rated_unit"])]
    assert (spread["se"] > 0).any()


def test_citizens_strata_are_corrected_by_their_share_drawn(session: Session, seeded: int) -> None:
    """Citizens of a commune (one stratum) with weights 2-4: N_h is their weights' sum, and
    a commune's SE with the correction is its SE without it times sqrt(1 - n_h / N_h)."""
    campaign = _campaign(session, seeded)
    computed = results.compute(session, campaign)
    meta = computed.data.meta
    citizens = meta[meta["group"] == "citizen"]
    sizes = citizens.groupby("commune").agg(
        n=("person", "nunique"), N=("stratum_population", "first"), strata=("stratum", "nunique")
    )
    assert (sizes["strata"] == 1).all() and (sizes["N"] > sizes["n"]).all()
    expected_n = citizens.groupby("commune")["weight"].sum().round()
    assert np.allclose(sizes["N"], expected_n)
    plain = dataclasses.replace(
        computed.settings, estimation=EstimationSettings(finite_population=False)
    )
    without = results.compute_sipas(computed.data, plain)
    assert computed.sipas is not None and without is not None
    fpc = computed.sipas["commune"].questions.set_index(["commune", "variable"])["se"]
    srs = without["commune"].questions.set_index(["commune", "variable"])["se"]
    factor = np.sqrt(1 - sizes["n"] / sizes["N"])
    expected = srs * factor.reindex(srs.index.get_level_values("commune")).to_numpy()
    assert np.allclose(fpc.loc[srs.index], expected, equal_nan=True)
    assert (fpc.dropna() < srs.loc[fpc.dropna().index]).any()


def test_long_quality_tables_are_paged_not_cut(
    app: Flask, seeded: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from survey_app.web import helpers

    real = helpers.page_of
    monkeypatch.setattr(
        "survey_app.web.results.page_of", lambda frame, param: real(frame, param, size=5)
    )
    client = staff(app, Role.ANALYST)
    first = client.get(f"/results/campaigns/{seeded}/quality").get_data(as_text=True)
    assert "Trang 1/" in first and 'rel="next"' in first
    last = client.get(f"/results/campaigns/{seeded}/quality?rates_page=999").get_data(as_text=True)
    pages = re.search(r"Trang (\d+)/(\d+)", last)
    assert pages is not None and pages.group(1) == pages.group(2)
    assert 'rel="prev"' in last and "rates_page=" in last
    odd = client.get(f"/results/campaigns/{seeded}/quality?campaign_id=abc&rates_page=2")
    assert odd.status_code == 200
    links = re.findall(r'href="([^"]*rates_page=[^"]*)"', odd.get_data(as_text=True))
    assert links and all(link.startswith(f"/results/campaigns/{seeded}/quality?") for link in links)


def test_a_form_moved_to_another_rated_unit_reads_everything_again(
    session: Session, seeded: int
) -> None:
    store = ResultsStore()
    campaign = _campaign(session, seeded)
    before = store.results(session, campaign)
    moved = session.scalars(
        select(Invitation)
        .join(Response, Response.invitation_id == Invitation.id)
        .join(Unit, Unit.id == Invitation.rated_unit_id)
        .where(Invitation.campaign_id == seeded, Unit.code == "S01")
    ).first()
    assert moved is not None
    moved.rated_unit_id = _unit(session, "S02").id
    session.commit()
    after = store.results(session, campaign)
    assert after.freshness is not None and after.freshness.merged is None
    counts = after.data.meta.groupby("rated_unit").size()
    was = before.data.meta.groupby("rated_unit").size()
    assert counts["S01"] == was["S01"] - 1 and counts["S02"] == was["S02"] + 1


def test_earlier_campaigns_are_summaries_and_never_push_the_current_one_out(
    session: Session, seeded: int, computations: list[int]
) -> None:
    """A unit page or workbook looks back at earlier campaigns: they are kept apart, without
    their responses, so the campaign being worked on is not computed again."""
    store = ResultsStore(capacity=1)
    campaign = _campaign(session, seeded)
    others = [factories.campaign(session, name=f"Năm trước {i}") for i in range(3)]
    session.commit()
    store.results(session, campaign)
    for other in others:
        summary = store.summary(session, other)
        assert summary.data.meta.empty and not summary.data.answers
    store.results(session, campaign)
    for other in others:
        store.summary(session, other)  # kept: not computed again
    assert computations == [seeded, *(other.id for other in others)]
    assert store.summary(session, campaign).data.answers, "the full result when it is kept"


def test_the_store_keeps_to_its_memory_budget(session: Session, seeded: int) -> None:
    store = ResultsStore(capacity=5, budget_mb=0.001)  # 1 KB: less than any campaign's data
    campaign = _campaign(session, seeded)
    other = factories.campaign(session, name="Đợt khác")
    session.commit()
    store.results(session, campaign)
    store.results(session, other)
    store.results(session, campaign)  # the newest always stays, the older goes
    assert list(store._entries) == [seeded]  # noqa: SLF001 - what is kept is the point here


def test_large_exports_are_kept_on_disk_and_dropped_with_their_state(
    app: Flask, session: Session, seeded: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results_store, "SPILL_BYTES", 1)
    client = staff(app, Role.ANALYST)
    url = f"/results/campaigns/{seeded}/microdata.csv"
    first = client.get(url, buffered=True)  # a server closes the file; buffered does too
    assert first.status_code == 200 and first.headers["Content-Length"] == str(len(first.data))
    folder = app.config["SETTINGS"].instance_dir / "results-files"
    files = list(folder.rglob("*.bin"))
    assert len(files) == 1 and files[0].read_bytes() == first.data
    files[0].write_bytes(files[0].read_bytes() + b"#")  # what is served is the kept file
    assert client.get(url, buffered=True).data == first.data + b"#"
    files[0].unlink()  # an operator cleaned the folder: built again, not an error
    again = client.get(url, buffered=True)
    assert again.status_code == 200 and again.data == first.data
    files = list(folder.rglob("*.bin"))
    assert len(files) == 1
    campaign = _campaign(session, seeded)
    person = factories.respondent(
        session, campaign, _unit(session, "H01.01"), group="citizen", weight=2.0
    )
    factories.submitted_response(session, campaign, person, variant=1)
    session.commit()
    after = client.get(url, buffered=True)
    assert after.status_code == 200 and after.data != first.data
    assert not files[0].exists(), "the file of the old state is gone"

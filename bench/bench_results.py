"""Benchmark of the analyst's results pages and exports (issue #16).

Run: ``.venv/bin/python bench/bench_results.py [--quick] [--national] [--province]``
(PostgreSQL at ``BENCH_DATABASE_URL``, default a database ``bench_results`` of its own on
127.0.0.1, created at the start and dropped at the end).

Two campaigns are built through the services (``designs.create_campaign``,
``registry.import_units``, ``invitations.issue``, ``responses.submit``; respondents are added as
a draw stores them, with design weights N_h / n_h per stratum, the draw itself being benched by
``bench_sampling.py``):

* province size: 100 communes x 30 citizens (SIPAS, strata = procedure fields) plus about
  3,000 officials (department leaders rating their department, leaders of units under a
  department rating the province): about 6,000 responses;
* national size: 1,000 communes x 100 citizens plus about 30,000 officials: about 130,000.

Every page and export is timed through the Flask test client, as an analyst's browser asks:

* **cold**: the first request after a new submission (the store takes the response in);
* **warm**: the same request again (p50 / p95 over the rounds);
* **baseline**: the recompute-per-request path of before (results computed from the database
  on every request), in the same run, on the same data.

Budget: warm p95 <= 150 ms (province) and <= 500 ms (national) for every page; cold <= 3 s
(province) and <= 30 s (national); peak memory (RSS of this process, which also builds the
data) <= 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import designs  # noqa: E402
from survey_app.persistence.enums import CampaignStatus, RespondentStatus, Role, SampleRole  # noqa: E402
from survey_app.persistence.models import Campaign, Invitation, Respondent, Response, Unit  # noqa: E402

BUDGET = {"province": (0.150, 3.0), "national": (0.500, 30.0)}
BUDGET_BYTES = 2 * 1024**3
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_results"
FIELDS = ("Đất đai", "Hộ tịch", "Chứng thực", "Tư pháp", "Lao động", "Xây dựng")


@dataclass(frozen=True)
class Size:
    name: str
    communes: int
    citizens: int
    departments: int
    leaders: int
    subunits: int
    subunit_leaders: int


SIZES = {
    "province": Size("province", 100, 30, 20, 60, 5, 18),
    "national": Size("national", 1_000, 100, 20, 600, 5, 180),
}
QUICK = Size("province", 20, 30, 5, 20, 2, 10)  # a smoke run


def _design() -> designs.CampaignDesign:
    """The 2023 provincial design with department leaders rating their own department."""
    from survey_app.demo.load import dated_design

    design = dated_design("par_province_2023", 2026)
    lines = tuple(
        (
            dataclasses.replace(e, rates=designs.RatesShape.OWN_UNIT, level=None)
            if e.group == "department_leader"
            else e
        )
        for e in design.evaluations
    )
    return dataclasses.replace(design, evaluations=lines)


def _units_csv(size: Size) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "level", "parent_code", "tier", "size", "procedure_fields"])
    writer.writerow(["T01", "Tỉnh Thử nghiệm", "province", "", "", "", ""])
    for d in range(1, size.departments + 1):
        writer.writerow([f"S{d:02d}", f"Sở thử nghiệm số {d}", "department", "T01", "", "", ""])
        for j in range(1, size.subunits + 1):
            writer.writerow(
                [f"S{d:02d}.{j}", f"Chi cục {j} của sở {d}", "subunit", f"S{d:02d}", "", "", ""]
            )
    districts = max(size.communes // 10, 1)
    for h in range(1, districts + 1):
        writer.writerow([f"H{h:03d}", f"Huyện thử nghiệm {h}", "district", "T01", 2, 100_000, ""])
    for c in range(size.communes):
        district = c % districts + 1
        writer.writerow(
            [f"H{district:03d}.{c:04d}", f"Xã thử nghiệm {c}", "commune", f"H{district:03d}",
             "", "", "; ".join(FIELDS[:3])]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def build(session: Session, size: Size, rng: np.random.Generator) -> int:
    """A campaign of ``size`` with every response submitted; returns its id."""
    from survey_app.services import designs as designs_service
    from survey_app.services import registry

    campaign = designs_service.create_campaign(
        session, _design(), year=2026, name=f"Bench {size.name}", actor=None,
        status=CampaignStatus.OPEN,
    )  # fmt: skip
    registry.import_units(session, campaign, "units.csv", _units_csv(size), None)
    session.commit()
    units = list(session.scalars(select(Unit).where(Unit.campaign_id == campaign.id)))
    people: list[Respondent] = []
    for unit in units:
        if unit.level == "department":
            people += _officials(campaign, unit, "department_leader", size.leaders)
        elif unit.level == "subunit":
            people += _officials(campaign, unit, "subunit_leader", size.subunit_leaders)
        elif unit.level == "commune":
            people += _citizens(campaign, unit, size.citizens, rng)
    session.add_all(people)
    session.commit()
    print(f"  {size.name}: {len(units)} units, {len(people)} respondents", flush=True)
    _issue_and_answer(session, campaign, rng)
    return campaign.id


def _person(campaign: Campaign, unit: Unit, group: str, stratum: str, weight: float) -> Respondent:
    return Respondent(
        campaign_id=campaign.id, unit_id=unit.id, group=group, sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE, stratum=stratum, weight=weight, full_name="Người thử",
    )  # fmt: skip


def _officials(campaign: Campaign, unit: Unit, group: str, count: int) -> list[Respondent]:
    """A census of a unit's officials (weight 1: no sampling error with the correction)."""
    return [_person(campaign, unit, group, unit.code, 1.0) for _ in range(count)]


def _citizens(
    campaign: Campaign, unit: Unit, count: int, rng: np.random.Generator
) -> list[Respondent]:
    """``count`` citizens drawn over three fields, each field's weight N_h / n_h."""
    drawn = np.full(3, count // 3)
    drawn[: count - drawn.sum()] += 1
    people = []
    for field, n_h in zip(FIELDS[:3], drawn, strict=True):
        eligible = int(n_h + rng.integers(0, 4 * n_h))
        people += [_person(campaign, unit, "citizen", field, eligible / n_h) for _ in range(n_h)]
    return people


def _issue_and_answer(session: Session, campaign: Campaign, rng: np.random.Generator) -> None:
    from survey_app.demo.responses import synthetic_answers
    from survey_app.services import invitations, responses

    started = time.perf_counter()
    invitations.issue(session, campaign, None)
    session.commit()
    found = list(session.scalars(select(Invitation).where(Invitation.campaign_id == campaign.id)))
    print(f"  {len(found)} invitations in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    quality: dict[int, float] = {}
    questionnaires: dict[int, object] = {}
    ids = [invitation.id for invitation in found]
    session.expunge_all()
    for i, invitation_id in enumerate(ids):
        invitation = session.get(Invitation, invitation_id)
        assert invitation is not None
        good = quality.setdefault(invitation.rated_unit_id, float(rng.uniform(0.3, 0.9)))
        if invitation.instrument_id not in questionnaires:
            questionnaires[invitation.instrument_id] = responses.instrument_of(invitation)
        instrument = questionnaires[invitation.instrument_id]
        answers = synthetic_answers(instrument, good, rng)  # type: ignore[arg-type]
        responses.submit(session, invitation, answers, f"bench-{invitation_id}")
        if i % 1000 == 999:
            session.commit()
            session.expunge_all()  # keep the identity map small, as a request's session is
        if i % 10_000 == 9_999:
            print(f"  {i + 1:,} submitted ({time.perf_counter() - started:.0f} s)", flush=True)
    session.commit()


def _pages(session: Session, campaign_id: int) -> dict[str, str]:
    department = session.scalar(
        select(Unit.id).where(Unit.campaign_id == campaign_id, Unit.code == "S01")
    )
    base = f"/results/campaigns/{campaign_id}"
    return {
        "overview": f"/results/?campaign_id={campaign_id}",
        "unit": f"{base}/units/{department}",
        "ranking": f"{base}/ranking",
        "sipas": f"{base}/sipas",
        "quality": f"{base}/quality",
        "export.xlsx": f"{base}/export.xlsx",
        "ranking.csv": f"{base}/export/ranking.csv",
        "microdata.csv": f"{base}/microdata.csv",
        "microdata.sav": f"{base}/microdata.sav",
        "api ranking": f"/api/v1/campaigns/{campaign_id}/ranking",
    }


class Recomputing:
    """The path of before: every request computes the results from the database."""

    def results(self, session: Session, campaign: Campaign) -> object:
        from survey_app.services import results

        return results.compute(session, campaign)

    def kept(self, session: Session, campaign: Campaign, key: object, build: Callable) -> object:  # type: ignore[type-arg]
        return build(self.results(session, campaign))

    def kept_with_results(self, session, campaign, key, build):  # type: ignore[no-untyped-def]
        computed = self.results(session, campaign)
        return build(computed), computed

    def kept_beside(self, session, results, key, build):  # type: ignore[no-untyped-def]
        return self.kept_with_results(session, results.campaign, key, build)

    def summary(self, session: Session, campaign: Campaign) -> object:
        return self.results(session, campaign)


def _timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    reply = client.get(url, buffered=True)  # read whole and closed, as a browser's download
    elapsed = time.perf_counter() - start
    if reply.status_code != 200:
        raise SystemExit(f"{url}: HTTP {reply.status_code}")
    return elapsed


def _new_response(app, campaign_id: int, rng: np.random.Generator) -> None:  # type: ignore[no-untyped-def]
    """One more submission (a respondent of a commune answers), as fieldwork goes on."""
    from survey_app.demo.responses import synthetic_answers
    from survey_app.services import invitations, responses

    with app.app_context():
        session = app.extensions["session_factory"]()
        campaign = session.get(Campaign, campaign_id)
        unit = session.scalar(
            select(Unit).where(Unit.campaign_id == campaign_id, Unit.level == "commune")
        )
        person = _person(campaign, unit, "citizen", FIELDS[0], 1.0)
        session.add(person)
        session.commit()  # drawn earlier in real life: take that in before timing
        links = invitations.issue(session, campaign, None, [person.id])
        session.commit()
        app.extensions["results_store"].results(session, campaign)  # the state before
        invitation = session.scalar(select(Invitation).where(Invitation.respondent_id == person.id))
        answers = synthetic_answers(responses.instrument_of(invitation), 0.7, rng)
        responses.submit(session, invitation, answers, f"bench-new-{person.id}")
        session.commit()
        session.close()
        assert links


def _app():  # type: ignore[no-untyped-def]
    from survey_app import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _build_process(size: Size, seed: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """Build one campaign in a process of its own (its memory is not the server's)."""
    app = _app()
    with app.app_context():
        session = app.extensions["session_factory"]()
        started = time.perf_counter()
        campaign_id = build(session, size, np.random.default_rng(seed))
        count = session.scalar(
            select(text("count(*)")).select_from(Response).join(Invitation)
            .where(Invitation.campaign_id == campaign_id)
        )  # fmt: skip
        print(f"  built {count:,} responses in {time.perf_counter() - started:.0f} s", flush=True)
        session.close()
    out.put(campaign_id)


def _measure_process(  # type: ignore[type-arg]
    campaign_id: int, size: str, rounds: int, baseline_rounds: int, out: mp.Queue
) -> None:
    """Time every page as a fresh server process would serve it, then the baseline."""
    app = _app()
    out.put(measure(app, campaign_id, size, rounds, baseline_rounds, np.random.default_rng(7)))


def measure(  # type: ignore[no-untyped-def]
    app, campaign_id: int, size: str, rounds: int, baseline_rounds: int, rng: np.random.Generator
) -> list[str]:
    """The table's rows: the first request of a fresh process (everything read), then per
    page cold (after one more submission), warm and the baseline; peak memory of serving."""
    from tests.conftest import login  # the same login as the tests

    with app.app_context():
        session = app.extensions["session_factory"]()
        pages = _pages(session, campaign_id)
        session.close()
    client = login(app.test_client(), "bench-analyst", "bench-password-1234")
    warm_budget, cold_budget = BUDGET[size]
    first = _timed(client, pages["overview"])
    verdict = "ok" if first <= cold_budget else "OVER BUDGET"
    lines = [f"| {size} | first request (all read) | {first * 1000:,.0f} | | | | | {verdict} |"]
    print(lines[0], flush=True)
    timings = {}
    for name, url in pages.items():
        _new_response(app, campaign_id, rng)
        cold = _timed(client, url)
        warm = sorted(_timed(client, url) for _ in range(rounds))
        timings[name] = (cold, warm)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    stored = app.extensions["results_store"]
    app.extensions["results_store"] = Recomputing()
    for name, url in pages.items():
        cold, warm = timings[name]
        base = sorted(_timed(client, url) for _ in range(baseline_rounds))
        p50, p95 = statistics.median(warm), warm[min(int(0.95 * len(warm)), len(warm) - 1)]
        b50 = statistics.median(base)
        verdict = "ok" if p95 <= warm_budget and cold <= cold_budget else "OVER BUDGET"
        line = (
            f"| {size} | {name} | {cold * 1000:,.0f} | {p50 * 1000:,.1f} | {p95 * 1000:,.1f} "
            f"| {b50 * 1000:,.0f} | {b50 / p50:,.0f}x | {verdict} |"
        )
        print(line, flush=True)
        lines.append(line)
    app.extensions["results_store"] = stored
    verdict = "ok" if peak <= BUDGET_BYTES else "OVER BUDGET"
    memory = (
        f"peak memory of the serving process, {size}: {peak / 1024**2:,.0f} MB "
        f"(budget {BUDGET_BYTES / 1024**2:,.0f} MB): {verdict}"
    )
    print(memory, flush=True)
    return [*lines, memory]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a small province, few rounds")
    parser.add_argument("--national", action="store_true", help="only the national size")
    parser.add_argument("--province", action="store_true", help="only the province size")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SURVEY_SECRET_KEY", "bench-secret-key-not-for-production")
    try:
        _run(args)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(args: argparse.Namespace) -> None:
    from survey_app.persistence.db import upgrade
    from survey_app.services import accounts

    upgrade(os.environ["DATABASE_URL"])
    app = _app()
    sizes = [QUICK] if args.quick else [
        SIZES[s] for s in ("province", "national")
        if not (args.national and s == "province") and not (args.province and s == "national")
    ]  # fmt: skip
    with app.app_context():
        session = app.extensions["session_factory"]()
        accounts.create_user(
            session, username="bench-analyst", full_name="Phân tích", role=Role.ANALYST,
            password="bench-password-1234",
        )  # fmt: skip
        session.commit()
        session.close()
    print("| size | page | cold ms | warm p50 ms | warm p95 ms | baseline p50 ms "
          "| baseline / warm | budget |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---|")
    spawn = mp.get_context("spawn")
    for seed, size in enumerate(sizes, start=2026):
        queue = spawn.Queue()
        builder = spawn.Process(target=_build_process, args=(size, seed, queue))
        builder.start()
        campaign_id = _result(queue, builder)
        rounds = 5 if args.quick else 20
        baseline_rounds = 1 if size.name == "national" else 3  # a national recompute is slow
        measurer = spawn.Process(
            target=_measure_process,
            args=(campaign_id, size.name, rounds, baseline_rounds, queue),
        )
        measurer.start()
        _result(queue, measurer)


def _result(queue, process):  # type: ignore[no-untyped-def]
    """What the child process put in the queue; exits if it died without a word."""
    import queue as queues

    while True:
        try:
            found = queue.get(timeout=5)
            process.join()
            return found
        except queues.Empty:
            if not process.is_alive():
                raise SystemExit(f"{process.name} failed (exit code {process.exitcode})") from None


if __name__ == "__main__":
    main()

"""The stored upload report: the list page and the annotated file of a 100,000-row list.

Baseline (before, re-parse): what each view did until the report was stored, timed with the
same functions: read the stored bytes again in the limited child process, validate them
against today's campaign settings, and (annotated file) write the workbook from the fresh
table. Stored rows (after): ``list_reports.stored_report`` (summary plus at most 500 problem
rows, one SELECT) and ``list_reports.annotated`` (one SELECT of the rows), then the whole
HTTP GET of each, as the unit officer of the demo commune. Medians of ``--rounds`` runs.

Measured on the 2-core bench VM, SQLite, 100,000 rows (3 rounds): page 6.97 s -> 0.050 s
(HTTP GET 0.033 s); annotated file 31.2 s -> 42.6 s (HTTP 45 s), then at 30,000 rows on a quiet
machine 8.6 s (parse 1.5 + write 7.1) -> 8.7 s (SELECT and decode 0.9 + write). Writing the
workbook with openpyxl (a cell, style and comment per value, about 0.24 ms a row) is the whole
cost of the annotated file; the re-parse it no longer does was a sixth of it.

    .venv/bin/python bench/bench_list_views.py [--rows 100000] [--rounds 3]
        [--database-url postgresql+psycopg://...]   # default: a SQLite temp file
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._demo_app import build  # noqa: E402
from bench.bench_ingest import make_rows, write_xlsx  # noqa: E402

PAGE_ROWS = 500  # web/lists.py REPORT_ROW_LIMIT


def _median(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    import dataclasses

    from sqlalchemy import select

    import designs
    from bench.bench_ingest import _set_window
    from survey_app.demo import demo_password
    from survey_app.ingest import annotated_xlsx
    from survey_app.persistence.models import Campaign, Unit
    from survey_app.services import designs as designs_service
    from survey_app.services import list_reports, lists

    app, _ = build(args.database_url, invitations=0)
    path = Path(tempfile.mkdtemp(prefix="bench-lists-")) / "danh_sach.xlsx"
    write_xlsx(path, make_rows(args.rows))
    data = path.read_bytes()
    factory = app.extensions["session_factory"]
    with factory() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "H03.01"))
        assert unit is not None
        campaign = session.get(Campaign, unit.campaign_id)
        assert campaign is not None
        unit.name = "Xã Phú Đa"  # the list of make_rows: dates of 2021, Phú Đa, no deadline
        _set_window(session, campaign, dt.date(2021, 1, 1), dt.date(2021, 12, 31))
        settings = designs_service.settings_of(campaign)
        designs_service.save_settings(
            session,
            campaign,
            dataclasses.replace(settings, deadlines=designs.Deadlines()),
            None,
        )
        start = time.perf_counter()
        result = lists.upload(
            session,
            campaign,
            unit,
            "citizen",
            path.name,
            data,
            None,
            max_rows=args.rows,
        )
        session.commit()
        upload_s = time.perf_counter() - start
        unit_list = result.unit_list
        list_id, unit_id = unit_list.id, unit.id
        print(
            f"{args.rows:,} rows ({len(data) / 1e6:.1f} MB xlsx) on "
            f"{session.get_bind().dialect.name}; upload {upload_s:.2f} s, "
            f"{result.report.excluded:,} excluded"
        )

        def page_before() -> object:
            _, report = lists.validate(
                session, campaign, unit, unit_list.group, unit_list.filename, unit_list.content
            )
            return sorted(
                report.rows,
                key=lambda r: (r.status.value != "excluded", not r.warnings, r.source_row),
            )[:PAGE_ROWS]

        def annotated_before() -> bytes:
            table, report = lists.validate(
                session, campaign, unit, unit_list.group, unit_list.filename, unit_list.content
            )
            return annotated_xlsx(table, report)

        timings = {
            "page": (
                _median(page_before, args.rounds),
                _median(
                    lambda: list_reports.stored_report(session, unit_list, PAGE_ROWS), args.rounds
                ),
            ),
            "annotated file": (
                _median(annotated_before, args.rounds),
                _median(lambda: list_reports.annotated(session, unit_list), args.rounds),
            ),
        }
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)
    assert token is not None
    client.post(
        "/login",
        data={
            "username": "xa-h03-01",
            "csrf_token": token.group(1),
            "password": demo_password("xa-h03-01"),
        },
    )

    def get(url: str) -> Callable[[], object]:
        def run() -> object:
            answer = client.get(url)
            assert answer.status_code == 200, answer.status_code
            return answer.data

        return run

    http = {
        "page": _median(get(f"/lists/{unit_id}/citizen"), args.rounds),
        "annotated file": _median(get(f"/lists/file/{list_id}/annotated.xlsx"), args.rounds),
    }
    print(
        f"{'view':<16}{'before (re-parse)':>19}{'stored rows':>13}{'ratio':>8}{'HTTP GET now':>14}"
    )
    for name, (before, after) in timings.items():
        print(
            f"{name:<16}{before:>17.3f} s{after:>11.3f} s{before / after:>7.1f}x"
            f"{http[name]:>12.3f} s"
        )


if __name__ == "__main__":
    main()

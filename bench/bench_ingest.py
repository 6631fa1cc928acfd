"""Benchmark: importing a 100,000-row citizen list (read_table + validate_list).

Generates the list as .xlsx (openpyxl write_only) and as .csv, then times each import in
its own subprocess (so peak memory, ru_maxrss, is that import's alone) and compares with
the baseline ``pandas.read_excel(engine="openpyxl")`` on the same .xlsx file. Wall and CPU
seconds are both printed: on a loaded machine the CPU time shows the import's own cost.
Budget: the .xlsx imported in under 10 s with under 1 GB peak memory (PASS/FAIL).

    .venv/bin/python bench/bench_ingest.py            # 100,000 rows
    .venv/bin/python bench/bench_ingest.py --quick    # 5,000 rows, a smoke run
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

BUDGET_SECONDS = 10.0
BUDGET_BYTES = 1024**3
HEADER = [
    "STT",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Địa chỉ",
    "Số điện thoại",
    "Lĩnh vực TTHC",
    "Tên thủ tục hành chính",
    "Ngày nộp hồ sơ",
    "Ngày nhận kết quả",
    "Ghi chú",
]
FIELDS = [
    ("Hộ tịch", "Đăng ký khai sinh"),
    ("Chứng thực", "Chứng thực chữ ký"),
    ("Đất đai", "Xác nhận nguồn gốc đất"),
    ("Bảo trợ xã hội", "Hỗ trợ chi phí mai táng"),
    ("Người có công", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Xuân", "Thanh"]
GIVEN = ["An", "Bình", "Hà", "Hải", "Lan", "Long", "Mai", "Nga", "Phúc", "Sơn", "Tâm", "Yến"]
VILLAGES = ["Đông", "Đoài", "Nam", "Bắc", "Trung"]


def make_rows(count: int) -> list[list[object]]:
    """A realistic citizen list: mixed date and phone styles, a few problem rows."""
    rows: list[list[object]] = []
    start = date(2021, 1, 4)
    for i in range(count):
        name = f"{FAMILY[i % 11]} {MIDDLE[i // 11 % 10]} {GIVEN[i // 110 % 12]} {i // 1320}"
        applied = start + timedelta(days=i % 270)
        received = applied + timedelta(days=1 + i % 9)
        phone = 900_000_000 + (i * 7_919) % 99_999_999
        phone_text = [
            f"0{phone}",
            f"0{phone // 1_000_000}.{phone // 1000 % 1000:03d}.{phone % 1000:03d}",
            f"84-{phone}",
            str(phone),
        ][i % 4]
        field, procedure = FIELDS[i % 5]
        address = f"Thôn {VILLAGES[i % 5]}, xã Phú Đa, huyện Vĩnh Tường"
        if i % 997 == 0:
            address = "Số 12 Lê Lợi, Phường Ngô Quyền, TP. Vĩnh Yên"
        result: object = (
            received.strftime("%d/%m/%Y")
            if i % 3
            else datetime(received.year, received.month, received.day)
        )
        note = "Chưa nhận kết quả" if i % 1009 == 0 else None
        rows.append(
            [
                i + 1,
                name,
                1950 + i % 50,
                "Nam" if i % 2 else "Nữ",
                address,
                phone_text,
                field,
                procedure,
                applied.strftime("%-d/%-m/%Y"),
                None if note else result,
                note,
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """The list as .xlsx with title rows, written with openpyxl write_only."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sach")
    sheet.append(["UBND XÃ PHÚ ĐA, HUYỆN VĨNH TƯỜNG"])
    sheet.append(["DANH SÁCH CÁ NHÂN, TỔ CHỨC ĐÃ GIAO DỊCH VÀ NHẬN KẾT QUẢ GIẢI QUYẾT TTHC"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append([None, f"Tổng cộng: {len(rows)} người"])
    book.save(path)


def write_csv(path: Path, rows: list[list[object]]) -> None:
    """The list as UTF-8 CSV with BOM (dates as dd/mm/yyyy text)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, datetime) else v for v in row])


def measure(kind: str, path: Path) -> dict[str, float]:
    """Run one import in this process: wall and CPU seconds, peak RSS bytes (Linux KiB *
    1024). Its modules are imported before the clock starts, as a server has them loaded."""
    run = {"pandas": _pandas_import, "upload": _service_upload}.get(kind, _list_import)(path)
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_bytes": float(peak), "rows": rows}


def _pandas_import(path: Path) -> Callable[[], float]:
    """The baseline: the rows pandas.read_excel (openpyxl) reads from the file."""
    import pandas as pd

    return lambda: float(len(pd.read_excel(path, engine="openpyxl", header=None)))


def _list_import(path: Path) -> Callable[[], float]:
    """The service's import: read_table + validate_list of a citizen list; the data rows."""
    from designs import ListKind
    from survey_app.ingest import ListContext, ListRules, read_table, validate_list

    def run() -> float:
        table = read_table(path.name, path.read_bytes(), max_bytes=64 * 1024**2)
        context = ListContext(
            date(2021, 1, 1),
            date(2021, 10, 15),
            "Phú Đa",
            ("An Bình", "Lũng Hòa"),
            tuple(f for f, _ in FIELDS),
        )
        rules = ListRules("citizen", ListKind.TRANSACTIONS, (), 30)
        return float(validate_list(table, rules, context).data_rows)

    return run


def _service_upload(path: Path) -> Callable[[], float]:
    """The whole upload as an officer's browser triggers it: ``lists.upload`` (read, validate,
    store every row with its status and reasons) and the commit, into a migrated SQLite
    database holding the demo registry (its commune renamed Phú Đa, window set to 2021)."""
    from sqlalchemy import select

    from survey_app import create_app, demo
    from survey_app.persistence.db import upgrade
    from survey_app.persistence.models import Campaign, Unit
    from survey_app.services import lists

    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    os.environ["SURVEY_INSTANCE_DIR"] = str(workdir / "instance")
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    factory = create_app({"DATABASE_URL": url}).extensions["session_factory"]
    with factory() as session:
        campaign = session.get(
            Campaign, demo.ensure_demo(session, workdir / "instance", fieldwork=False).campaign_id
        )
        assert campaign is not None
        _set_window(session, campaign, date(2021, 1, 1), date(2021, 10, 15))
        unit = session.scalars(select(Unit).where(Unit.level == "commune")).first()
        assert unit is not None
        unit.name = "Phú Đa"
        session.commit()
        ids = campaign.id, unit.id

    def run() -> float:
        with factory() as session:
            result = lists.upload(
                session,
                session.get(Campaign, ids[0]),
                session.get(Unit, ids[1]),
                "citizen",
                path.name,
                path.read_bytes(),
                None,
                today=date(2021, 10, 20),
            )
            session.commit()
            return float(result.report.data_rows)

    return run


def run_child(kind: str, path: Path) -> dict[str, float]:
    """``measure`` in a fresh interpreter, so each peak memory figure stands alone."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    """Generate the files, time each import, print figures, ratios and the budget verdict."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5,000 rows instead of 100,000")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    count = 5_000 if args.quick else 100_000
    rows = make_rows(count)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, csv_path = Path(tmp) / "list.xlsx", Path(tmp) / "list.csv"
        write_xlsx(xlsx, rows)
        write_csv(csv_path, rows)
        print(
            f"rows: {count:,}; xlsx {xlsx.stat().st_size / 1e6:.1f} MB, "
            f"csv {csv_path.stat().st_size / 1e6:.1f} MB; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times suffer)"
        )
        results = {
            kind: run_child(kind, path)
            for kind, path in (
                ("xlsx", xlsx),
                ("csv", csv_path),
                ("upload", xlsx),
                ("pandas", xlsx),
            )
        }
    for kind, label in (
        ("xlsx", "ingest .xlsx (read_table + validate_list)"),
        ("csv", "ingest .csv  (read_table + validate_list)"),
        ("upload", "upload .xlsx (lists.upload: + store, commit)"),
        ("pandas", "baseline pandas.read_excel(engine='openpyxl')"),
    ):
        r = results[kind]
        print(
            f"{label:48s} {r['seconds']:6.2f} s (cpu {r['cpu_seconds']:6.2f} s)  "
            f"{count / r['seconds']:9,.0f} rows/s  peak {r['peak_bytes'] / 2**20:6.0f} MiB"
        )
    ratio = results["xlsx"]["seconds"] / results["pandas"]["seconds"]
    print(f"ratio ingest .xlsx / pandas.read_excel: {ratio:.2f}x")
    print(
        f"ratio upload .xlsx / pandas.read_excel: "
        f"{results['upload']['seconds'] / results['pandas']['seconds']:.2f}x"
    )
    ok = all(
        results[kind]["seconds"] < BUDGET_SECONDS and results[kind]["peak_bytes"] < BUDGET_BYTES
        for kind in ("xlsx", "upload")
    )
    scale = "" if count == 100_000 else f" (budget is for 100,000 rows; this run has {count:,})"
    print(
        f"budget .xlsx read + validate and whole upload each < {BUDGET_SECONDS:.0f} s and "
        f"< 1 GiB: {'PASS' if ok else 'FAIL'}{scale}"
    )


if __name__ == "__main__":
    main()


def _set_window(session: object, campaign: object, start: date, end: date) -> None:
    """The citizens' transaction window of the campaign's design, set as an admin would."""
    import dataclasses

    import designs
    from survey_app.services import designs as designs_service

    design = designs_service.design_of(campaign)  # type: ignore[arg-type]
    window = designs.Window(start, end)
    groups = tuple(
        dataclasses.replace(g, window=window) if g.window is not None else g for g in design.groups
    )
    designs_service.save_design(
        session,  # type: ignore[arg-type]
        campaign,  # type: ignore[arg-type]
        dataclasses.replace(design, groups=groups),
        None,
    )

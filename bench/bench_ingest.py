"""Benchmark: importing a 100,000-row citizen list (read_table + validate_list).

Generates the list as .xlsx (openpyxl write_only) and as .csv, then times each import in
its own subprocess (so peak memory, ru_maxrss, is that import's alone) and compares with
the baseline ``pandas.read_excel(engine="openpyxl")`` on the same .xlsx file.
Budget: the .xlsx imported in under 10 s with under 1 GB peak memory (PASS/FAIL).

    .venv/bin/python bench/bench_ingest.py            # 100,000 rows
    .venv/bin/python bench/bench_ingest.py --quick    # 5,000 rows, a smoke run
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

BUDGET_SECONDS = 10.0
BUDGET_BYTES = 1024**3
HEADER = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Địa chỉ", "Số điện thoại",
          "Lĩnh vực TTHC", "Tên thủ tục hành chính", "Ngày nộp hồ sơ", "Ngày nhận kết quả",
          "Ghi chú"]
FIELDS = [("Hộ tịch", "Đăng ký khai sinh"), ("Chứng thực", "Chứng thực chữ ký"),
          ("Đất đai", "Xác nhận nguồn gốc đất"), ("Bảo trợ xã hội", "Hỗ trợ chi phí mai táng"),
          ("Người có công", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ")]
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
        phone_text = [f"0{phone}", f"0{phone // 1_000_000}.{phone // 1000 % 1000:03d}."
                      f"{phone % 1000:03d}", f"84-{phone}", str(phone)][i % 4]
        field, procedure = FIELDS[i % 5]
        address = f"Thôn {VILLAGES[i % 5]}, xã Phú Đa, huyện Vĩnh Tường"
        if i % 997 == 0:
            address = "Số 12 Lê Lợi, Phường Ngô Quyền, TP. Vĩnh Yên"
        result: object = received.strftime("%d/%m/%Y") if i % 3 else datetime(
            received.year, received.month, received.day)
        note = "Chưa nhận kết quả" if i % 1009 == 0 else None
        rows.append([i + 1, name, 1950 + i % 50, "Nam" if i % 2 else "Nữ", address, phone_text,
                     field, procedure, applied.strftime("%-d/%-m/%Y"),
                     None if note else result, note])
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
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, datetime) else v
                             for v in row])


def measure(kind: str, path: Path) -> dict[str, float]:
    """Run one import in this process; seconds and peak RSS bytes (Linux KiB * 1024)."""
    started = time.perf_counter()
    if kind == "pandas":
        import pandas as pd

        frame = pd.read_excel(path, engine="openpyxl", header=None)
        rows = float(len(frame))
    else:
        from domain.enums import RespondentGroup
        from survey_app.ingest import ListContext, read_table, validate_list

        table = read_table(path.name, path.read_bytes(), max_bytes=64 * 1024**2)
        context = ListContext(date(2021, 1, 1), date(2021, 10, 15), "Phú Đa",
                              ("An Bình", "Lũng Hòa"), tuple(f for f, _ in FIELDS))
        report = validate_list(table, RespondentGroup.CITIZEN, context)
        rows = float(report.data_rows)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "peak_bytes": float(peak), "rows": rows}


def run_child(kind: str, path: Path) -> dict[str, float]:
    """``measure`` in a fresh interpreter, so each peak memory figure stands alone."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
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
        print(f"rows: {count:,}; xlsx {xlsx.stat().st_size / 1e6:.1f} MB, "
              f"csv {csv_path.stat().st_size / 1e6:.1f} MB")
        results = {kind: run_child(kind, path) for kind, path in
                   (("xlsx", xlsx), ("csv", csv_path), ("pandas", xlsx))}
    for kind, label in (("xlsx", "ingest .xlsx (read_table + validate_list)"),
                        ("csv", "ingest .csv  (read_table + validate_list)"),
                        ("pandas", "baseline pandas.read_excel(engine='openpyxl')")):
        r = results[kind]
        print(f"{label:48s} {r['seconds']:6.2f} s  {count / r['seconds']:9,.0f} rows/s  "
              f"peak {r['peak_bytes'] / 2**20:6.0f} MiB")
    ratio = results["xlsx"]["seconds"] / results["pandas"]["seconds"]
    print(f"ratio ingest .xlsx / pandas.read_excel: {ratio:.2f}x")
    ok = (results["xlsx"]["seconds"] < BUDGET_SECONDS
          and results["xlsx"]["peak_bytes"] < BUDGET_BYTES)
    scale = "" if count == 100_000 else f" (budget is for 100,000 rows; this run has {count:,})"
    print(f"budget .xlsx < {BUDGET_SECONDS:.0f} s and < 1 GiB: {'PASS' if ok else 'FAIL'}{scale}")


if __name__ == "__main__":
    main()

"""Benchmark of the citizen draw against a plain pandas groupby-sample baseline.

Frame: 10,000,000 eligible transactions in 10,000 communes x 8 procedure fields with uneven
field sizes (Dirichlet shares), built with an explicit numpy Generator. Ours draws 30 per commune
stratified by field plus 10 reserves; the baseline is
``frame.groupby("unit_code").sample(n=30, random_state=...)`` (not stratified, no reserves).
The frame is stored once as Parquet; each measurement loads it in a fresh process, so peak RSS
belongs to the frame plus that step alone (a second run of ours measures tracemalloc's peak).

Usage: .venv/bin/python bench/bench_sampling.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np
import pandas as pd

from sampling import CitizenSettings, draw_citizens

BUDGET_SECONDS = 5.0
BUDGET_BYTES = 4 * 1024**3
FIELDS = 8


def build_frame(rows: int, communes: int, seed: int = 20240101) -> pd.DataFrame:
    """Eligible frame with ``rows`` rows spread evenly over ``communes``, uneven over fields."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(communes), rows // communes)
    shares = rng.dirichlet(np.full(FIELDS, 0.8), size=communes)
    cumulative = np.cumsum(shares, axis=1)
    field = (rng.random(len(unit))[:, None] > cumulative[unit]).sum(axis=1).clip(0, FIELDS - 1)
    order = rng.permutation(len(unit))
    unit, field = unit[order], field[order]
    codes = pd.Series([f"X{u + 10001}" for u in range(communes)], dtype="str")
    names = pd.Series([f"field_{i}" for i in range(FIELDS)], dtype="str")
    unit_code = codes.take(unit).reset_index(drop=True)
    person = unit_code + "-" + pd.Series(order, dtype="int64").astype("str")
    return pd.DataFrame(
        {
            "unit_code": unit_code,
            "person_id": person,
            "field": names.take(field).reset_index(drop=True),
        }
    )


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _measure(step: str, path: str) -> dict[str, float]:
    """Run one step on the stored frame in this (fresh) process: seconds and memory."""
    frame = pd.read_parquet(path)
    before = _rss()
    if step == "ours-memory":
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    if step.startswith("ours"):
        result = draw_citizens(frame, np.random.default_rng(7), CitizenSettings(30, 10))
        produced = len(result.rows)
    else:
        produced = len(frame.groupby("unit_code").sample(n=30, random_state=7))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    traced = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_rss": _rss(),
        "frame_rss": before,
        "traced_peak": traced,
        "rows_out": produced,
    }


def _fresh(step: str, path: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, path],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 rows in 1,000 communes")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return
    rows, communes = (100_000, 1_000) if args.quick else (10_000_000, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "frame.parquet")
        build_frame(rows, communes).to_parquet(path)
        ours, memory, base = (_fresh(s, path) for s in ("ours", "ours-memory", "baseline"))
    gib = 1024**3
    print(f"frame: {rows:,} rows, {communes:,} communes x {FIELDS} fields (str columns)")
    print(
        f"ours (30 + 10 reserves, stratified): {ours['seconds']:6.2f} s "
        f"(CPU {ours['cpu']:.2f} s), {int(ours['rows_out']):,} rows out"
    )
    print(
        f"baseline groupby().sample(n=30):     {base['seconds']:6.2f} s "
        f"(CPU {base['cpu']:.2f} s), {int(base['rows_out']):,} rows out"
    )
    print(f"ratio ours/baseline time: {ours['seconds'] / base['seconds']:.2f}")
    print(
        f"memory: peak RSS {ours['peak_rss'] / gib:.2f} GiB (frame loaded: "
        f"{ours['frame_rss'] / gib:.2f} GiB); numpy/python peak during draw "
        f"(tracemalloc) {memory['traced_peak'] / gib:.2f} GiB; baseline peak RSS "
        f"{base['peak_rss'] / gib:.2f} GiB"
    )
    time_ok = ours["seconds"] < BUDGET_SECONDS
    mem_ok = ours["peak_rss"] < BUDGET_BYTES
    print(f"budget time   < {BUDGET_SECONDS:.0f} s  : {'PASS' if time_ok else 'FAIL'}")
    print(f"budget memory < 4 GiB: {'PASS' if mem_ok else 'FAIL'} (peak RSS incl. the frame)")


if __name__ == "__main__":
    main()

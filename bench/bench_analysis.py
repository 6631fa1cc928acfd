"""Benchmark of analysis.estimation (run: .venv/bin/python bench/bench_analysis.py [--quick]).

(1) Budget: 1,000,000 responses x 40 questions in 10,000 communes (20 per district, 500
    districts). Design: strata = communes, each respondent its own PSU, weight = eligible /
    drawn of the commune; 5 % "don't know" (NaN). All per-commune, per-district and per-question
    weighted means with SE, CI, deff and n_eff. Budget: 5 s and 4 GB (peak RSS of the process,
    which includes the 320 MB input) on a 2-core machine.
(2) Baseline: one question, 200,000 responses in 2,000 communes, strata = districts (communes
    are domains crossing no stratum boundary but smaller than their stratum): ours vs svy's
    ``estimation.mean(by="commune")``. Prints both times, the ratio and the largest differences.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.design import DesignColumns, prepare_design  # noqa: E402
from analysis.estimation import weighted_estimates, weighted_estimates_by_level  # noqa: E402

BUDGET_SECONDS = 5.0
BUDGET_BYTES = 4 * 1024**3
SHARES = np.array([1.0, 0.6, 0.2, 0.0, np.nan])


def synthetic(
    rng: np.random.Generator, n: int, questions: int, communes: int
) -> tuple[pd.DataFrame, list[str]]:
    """Respondents with commune, district, weight and ``questions`` option-share columns."""
    commune = rng.integers(0, communes, n)
    eligible = rng.integers(200, 5000, communes)
    drawn = np.bincount(commune, minlength=communes).clip(min=1)
    names = [f"q{i:02d}" for i in range(questions)]
    values = rng.choice(SHARES, size=(n, questions), p=[0.3, 0.3, 0.2, 0.15, 0.05])
    frame = pd.DataFrame(values, columns=names)
    frame["commune"] = commune
    frame["district"] = commune // 20
    frame["weight"] = (eligible / drawn)[commune]
    return frame, names


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def budget_run(n: int, questions: int, communes: int) -> None:
    frame, names = synthetic(np.random.default_rng(2024), n, questions, communes)
    start = time.perf_counter()
    design = prepare_design(frame, DesignColumns("weight", "commune"))
    levels = {"commune": ["commune"], "district": ["district"], "question": []}
    tables = weighted_estimates_by_level(frame, names, levels, design)
    seconds = time.perf_counter() - start
    peak = peak_rss_bytes()
    rows = {name: len(table) for name, table in tables.items()}
    ok = seconds < BUDGET_SECONDS and peak < BUDGET_BYTES
    print(f"(1) {n:,} responses x {questions} questions, {communes:,} communes, strata=communes")
    print(f"    estimate rows: {rows}")
    print(
        f"    time {seconds:.2f} s (budget {BUDGET_SECONDS:.0f} s), "
        f"peak RSS {peak / 1024**3:.2f} GB (budget 4 GB): {'PASS' if ok else 'FAIL'}"
    )


def baseline_run(n: int, communes: int) -> None:
    import polars as pl
    import svy

    frame, _ = synthetic(np.random.default_rng(7), n, 1, communes)
    frame = frame.rename(columns={"q00": "y"})
    frame["y"] = frame["y"].fillna(0.5)
    start = time.perf_counter()
    ours = weighted_estimates(frame, ["y"], ["commune"], DesignColumns("weight", "district"))
    ours_seconds = time.perf_counter() - start
    sample = svy.Sample(pl.from_pandas(frame), svy.Design(stratum="district", wgt="weight"))
    start = time.perf_counter()
    theirs = sample.estimation.mean("y", by="commune").to_polars().to_pandas()
    svy_seconds = time.perf_counter() - start
    merged = ours.merge(theirs, on="commune")
    est_diff = float(np.max(np.abs(merged["estimate"] - merged["est"])))
    se_diff = float(np.max(np.abs(merged["se_x"] - merged["se_y"])))
    print(f"(2) one question, {n:,} responses, {communes:,} communes, strata=districts")
    print(
        f"    ours {ours_seconds:.3f} s, svy {svy_seconds:.2f} s, "
        f"ratio svy/ours {svy_seconds / ours_seconds:.0f}x"
    )
    print(f"    domains {len(merged)}; max |diff| estimate {est_diff:.2e}, SE {se_diff:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = parser.parse_args()
    if args.quick:
        budget_run(20_000, 5, 200)
        baseline_run(5_000, 100)
    else:
        budget_run(1_000_000, 40, 10_000)
        baseline_run(200_000, 2_000)


if __name__ == "__main__":
    main()

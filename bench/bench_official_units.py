"""Benchmark: the official registry: import the whole country with the 2025 mapping, and
resolve 100,000 addresses against it.

Each part runs in its own subprocess (peak memory, ru_maxrss, is that part's alone):

* import: ``official_units.import_official`` into a fresh SQLite database (and PostgreSQL
  with ``--pg URL``), twice (the second run finds everything unchanged). Baseline: the same
  rows written with the ORM, one ``session.add`` per unit and succession.
* resolve: 100,000 distinct addresses written the old way (old commune, district, province;
  with or without diacritics, type words abbreviated) and the new way, each placed by
  ``Gazetteer.locate`` as of 1 July 2025 and checked against the mapping. Baseline:
  ``vietnamadminunits.parse_address`` (legacy mode: it finds the old unit only, without
  the mapping) on a 5,000-address subset, per address.

Budget: import ≤ 10 s, 100,000 addresses ≤ 5 s, ≤ 1 GB (PASS/FAIL).

    .venv/bin/python bench/bench_official_units.py            # 100,000 addresses
    .venv/bin/python bench/bench_official_units.py --quick    # 10,000 addresses
    .venv/bin/python bench/bench_official_units.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

IMPORT_BUDGET = 10.0
RESOLVE_BUDGET = 5.0
MEMORY_BUDGET = 1024**3


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _import(url: str, naive: bool) -> dict[str, float]:
    """Import into ``url`` (migrated here); seconds of the first and second run."""
    from sqlalchemy.orm import Session

    from adminunits import read_registry
    from survey_app.persistence.db import make_engine, upgrade
    from survey_app.persistence.models import OfficialSuccession, OfficialUnit
    from survey_app.services import official_units

    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    if naive:
        registry = read_registry()
        with Session(engine) as session:
            for unit in sorted(registry.units.values(), key=lambda u: u.tier != "province"):
                session.add(OfficialUnit(**official_units._row(unit)))
                session.flush()
            for s in registry.successions:
                session.add(
                    OfficialSuccession(
                        old_key=s.old, new_key=s.new, took_effect=s.on, whole=s.whole, main=s.main
                    )
                )
            session.commit()
        return {"first": time.perf_counter() - started, "second": 0.0}
    with Session(engine) as session:
        summary = official_units.import_official(session)
        session.commit()
    first = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session:
        again = official_units.import_official(session)
        session.commit()
    second = time.perf_counter() - started
    assert (summary.provinces, summary.communes) == (34, 3321), summary
    assert again.created == 0 and again.updated == 0, again
    return {"first": first, "second": second, "mapped": summary.mapped_old_units}


def _addresses(count: int) -> list[tuple[str, frozenset[str]]]:
    """Distinct addresses and the communes in force they must land in."""
    from datetime import date

    from adminunits import Tier, read_registry

    registry = read_registry()
    old = registry.valid_on(date(2025, 6, 30), Tier.COMMUNE)
    new = registry.valid_on(date(2025, 7, 1), Tier.COMMUNE)
    successors: dict[str, set[str]] = {}
    for s in registry.successions:
        successors.setdefault(s.old, set()).add(s.new)
    out: list[tuple[str, frozenset[str]]] = []
    i = 0
    while len(out) < count:
        if i % 4 == 3:
            unit = new[i % len(new)]
            province = registry.units[unit.parent or ""]
            text = f"Thôn {i}, {unit.name}, {province.name}"
            out.append((text, frozenset({unit.key})))
        else:
            unit = old[i % len(old)]
            district = registry.units[unit.parent or ""]
            province = registry.units[district.parent or ""]
            text = f"Xóm {i}, {unit.name}, {district.name}, {province.name}"
            if i % 4 == 1:
                text = _bare(text)
            elif i % 4 == 2:
                text = text.replace("Xã ", "X. ").replace("Huyện ", "H. ").replace("Phường ", "P.")
            out.append((text, frozenset(successors.get(unit.key, ()))))
        i += 1
    return out


def _bare(text: str) -> str:
    """``text`` without diacritics, as typed on a phone without a Vietnamese keyboard."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _resolve(count: int) -> dict[str, float]:
    """Seconds to build the gazetteer and to place ``count`` addresses; the share right."""
    from adminunits import REFORM_2025, read_registry
    from adminunits.gazetteer import Gazetteer

    addresses = _addresses(count)
    started = time.perf_counter()
    gazetteer = Gazetteer(read_registry(), REFORM_2025)
    built = time.perf_counter() - started
    started = time.perf_counter()
    right = 0
    for text, expected in addresses:
        found = frozenset().union(*(p.targets for p in gazetteer.locate(text)))
        right += found == expected
    placed = time.perf_counter() - started
    return {"build": built, "resolve": placed, "right": right / len(addresses)}


def _baseline_parse(count: int) -> dict[str, float]:
    """The package's own parser (legacy mode, no mapping) on ``count`` addresses."""
    from vietnamadminunits import ParseMode, parse_address

    addresses = _addresses(count)
    started = time.perf_counter()
    for text, _ in addresses:
        parse_address(text, mode=ParseMode.LEGACY, level=3)
    return {"per_address": (time.perf_counter() - started) / count}


def _child(args: list[str]) -> dict[str, float]:
    """Run one part in a subprocess; its figures and peak memory."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL to import into as well")
    parser.add_argument("--child", nargs="+", default=None)
    args = parser.parse_args()
    if args.child:
        part, *rest = args.child
        if part == "import":
            figures = _import(rest[0], naive=rest[1] == "naive")
        elif part == "resolve":
            figures = _resolve(int(rest[0]))
        else:
            figures = _baseline_parse(int(rest[0]))
        print(json.dumps({**figures, "peak": _peak()}))
        return 0
    count = 10_000 if args.quick else 100_000
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", f"sqlite:///{Path(folder) / 'ou.db'}")]
        if args.pg:
            targets.append(("PostgreSQL", args.pg))
        naive = _child(["import", f"sqlite:///{Path(folder) / 'naive.db'}", "naive"])
        for name, url in targets:
            if name == "PostgreSQL":
                _reset(url)
            got = _child(["import", url, "service"])
            passed = got["first"] <= IMPORT_BUDGET and got["peak"] <= MEMORY_BUDGET
            ok &= passed
            print(
                f"import, {name}: {got['first']:.2f} s"
                f" (again, all unchanged: {got['second']:.2f} s),"
                f" {got['mapped']:,.0f} old communes mapped, peak {got['peak'] / 2**20:,.0f} MB;"
                f" baseline ORM add per row (SQLite) {naive['first']:.2f} s"
                f" = {naive['first'] / got['first']:.1f}x; budget {IMPORT_BUDGET:.0f} s:"
                f" {'PASS' if passed else 'FAIL'}"
            )
    resolved = _child(["resolve", str(count)])
    baseline = _child(["baseline", "5000"])
    scaled = resolved["resolve"] * 100_000 / count
    passed = scaled <= RESOLVE_BUDGET and resolved["peak"] <= MEMORY_BUDGET
    ok &= passed
    per = resolved["resolve"] / count
    print(
        f"resolve {count:,} addresses: {resolved['resolve']:.2f} s ({per * 1e6:.1f} µs each,"
        f" gazetteer built in {resolved['build']:.2f} s), {resolved['right']:.2%} placed in the"
        f" communes the mapping gives, peak {resolved['peak'] / 2**20:,.0f} MB; baseline"
        f" vietnamadminunits.parse_address (old unit only) {baseline['per_address'] * 1e6:.0f}"
        f" µs each = {baseline['per_address'] / per:.1f}x; budget {RESOLVE_BUDGET:.0f} s per"
        f" 100,000: {'PASS' if passed else 'FAIL'}"
    )
    return 0 if ok else 1


def _reset(url: str) -> None:
    """Empty the PostgreSQL database of the bench."""
    from sqlalchemy import text

    from survey_app.persistence.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())

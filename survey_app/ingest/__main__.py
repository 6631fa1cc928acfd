"""Command line: ``python -m survey_app.ingest FILE [--kind transactions] [--require position]
[--unit NAME | --unit-code CODE] [--from DATE --to DATE] [--json]``.

Reads and validates one list and prints the summary (JSON with ``--json``); exits 2 with
the error code when the file cannot be read or the unit code is not in the registry.
``--unit-code`` takes the uploading commune by its official code (09154): its name, old
communes and neighbours come from the official registry (``adminunits``) as of ``--as-of``
(default: the end of the window, else today).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from adminunits import OfficialUnit, SourceMissing, read_registry
from adminunits.gazetteer import Gazetteer, Locality
from designs import ListField, ListKind
from survey_app.ingest.catalogue import IngestError
from survey_app.ingest.read import detect_unit_name, read_table
from survey_app.ingest.validate import ListContext, ListRules, validate_list


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m survey_app.ingest")
    parser.add_argument("file", type=Path)
    parser.add_argument("--group", default="citizen", help="the group's code (for the report)")
    parser.add_argument("--kind", default="transactions", choices=[k.value for k in ListKind])
    parser.add_argument(
        "--require", action="append", default=[], choices=[f.value for f in ListField]
    )
    parser.add_argument("--expected", type=int, default=None, help="people each unit lists")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
    parser.add_argument("--unit", help="unit name; default: read from the title rows")
    parser.add_argument("--unit-code", help="the commune's official code (e.g. 09154)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="registry date")
    parser.add_argument("--other", action="append", default=[], help="another commune's name")
    parser.add_argument("--field", action="append", default=[], help="a procedure field")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        table = read_table(args.file.name, args.file.read_bytes())
    except IngestError as error:
        return _fail(str(error.code), error.message_vi, error.message_en)
    locality, unit_summary = None, None
    unit_name = args.unit
    if args.unit_code:
        day = args.as_of or args.date_to or args.date_from or date.today()
        try:
            gazetteer = Gazetteer(read_registry(), day)
        except SourceMissing as missing:
            return _fail("registry_missing", str(missing), str(missing))
        code = args.unit_code.strip()
        code = code.zfill(5) if code.isdigit() else code  # Excel drops the leading zero
        unit = gazetteer.registry.find(code, day)
        if unit is None:
            shown = f"{args.unit_code} ({day:%d/%m/%Y})"
            return _fail(
                "unknown_unit_code",
                f"Không có xã, phường mã {shown} trong danh mục đơn vị hành chính.",
                f"No commune with code {shown} in the register of administrative units.",
            )
        locality = Locality(gazetteer, unit.key)
        unit_name = unit_name or unit.name
        unit_summary = _unit_summary(gazetteer, unit)
    context = ListContext(
        args.date_from,
        args.date_to,
        unit_name or detect_unit_name(table),
        tuple(args.other),
        tuple(args.field),
        locality=locality,
    )
    rules = ListRules(
        args.group, ListKind(args.kind), tuple(ListField(f) for f in args.require), args.expected
    )
    summary = validate_list(table, rules, context).to_summary_dict()
    if unit_summary is not None:
        summary["unit"] = unit_summary
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        for key, value in summary.items():
            if key != "excluded_rows":
                print(f"{key}: {value}")
    return 0


def _fail(code: str, message_vi: str, message_en: str) -> int:
    """Prints an error as JSON; the exit code of an unreadable input."""
    print(
        json.dumps(
            {"error": code, "message_vi": message_vi, "message_en": message_en},
            ensure_ascii=False,
        )
    )
    return 2


def _unit_summary(gazetteer: Gazetteer, unit: OfficialUnit) -> dict[str, Any]:
    """The uploading unit as the registry knows it: name, province, old units, neighbours."""
    registry = gazetteer.registry
    province = registry.province_of(unit)
    old = [registry.units[s.old] for s in registry.predecessors_of(unit.key)]
    neighbours = [
        other
        for other in registry.valid_on(gazetteer.as_of)
        if other.parent == unit.parent and other.key != unit.key
    ]
    return {
        "code": unit.code,
        "name": unit.name,
        "province": province.name if province else None,
        "predecessors": sorted(
            f"{u.name}, {registry.units[u.parent].name}" if u.parent else u.name for u in old
        ),
        "neighbours": len(neighbours),
    }


if __name__ == "__main__":
    sys.exit(main())

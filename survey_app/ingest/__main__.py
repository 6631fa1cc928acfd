"""Command line: ``python -m survey_app.ingest FILE [--kind transactions] [--require position]
[--json]``.

Reads and validates one list and prints the summary (JSON with ``--json``); exits 2 with
the error code when the file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

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
    parser.add_argument("--other", action="append", default=[], help="another commune's name")
    parser.add_argument("--field", action="append", default=[], help="a procedure field")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        table = read_table(args.file.name, args.file.read_bytes())
    except IngestError as error:
        print(
            json.dumps(
                {
                    "error": str(error.code),
                    "message_vi": error.message_vi,
                    "message_en": error.message_en,
                },
                ensure_ascii=False,
            )
        )
        return 2
    context = ListContext(
        args.date_from,
        args.date_to,
        args.unit or detect_unit_name(table),
        tuple(args.other),
        tuple(args.field),
    )
    rules = ListRules(
        args.group, ListKind(args.kind), tuple(ListField(f) for f in args.require), args.expected
    )
    summary = validate_list(table, rules, context).to_summary_dict()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        for key, value in summary.items():
            if key != "excluded_rows":
                print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A validated row in the form it is stored, and back: cells as sent, issues with parameters.

The upload page and the annotated file are built from what was stored at upload time, never
by reading the file again (a 100,000-row list took seconds per view, and today's campaign
settings could give other reasons than the statuses sampling used). So each row keeps its
cells as the officer sent them and each issue keeps its column and message parameters, and
the summary keeps the layout of the table (header, column mapping, skipped rows).
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from survey_app.ingest.catalogue import ReasonCode, WarningCode, render
from survey_app.ingest.headers import Column, SkipKind
from survey_app.ingest.report import Issue, RowResult
from survey_app.ingest.table import RawTable, SkippedRow

LAYOUT_KEY = "layout"
"""Key in a stored list's summary: the table's header, column mapping and skipped rows."""
SKIPPED_KEPT = 1000
"""At most this many skipped rows (blank, totals, signatures) are kept in the layout."""
UNKNOWN = "…"
"""Shown for a message parameter that a row stored before 0005 did not keep."""


def _tagged(value: object) -> object:
    """json.dumps ``default``: dates and date-times as tagged ISO strings."""
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return str(value)


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=_tagged).encode
"""One encoder for every row (``json.dumps`` with options builds a new one per call: a third
of the time on a 100,000-row upload)."""


def cells_json(cells: Sequence[object]) -> str:
    """The row's cells as JSON text (what the driver stores)."""
    return _ENCODE(cells)


def cells_from(stored: Sequence[Any]) -> tuple[object, ...]:
    """The cells back from their stored JSON value."""
    return tuple(_untagged(value) for value in stored)


def _untagged(value: Any) -> object:
    if isinstance(value, dict):
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        if "d" in value:
            return date.fromisoformat(value["d"])
    return value


def issues_json(row: RowResult) -> str | None:
    """Reasons and warnings with column and parameters as JSON text; None for a clean row."""
    if not row.reasons and not row.warnings:
        return None
    return _ENCODE(
        {"reasons": [_issue(i) for i in row.reasons], "warnings": [_issue(i) for i in row.warnings]}
    )


def _issue(issue: Issue) -> list[object]:
    return [str(issue.code), str(issue.column) if issue.column else None, dict(issue.params)]


def issues_from(
    stored: dict[str, Any] | None, reasons: Sequence[str], warnings: Sequence[str]
) -> tuple[tuple[Issue, ...], tuple[Issue, ...]]:
    """(reasons, warnings) of a stored row. Rows stored before 0005 have only their codes:
    their issues point to no column and show ``UNKNOWN`` for each parameter."""
    if stored is None:
        return (
            tuple(_bare(ReasonCode(c)) for c in reasons),
            tuple(_bare(WarningCode(c)) for c in warnings),
        )
    return (
        tuple(_stored_issue(ReasonCode(e[0]), e) for e in stored.get("reasons", ())),
        tuple(_stored_issue(WarningCode(e[0]), e) for e in stored.get("warnings", ())),
    )


def _stored_issue(code: ReasonCode | WarningCode, entry: Sequence[Any]) -> Issue:
    column = Column(entry[1]) if entry[1] else None
    return Issue(code, column, tuple(sorted((str(k), str(v)) for k, v in entry[2].items())))


def _bare(code: ReasonCode | WarningCode) -> Issue:
    template = render(code).vi  # unfilled: its placeholders stay as they are
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return Issue(code, None, tuple((name, UNKNOWN) for name in sorted(names)))


def layout_of(table: RawTable) -> dict[str, object]:
    """The table's layout for the summary: header, column mapping, width, skipped rows."""
    width = max([len(table.header), *(len(r.cells) for r in table.rows)])
    return {
        "header": list(table.header),
        "width": width,
        "columns": {str(column): index for column, index in table.columns.items()},
        "skipped": [[r.source_row, str(r.kind), r.text] for r in table.skipped[:SKIPPED_KEPT]],
        "skipped_total": len(table.skipped),
    }


def skipped_from(layout: dict[str, Any]) -> tuple[SkippedRow, ...]:
    """The skipped rows kept in a layout."""
    return tuple(
        SkippedRow(int(row), SkipKind(kind), str(text))
        for row, kind, text in layout.get("skipped", ())
    )


def columns_from(layout: dict[str, Any]) -> dict[Column, int]:
    """The column mapping kept in a layout."""
    return {Column(name): int(index) for name, index in layout.get("columns", {}).items()}

"""The report of a stored list version and its annotated file, from what the upload stored.

Neither reads the file again: the counts and list warnings come from ``UnitList.summary``,
the rows from ``list_rows`` (status, codes, issues with their parameters, cells as sent), the
layout of the officer's table from the summary (``ingest.stored.LAYOUT_KEY``). So a view
shows exactly the statuses sampling uses, whatever the campaign's settings are today, and
costs a few statements instead of a parse. Checking a stored list against today's rules is
the explicit ``recheck``, which goes through the normal upload path. What a list must hold is
told before upload by ``expectation``: the columns of the group's blank template, which of them
the group's rules require, the transaction window and the expected count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from designs import ListKind, Window
from survey_app.ingest import (
    AnnotatedRow,
    Column,
    Issue,
    Message,
    ParseLimits,
    RowStatus,
    SkipKind,
    annotated_rows_xlsx,
)
from survey_app.ingest.export import _TEMPLATES as TEMPLATE_COLUMNS
from survey_app.ingest.stored import (
    LAYOUT_KEY,
    cells_from,
    columns_from,
    issues_from,
    skipped_from,
)
from survey_app.ingest.table import SkippedRow
from survey_app.persistence.models import Campaign, UnitList, User
from survey_app.persistence.queries import list_rows as list_rows_sql
from survey_app.services import lists
from survey_app.services.designs import design_of

LEGACY_HEADER: tuple[tuple[str, Column | None], ...] = (
    ("Họ và tên", Column.FULL_NAME),
    ("Số điện thoại", Column.PHONE),
    ("Email", Column.EMAIL),
    ("Chức vụ", Column.POSITION),
    ("Đơn vị", Column.UNIT),
    ("Địa chỉ", Column.ADDRESS),
    ("Lĩnh vực TTHC", Column.FIELD),
    ("Tên thủ tục hành chính", Column.PROCEDURE),
    ("Ngày nộp hồ sơ", Column.APPLICATION_DATE),
    ("Ngày nhận kết quả", Column.RESULT_DATE),
)
"""Columns of the annotated file of a version stored before its layout was (migration 0005):
the stored values, in ``list_rows_sql.STORED_VALUE_COLUMNS`` order."""


@dataclass(frozen=True, slots=True)
class ListWarning:
    """A warning about the whole list, with the message stored at upload."""

    code: str
    message: Message


@dataclass(frozen=True, slots=True)
class ShownRow:
    """A row of the report page."""

    source_row: int
    full_name: str | None
    status: RowStatus
    reasons: tuple[Issue, ...]
    warnings: tuple[Issue, ...]


@dataclass(frozen=True)
class StoredReport:
    """What the report page shows of a stored version. The counts are the whole list's
    (from the summary and the database, never from the page); ``rows`` are one page of
    ``size`` rows: the problem rows (excluded first, then those with warnings), or with
    ``everything`` every row in file order. ``total`` is the number of rows paged through,
    ``problem_rows`` the rows excluded or with a warning; ``number`` of ``pages`` is the page
    shown, after ``offset`` rows."""

    data_rows: int
    eligible: int
    excluded: int
    excluded_by_reason: dict[str, int]
    warnings_by_code: dict[str, int]
    fields_represented: tuple[str, ...]
    list_warnings: tuple[ListWarning, ...]
    rows: tuple[ShownRow, ...]
    total: int = 0
    problem_rows: int = 0
    everything: bool = False
    number: int = 1
    pages: int = 1
    offset: int = 0
    skipped: tuple[SkippedRow, ...] = ()
    skipped_total: int = 0
    skipped_by_kind: dict[SkipKind, int] = field(default_factory=dict)


MAX_PAGE = 1_000_000
"""No list has more pages (a list holds at most a few hundred thousand rows): a larger page
number asked for is the last page, never an offset the database cannot hold."""


def stored_report(
    session: Session, unit_list: UnitList, size: int, *, page: int = 1, everything: bool = False
) -> StoredReport:
    """The report of a stored version: its summary and page ``page`` of ``size`` rows (the
    last page past the end), problem rows only unless ``everything``. One SELECT of at most
    ``size`` rows, paged in SQL, its counts exact (``queries.list_rows.problem_rows``)."""
    summary = unit_list.summary or {}
    number = min(max(page, 1), MAX_PAGE)  # a page past the end shows the last one
    found = list_rows_sql.problem_rows(
        session, unit_list.id, size, (number - 1) * size, everything=everything
    )
    pages = max((found.total + size - 1) // size, 1)
    if not found.rows and number > pages:
        number = pages
        found = list_rows_sql.problem_rows(
            session, unit_list.id, size, (number - 1) * size, everything=everything
        )
    rows = tuple(
        ShownRow(
            row.source_row,
            row.full_name,
            RowStatus(row.status.value),
            *issues_from(row.issues, row.reasons, row.warnings),
        )
        for row in found.rows
    )
    layout: dict[str, Any] = summary.get(LAYOUT_KEY) or {}
    skipped = skipped_from(layout)
    return StoredReport(
        data_rows=int(summary.get("rows_read", 0)),
        eligible=int(summary.get("eligible", 0)),
        excluded=int(summary.get("excluded", 0)),
        excluded_by_reason=dict(summary.get("excluded_by_reason", {})),
        warnings_by_code=dict(summary.get("warnings", {})),
        fields_represented=tuple(summary.get("fields_represented", ())),
        list_warnings=tuple(
            ListWarning(w["code"], Message(w["message_vi"], w["message_en"]))
            for w in summary.get("list_warnings", ())
        ),
        rows=rows,
        total=found.total,
        problem_rows=found.problems,
        everything=everything,
        number=number,
        pages=pages,
        offset=(number - 1) * size,
        skipped=skipped,
        skipped_total=int(layout.get("skipped_total", len(skipped))),
        skipped_by_kind={
            SkipKind(kind): int(n)
            for kind, n in summary.get("skipped_rows", {}).items()
            if kind in set(SkipKind)
        },
    )


class Need(StrEnum):
    """Whether a list's column must be filled for a row to be eligible."""

    REQUIRED = "required"
    EITHER = "either"  # this column or its partner
    OPTIONAL = "optional"


@dataclass(frozen=True, slots=True)
class ExpectedColumn:
    """A column of the group's blank template, with an example value and its need."""

    heading: str
    example: str
    need: Need
    partner: str | None = None


@dataclass(frozen=True)
class ListExpectation:
    """What a group's list must hold, told before upload: the template's columns (their
    headings as the blank template has them), the transaction window and the number of
    eligible people expected of each unit (None: no expectation)."""

    columns: tuple[ExpectedColumn, ...]
    transactions: bool
    window: Window | None
    expected: int | None


_EITHER = {
    Column.FIELD: Column.PROCEDURE,
    Column.PROCEDURE: Column.FIELD,
    Column.RESULT_DATE: Column.RESULT_RECEIVED,
    Column.RESULT_RECEIVED: Column.RESULT_DATE,
}
"""A transactions list's pairs, one of each needed (``ingest.validate._citizen_rule``: a field
or a procedure; the result received, by the flag or a result date)."""


def expectation(campaign: Campaign, group: str) -> ListExpectation:
    """The columns of ``group``'s blank template (``lists.blank_list``, without STT), marked
    by the group's list rules in the campaign's design: a name always; for a transactions
    list an address, one of field and procedure, one of result date and received; for
    other lists the design's required fields. A required field the template lacks is added
    with the heading the other template gives it."""
    spec = design_of(campaign).group(group)
    transactions = spec.list.kind is ListKind.TRANSACTIONS
    template = TEMPLATE_COLUMNS["citizen" if transactions else "leader"]
    required = {Column.FULL_NAME, *(Column(f.value) for f in spec.list.required)}
    if transactions:
        required.add(Column.ADDRESS)
    columns: list[tuple[str, Column, str]] = [
        (h, c, e) for h, c, e in template if c is not None and c is not Column.STT
    ]
    present: set[Column] = {c for _, c, _ in columns}
    for heading, column, example in (row for rows in TEMPLATE_COLUMNS.values() for row in rows):
        if column is not None and column in required and column not in present:
            columns.append((heading, column, example))
            present.add(column)
    heading_of = {c: h for h, c, _ in columns}
    shown = []
    for heading, column, example in columns:
        partner = _EITHER.get(column) if transactions else None
        if partner is not None and partner in heading_of:
            shown.append(ExpectedColumn(heading, example, Need.EITHER, heading_of[partner]))
        else:
            need = Need.REQUIRED if column in required else Need.OPTIONAL
            shown.append(ExpectedColumn(heading, example, need))
    return ListExpectation(tuple(shown), transactions, spec.window, spec.list.expected)


def annotated(session: Session, unit_list: UnitList) -> bytes:
    """The officer's rows as XLSX with status and reason columns, problem cells marked, in
    the columns of the file as sent. A version stored before its layout was gets its stored
    values in ``LEGACY_HEADER`` columns instead."""
    layout: dict[str, Any] | None = (unit_list.summary or {}).get(LAYOUT_KEY)
    if layout is None:
        header = [name for name, _ in LEGACY_HEADER]
        columns = {column: i for i, (_, column) in enumerate(LEGACY_HEADER) if column}
        return annotated_rows_xlsx(
            header, columns, len(header), _legacy_rows(session, unit_list.id), ()
        )
    return annotated_rows_xlsx(
        layout["header"],
        columns_from(layout),
        int(layout["width"]),
        _rows(session, unit_list.id),
        skipped_from(layout),
    )


def _rows(session: Session, list_id: int) -> Iterator[AnnotatedRow]:
    for row in list_rows_sql.annotated_rows(session, list_id):
        yield AnnotatedRow(
            row.source_row,
            cells_from(row.cells or ()),
            RowStatus(row.status.value),
            *issues_from(row.issues, row.reasons, row.warnings),
        )


def _legacy_rows(session: Session, list_id: int) -> Iterator[AnnotatedRow]:
    for row in list_rows_sql.annotated_rows(session, list_id, stored_values=True):
        values = tuple(getattr(row, name) for name in list_rows_sql.STORED_VALUE_COLUMNS)
        yield AnnotatedRow(
            row.source_row,
            values,
            RowStatus(row.status.value),
            *issues_from(row.issues, row.reasons, row.warnings),
        )


def recheck(
    session: Session,
    unit_list: UnitList,
    actor: User | None,
    *,
    today: dt.date | None = None,
    max_rows: int = 100_000,
    limits: ParseLimits | None = None,
) -> lists.UploadResult:
    """Check a stored version's bytes again against today's campaign settings, through the
    normal upload path (deadline, sampling, locks, audit). A new version is stored only if the
    outcome differs (``UploadResult.new_version``); otherwise nothing changes."""
    unit = unit_list.unit
    return lists.upload(
        session,
        unit.campaign,
        unit,
        unit_list.group,
        unit_list.filename,
        unit_list.content,
        actor,
        today=today,
        max_rows=max_rows,
        limits=limits,
        recheck=True,
    )

"""The report of a stored list version and its annotated file, from what the upload stored.

Neither reads the file again: the counts and list warnings come from ``UnitList.summary``,
the rows from ``list_rows`` (status, codes, issues with their parameters, cells as sent), the
layout of the officer's table from the summary (``ingest.stored.LAYOUT_KEY``). So a view
shows exactly the statuses sampling uses, whatever the campaign's settings are today, and
costs a few statements instead of a parse. Checking a stored list against today's rules is
the explicit ``recheck``, which goes through the normal upload path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from survey_app.ingest import (
    AnnotatedRow,
    Column,
    Issue,
    Message,
    ParseLimits,
    RowStatus,
    annotated_rows_xlsx,
)
from survey_app.ingest.stored import (
    LAYOUT_KEY,
    cells_from,
    columns_from,
    issues_from,
    skipped_from,
)
from survey_app.persistence.models import UnitList, User
from survey_app.persistence.queries import list_rows as list_rows_sql
from survey_app.services import lists

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
    """What the report page shows of a stored version; ``rows`` are the first ``limit``
    rows, problem rows first."""

    data_rows: int
    eligible: int
    excluded: int
    excluded_by_reason: dict[str, int]
    warnings_by_code: dict[str, int]
    fields_represented: tuple[str, ...]
    list_warnings: tuple[ListWarning, ...]
    rows: tuple[ShownRow, ...]


def stored_report(session: Session, unit_list: UnitList, limit: int) -> StoredReport:
    """The report of a stored version: its summary and its first ``limit`` rows, excluded
    first, then those with warnings (one SELECT of at most ``limit`` rows)."""
    summary = unit_list.summary or {}
    rows = tuple(
        ShownRow(
            row.source_row,
            row.full_name,
            RowStatus(row.status.value),
            *issues_from(row.issues, row.reasons, row.warnings),
        )
        for row in list_rows_sql.problem_rows(session, unit_list.id, limit)
    )
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
    )


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

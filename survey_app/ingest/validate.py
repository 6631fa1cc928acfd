"""``validate_list``: the rules a respondent list must follow, row by row (DOMAIN.md §5–6).

Citizens (seed 004): name, address, procedure field or procedure, and a received result
are required; both dates must lie in the campaign window, the result may not be dated
before the application, the address must be in the commune, and a person is listed once.
Leaders need a name, a position and a unit; council delegates a name. Missing or invalid
phone numbers and emails are warnings: the row stays eligible.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from domain.enums import RespondentGroup
from survey_app.ingest.catalogue import ListWarningCode, ReasonCode, WarningCode
from survey_app.ingest.fields import FieldMatcher
from survey_app.ingest.headers import Column
from survey_app.ingest.locality import LocalityChecker
from survey_app.ingest.report import Issue, ListIssue, ListReport, RowResult, RowStatus
from survey_app.ingest.table import RawRow, RawTable
from survey_app.ingest.text import (
    clean_text,
    fold,
    fold_words,
    normalise_email,
    normalise_phone,
    parse_date,
)

DEFAULT_CITIZEN_COUNT = 30
_NAME_ONLY_GROUPS = frozenset({RespondentGroup.COUNCIL_DELEGATE})
_NOT_RECEIVED = re.compile(r"\b(chua|khong|dang giai quyet|dang xu ly|no|false)\b|^0$")
_RECEIVED = re.compile(r"^(co|x|v|roi|da nhan|da nhan ket qua|da tra|yes|true|1|ok)\b")
_NOTE_NOT_RECEIVED = re.compile(r"\b(chua (nhan|tra|co) (ket qua|kq)|dang giai quyet)\b")


@dataclass(frozen=True)
class ListContext:
    """What validation needs to know about the campaign and the submitting unit.

    ``date_from``/``date_to``: the campaign window (inclusive). ``unit_name``: the unit
    (the commune for citizen lists, e.g. "Phú Đa"). ``other_localities``: the other
    communes and wards of the district or province. ``procedure_fields``: the commune's
    canonical procedure fields. ``required_count``: eligible people needed (default 30
    for citizens, none for other groups).
    """

    date_from: date | None = None
    date_to: date | None = None
    unit_name: str | None = None
    other_localities: tuple[str, ...] = ()
    procedure_fields: tuple[str, ...] = ()
    required_count: int | None = None


@dataclass(frozen=True, slots=True)
class _Values:
    """Normalised values of one row and the problems found while normalising."""

    full_name: str | None
    phone_e164: str | None
    email: str | None
    position: str | None
    unit_name: str | None
    address: str | None
    field: str | None
    procedure: str | None
    application_date: date | None
    result_date: date | None
    result_received: bool | None
    warnings: tuple[Issue, ...]
    invalid_result_date: str | None


def validate_list(table: RawTable, group: RespondentGroup, context: ListContext) -> ListReport:
    """Check every data row of ``table`` for ``group``; nothing is dropped, excluded rows
    keep their reasons. Returns a ``ListReport`` with list-level warnings (procedure
    fields not covered, fewer eligible people than required)."""
    citizen = group is RespondentGroup.CITIZEN
    matcher = FieldMatcher(context.procedure_fields) if citizen else None
    locality = (
        LocalityChecker(context.unit_name, context.other_localities)
        if citizen and context.unit_name else None
    )
    rule: Callable[[_Values], list[Issue]]
    if citizen:
        rule = _citizen_rule(context, locality)
    elif group in _NAME_ONLY_GROUPS:
        rule = _name_rule
    else:
        rule = _leader_rule
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    pick = _picker(table)
    for row in table.rows:
        values = _normalise(pick(row), table, context, matcher, group)
        reasons = rule(values)
        duplicate_of = None if reasons else _first_seen(seen, values, row.source_row)
        if duplicate_of is not None:
            reasons.append(Issue(ReasonCode.DUPLICATE, Column.FULL_NAME,
                                 (("row", str(duplicate_of)),)))
        results.append(_result(row.source_row, values, reasons, duplicate_of))
    return _report(group, context, tuple(results), table)


_PICKED = (
    Column.FULL_NAME, Column.PHONE, Column.EMAIL, Column.FIELD, Column.PROCEDURE,
    Column.APPLICATION_DATE, Column.RESULT_DATE, Column.UNIT, Column.POSITION, Column.ADDRESS,
    Column.RESULT_RECEIVED, Column.NOTE,
)


def _picker(table: RawTable) -> Callable[[RawRow], dict[Column, object]]:
    """A function giving a row's values of the columns validation reads (None if absent)."""
    indices = [table.columns.get(column, -1) for column in _PICKED]
    need = max(indices) + 1
    getter = itemgetter(*indices)

    def pick(row: RawRow) -> dict[Column, object]:
        cells = row.cells
        if len(cells) < need:
            cells = cells + (None,) * (need - len(cells))
        return dict(zip(_PICKED, getter(cells + (None,)), strict=True))  # -1: the None

    return pick


def _normalise(
    get: dict[Column, object],
    table: RawTable,
    context: ListContext,
    matcher: FieldMatcher | None,
    group: RespondentGroup,
) -> _Values:
    """Clean every column of a row and collect the warnings of the contact columns."""
    warnings: list[Issue] = []
    phone, phone_given = normalise_phone(get[Column.PHONE])
    if not phone_given:
        warnings.append(Issue(WarningCode.MISSING_PHONE, Column.PHONE))
    elif phone is None:
        raw = clean_text(get[Column.PHONE])
        warnings.append(Issue(WarningCode.INVALID_PHONE, Column.PHONE, (("value", raw),)))
    email, email_given = normalise_email(get[Column.EMAIL])
    if email_given and email is None:
        raw = clean_text(get[Column.EMAIL])
        warnings.append(Issue(WarningCode.INVALID_EMAIL, Column.EMAIL, (("value", raw),)))
    field_text = clean_text(get[Column.FIELD])
    procedure = clean_text(get[Column.PROCEDURE]) or None
    field = None
    if matcher is not None and (field_text or procedure):
        field = matcher.match(field_text, procedure or "")
        if field is None and field_text:
            warnings.append(Issue(WarningCode.FIELD_NOT_RECOGNISED, Column.FIELD,
                                  (("value", field_text),)))
    application, application_raw = _date(get[Column.APPLICATION_DATE])
    if application is None and application_raw and group is RespondentGroup.CITIZEN:
        warnings.append(Issue(WarningCode.INVALID_APPLICATION_DATE, Column.APPLICATION_DATE,
                              (("value", application_raw),)))
    result, result_raw = _date(get[Column.RESULT_DATE])
    unit = clean_text(get[Column.UNIT]) or None
    if unit is None and Column.UNIT not in table.columns:
        unit = context.unit_name
    return _Values(
        full_name=clean_text(get[Column.FULL_NAME]) or None,
        phone_e164=phone,
        email=email,
        position=clean_text(get[Column.POSITION]) or None,
        unit_name=unit,
        address=clean_text(get[Column.ADDRESS]) or None,
        field=field or field_text or None,
        procedure=procedure,
        application_date=application,
        result_date=result,
        result_received=_received(get[Column.RESULT_RECEIVED], get[Column.NOTE], result),
        warnings=tuple(warnings),
        invalid_result_date=result_raw if result is None and result_raw else None,
    )


def _date(value: object) -> tuple[date | None, str]:
    """Parsed date and, when it could not be read, the raw text (for messages)."""
    parsed = parse_date(value)
    return parsed, "" if parsed is not None else clean_text(value)


def _received(flag: object, note: object, result_date: date | None) -> bool | None:
    """Whether the result was received: an explicit flag, a note, or a result date."""
    flag_text = fold_words(clean_text(flag))
    if flag_text:
        if _NOT_RECEIVED.search(flag_text):
            return False
        if _RECEIVED.match(flag_text):
            return True
    if _NOTE_NOT_RECEIVED.search(fold_words(clean_text(note))):
        return False
    if result_date is not None:
        return True
    return None


def _citizen_rule(
    context: ListContext, locality: LocalityChecker | None
) -> Callable[[_Values], list[Issue]]:
    """The exclusion rules for a commune's citizen list."""
    window = (context.date_from, context.date_to)
    bounds = (("date_from", _show(context.date_from)), ("date_to", _show(context.date_to)))

    def rule(values: _Values) -> list[Issue]:
        reasons = _name_rule(values)
        if values.address is None:
            reasons.append(Issue(ReasonCode.MISSING_ADDRESS, Column.ADDRESS))
        if values.field is None and values.procedure is None:
            reasons.append(Issue(ReasonCode.MISSING_PROCEDURE, Column.FIELD))
        if values.invalid_result_date is not None and values.result_received is not True:
            reasons.append(Issue(ReasonCode.INVALID_RESULT_DATE, Column.RESULT_DATE,
                                 (("value", values.invalid_result_date),)))
        elif not values.result_received:
            reasons.append(Issue(ReasonCode.RESULT_NOT_RECEIVED, Column.RESULT_DATE))
        reasons.extend(_date_reasons(values, window, bounds))
        if locality is not None and values.address is not None:
            place = locality.outside_place(values.address)
            if place is not None:
                reasons.append(Issue(ReasonCode.OUTSIDE_LOCALITY, Column.ADDRESS,
                                     (("unit", context.unit_name or ""), ("place", place))))
        return reasons

    return rule


def _date_reasons(
    values: _Values,
    window: tuple[date | None, date | None],
    bounds: tuple[tuple[str, str], ...],
) -> list[Issue]:
    """outside_window for the first date outside the window; result_before_application."""
    reasons = []
    start, end = window
    for column, day in ((Column.APPLICATION_DATE, values.application_date),
                        (Column.RESULT_DATE, values.result_date)):
        if day is not None and ((start and day < start) or (end and day > end)):
            reasons.append(Issue(ReasonCode.OUTSIDE_WINDOW, column,
                                 (("value", _show(day)), *bounds)))
            break
    application, result = values.application_date, values.result_date
    if application is not None and result is not None and result < application:
        reasons.append(Issue(ReasonCode.RESULT_BEFORE_APPLICATION, Column.RESULT_DATE,
                             (("result", _show(result)), ("application", _show(application)))))
    return reasons


def _show(day: date | None) -> str:
    """A date as officers write it (dd/mm/yyyy), "" for None."""
    return day.strftime("%d/%m/%Y") if day else ""


def _name_rule(values: _Values) -> list[Issue]:
    """A name is required in every group."""
    if values.full_name is None:
        return [Issue(ReasonCode.MISSING_NAME, Column.FULL_NAME)]
    return []


def _leader_rule(values: _Values) -> list[Issue]:
    """Leaders and officials: name, position and unit are required."""
    reasons = _name_rule(values)
    if values.position is None:
        reasons.append(Issue(ReasonCode.MISSING_POSITION, Column.POSITION))
    if values.unit_name is None:
        reasons.append(Issue(ReasonCode.MISSING_UNIT, Column.UNIT))
    return reasons


def _first_seen(seen: dict[tuple[str, str, str], int], values: _Values, row: int) -> int | None:
    """Row of an earlier eligible listing of the same person (name + phone, email or
    address), or None; records this row's keys when it is the first."""
    name = fold(values.full_name or "")
    keys = [
        (name, kind, value)
        for kind, value in (("phone", values.phone_e164), ("email", values.email),
                            ("address", fold(values.address or "")))
        if value
    ]
    for key in keys:
        if key in seen:
            return seen[key]
    for key in keys:
        seen[key] = row
    return None


def _result(
    source_row: int, values: _Values, reasons: list[Issue], duplicate_of: int | None
) -> RowResult:
    """The row result from its values and reasons."""
    return RowResult(
        source_row=source_row,
        status=RowStatus.EXCLUDED if reasons else RowStatus.ELIGIBLE,
        reasons=tuple(reasons),
        warnings=values.warnings,
        full_name=values.full_name,
        phone_e164=values.phone_e164,
        email=values.email,
        position=values.position,
        unit_name=values.unit_name,
        address=values.address,
        field=values.field,
        procedure=values.procedure,
        application_date=values.application_date,
        result_date=values.result_date,
        result_received=values.result_received,
        duplicate_of=duplicate_of,
    )


def _report(
    group: RespondentGroup, context: ListContext, rows: tuple[RowResult, ...], table: RawTable
) -> ListReport:
    """The list report with fields represented and list-level warnings."""
    eligible = [row for row in rows if row.status is RowStatus.ELIGIBLE]
    represented = tuple(sorted({row.field for row in eligible if row.field}))
    warnings: list[ListIssue] = []
    if group is RespondentGroup.CITIZEN and context.procedure_fields:
        folded = {fold(name) for name in represented}
        missing = [name for name in context.procedure_fields if fold(name) not in folded]
        if missing:
            warnings.append(ListIssue(ListWarningCode.FIELDS_NOT_COVERED,
                                      (("fields", ", ".join(missing)),)))
    required = context.required_count
    if required is None:
        required = DEFAULT_CITIZEN_COUNT if group is RespondentGroup.CITIZEN else 0
    if len(eligible) < required:
        params = (("eligible", str(len(eligible))), ("required", str(required)),
                  ("shortfall", str(required - len(eligible))))
        warnings.append(ListIssue(ListWarningCode.BELOW_REQUIRED, params))
    return ListReport(group, rows, represented, tuple(warnings), table.skipped)

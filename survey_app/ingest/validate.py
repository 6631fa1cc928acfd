"""``validate_list``: the rules a respondent list must follow, row by row (DOMAIN.md §5–6).

A group's list follows the rules its campaign design gives it (:class:`ListRules`):
a transactions list (citizens, seed 004) needs a name, an address, a procedure field or
procedure and a received result; both dates must lie in the group's window, the result may
not be dated before the application, the address must be in the unit, and a person is listed
once. An officials list needs a name and the fields the design requires (position, unit,
address, phone, email). Otherwise missing or invalid phone numbers and emails are warnings:
the row stays eligible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from designs import ListField, ListKind, ListSpec
from survey_app.ingest.catalogue import ListWarningCode, ReasonCode
from survey_app.ingest.fields import FieldMatcher
from survey_app.ingest.gc_pause import paused_gc
from survey_app.ingest.headers import Column
from survey_app.ingest.locality import LocalityChecker
from survey_app.ingest.normalise import RowValues, normalise_rows
from survey_app.ingest.report import (
    Issue,
    ListIssue,
    ListReport,
    RowResult,
    RowStatus,
)
from survey_app.ingest.table import RawTable
from survey_app.ingest.text import fold


@dataclass(frozen=True)
class ListRules:
    """The rules of one group's list: its code, kind, required fields and expected count."""

    group: str
    kind: ListKind = ListKind.OFFICIALS
    required: tuple[ListField, ...] = ()
    expected: int | None = None

    @classmethod
    def of(cls, group: str, spec: ListSpec) -> ListRules:
        """The rules a design's list spec gives the group ``group``."""
        return cls(group, spec.kind, spec.required, spec.expected)

    @property
    def transactions(self) -> bool:
        return self.kind is ListKind.TRANSACTIONS


@dataclass(frozen=True)
class ListContext:
    """What validation needs to know about the campaign and the submitting unit.

    ``date_from``/``date_to``: the campaign window (inclusive). ``unit_name``: the unit
    (the commune for citizen lists, e.g. "Phú Đa"). ``other_localities``: the other
    communes and wards of the district or province. ``procedure_fields``: the commune's
    canonical procedure fields. ``required_count``: eligible people needed (None: the
    rules' expected count).
    """

    date_from: date | None = None
    date_to: date | None = None
    unit_name: str | None = None
    other_localities: tuple[str, ...] = ()
    procedure_fields: tuple[str, ...] = ()
    required_count: int | None = None


def validate_list(table: RawTable, rules: ListRules, context: ListContext) -> ListReport:
    """Check every data row of ``table`` by ``rules``; nothing is dropped, excluded rows
    keep their reasons. Returns a ``ListReport`` with list-level warnings (procedure
    fields not covered, fewer eligible people than required)."""
    with paused_gc():
        return _validate(table, rules, context)


def _validate(table: RawTable, rules: ListRules, context: ListContext) -> ListReport:
    """The body of ``validate_list``."""
    citizen = rules.transactions
    matcher = FieldMatcher(context.procedure_fields) if citizen else None
    locality = (
        LocalityChecker(context.unit_name, context.other_localities)
        if citizen and context.unit_name
        else None
    )
    rule: Callable[[RowValues], list[Issue]]
    rule = _citizen_rule(context, locality) if citizen else _officials_rule(rules.required)
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    for row, values in zip(
        table.rows, normalise_rows(table, matcher, citizen, context.unit_name), strict=True
    ):
        reasons = rule(values)
        duplicate_of = None if reasons else _first_seen(seen, values, row.source_row)
        if duplicate_of is not None:
            reasons.append(
                Issue(ReasonCode.DUPLICATE, Column.FULL_NAME, (("row", str(duplicate_of)),))
            )
        results.append(_result(row.source_row, values, reasons, duplicate_of))
    return _report(rules, context, tuple(results), table)


def _citizen_rule(
    context: ListContext, locality: LocalityChecker | None
) -> Callable[[RowValues], list[Issue]]:
    """The exclusion rules for a commune's citizen list."""
    window = (context.date_from, context.date_to)
    bounds = (("date_from", _show(context.date_from)), ("date_to", _show(context.date_to)))
    by_dates: dict[tuple[date | None, date | None], list[Issue]] = {}

    def rule(values: RowValues) -> list[Issue]:
        reasons = _name_rule(values)
        if values.address is None:
            reasons.append(Issue(ReasonCode.MISSING_ADDRESS, Column.ADDRESS))
        if values.field is None and values.procedure is None:
            reasons.append(Issue(ReasonCode.MISSING_PROCEDURE, Column.FIELD))
        if values.invalid_result_date is not None and values.result_received is not True:
            reasons.append(
                Issue(
                    ReasonCode.INVALID_RESULT_DATE,
                    Column.RESULT_DATE,
                    (("value", values.invalid_result_date),),
                )
            )
        elif not values.result_received:
            reasons.append(Issue(ReasonCode.RESULT_NOT_RECEIVED, Column.RESULT_DATE))
        dates = (values.application_date, values.result_date)
        if dates not in by_dates:  # the same few hundred pairs of dates recur
            by_dates[dates] = _date_reasons(dates, window, bounds)
        reasons.extend(by_dates[dates])
        if locality is not None and values.address is not None:
            place = locality.outside_place(values.address)
            if place is not None:
                reasons.append(
                    Issue(
                        ReasonCode.OUTSIDE_LOCALITY,
                        Column.ADDRESS,
                        (("unit", context.unit_name or ""), ("place", place)),
                    )
                )
        return reasons

    return rule


def _date_reasons(
    dates: tuple[date | None, date | None],
    window: tuple[date | None, date | None],
    bounds: tuple[tuple[str, str], ...],
) -> list[Issue]:
    """outside_window for the first of the (application, result) dates outside the window;
    result_before_application."""
    reasons = []
    start, end = window
    application, result = dates
    for column, day in ((Column.APPLICATION_DATE, application), (Column.RESULT_DATE, result)):
        if day is not None and ((start and day < start) or (end and day > end)):
            reasons.append(
                Issue(ReasonCode.OUTSIDE_WINDOW, column, (("value", _show(day)), *bounds))
            )
            break
    if application is not None and result is not None and result < application:
        reasons.append(
            Issue(
                ReasonCode.RESULT_BEFORE_APPLICATION,
                Column.RESULT_DATE,
                (("result", _show(result)), ("application", _show(application))),
            )
        )
    return reasons


def _show(day: date | None) -> str:
    """A date as officers write it (dd/mm/yyyy), "" for None."""
    return day.strftime("%d/%m/%Y") if day else ""


def _name_rule(values: RowValues) -> list[Issue]:
    """A name is required in every group."""
    if values.full_name is None:
        return [Issue(ReasonCode.MISSING_NAME, Column.FULL_NAME)]
    return []


_REQUIRED: dict[ListField, tuple[ReasonCode, Column]] = {
    ListField.POSITION: (ReasonCode.MISSING_POSITION, Column.POSITION),
    ListField.UNIT: (ReasonCode.MISSING_UNIT, Column.UNIT),
    ListField.ADDRESS: (ReasonCode.MISSING_ADDRESS, Column.ADDRESS),
    ListField.PHONE: (ReasonCode.MISSING_REQUIRED_PHONE, Column.PHONE),
    ListField.EMAIL: (ReasonCode.MISSING_REQUIRED_EMAIL, Column.EMAIL),
}


def _officials_rule(required: tuple[ListField, ...]) -> Callable[[RowValues], list[Issue]]:
    """Officials and delegates: a name and the fields the design requires."""

    def value(values: RowValues, wanted: ListField) -> object:
        if wanted is ListField.UNIT:
            return values.unit_name
        if wanted is ListField.PHONE:
            return values.phone_e164
        return getattr(values, wanted.value)

    def rule(values: RowValues) -> list[Issue]:
        reasons = _name_rule(values)
        for wanted in required:
            if value(values, wanted) is None:
                code, column = _REQUIRED[wanted]
                reasons.append(Issue(code, column))
        return reasons

    return rule


def _first_seen(seen: dict[tuple[str, str, str], int], values: RowValues, row: int) -> int | None:
    """Row of an earlier eligible listing of the same person (name + phone, email or
    address), or None; records this row's keys when it is the first."""
    name = fold(values.full_name or "")
    keys = []
    if values.phone_e164:
        keys.append((name, "phone", values.phone_e164))
    if values.email:
        keys.append((name, "email", values.email))
    if values.address_key:
        keys.append((name, "address", values.address_key))
    for key in keys:
        earlier = seen.get(key)
        if earlier is not None:
            return earlier
    for key in keys:
        seen[key] = row
    return None


def _result(
    source_row: int, values: RowValues, reasons: list[Issue], duplicate_of: int | None
) -> RowResult:
    """The row result from its values and reasons."""
    return RowResult(
        source_row,
        RowStatus.EXCLUDED if reasons else RowStatus.ELIGIBLE,
        tuple(reasons),
        values.warnings,
        values.full_name,
        values.phone_e164,
        values.email,
        values.position,
        values.unit_name,
        values.address,
        values.field,
        values.procedure,
        values.application_date,
        values.result_date,
        values.result_received,
        duplicate_of,
    )


def _report(
    rules: ListRules, context: ListContext, rows: tuple[RowResult, ...], table: RawTable
) -> ListReport:
    """The list report with fields represented and list-level warnings."""
    eligible = [row for row in rows if row.status is RowStatus.ELIGIBLE]
    represented = tuple(sorted({row.field for row in eligible if row.field}))
    warnings: list[ListIssue] = []
    if rules.transactions and context.procedure_fields:
        folded = {fold(name) for name in represented}
        missing = [name for name in context.procedure_fields if fold(name) not in folded]
        if missing:
            warnings.append(
                ListIssue(ListWarningCode.FIELDS_NOT_COVERED, (("fields", ", ".join(missing)),))
            )
    required = context.required_count
    if required is None:
        required = rules.expected or 0
    if len(eligible) < required:
        params = (
            ("eligible", str(len(eligible))),
            ("required", str(required)),
            ("shortfall", str(required - len(eligible))),
        )
        warnings.append(ListIssue(ListWarningCode.BELOW_REQUIRED, params))
    return ListReport(rules.group, rows, represented, tuple(warnings), table.skipped)

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

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from adminunits.gazetteer import Finding, Verdict
from designs import ListField, ListKind, ListSpec
from survey_app.ingest.catalogue import ListWarningCode, ReasonCode, WarningCode
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
from survey_app.ingest.text import fold, fold_words

_ADDRESS_PARTS = re.compile(r"[,;/()]|\s[-–]\s")


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


class LocalityRule(Protocol):
    """Whether an address lies in the uploading unit, by the official registry
    (:class:`adminunits.gazetteer.Locality`)."""

    def check(self, address: str) -> Finding:
        """The finding for one address."""
        ...


@dataclass(frozen=True)
class ListContext:
    """What validation needs to know about the campaign and the submitting unit.

    ``date_from``/``date_to``: the campaign window (inclusive). ``unit_name``: the unit
    (the commune for citizen lists, e.g. "Phú Đa"). ``other_localities``: the other
    communes and wards of the district or province. ``procedure_fields``: the commune's
    canonical procedure fields. ``required_count``: eligible people needed (None: the
    rules' expected count). ``locality``: the registry's rule for the unit (its old
    communes count as inside, split ones warn); without it, addresses are checked by
    ``unit_name`` and ``other_localities``.
    """

    date_from: date | None = None
    date_to: date | None = None
    unit_name: str | None = None
    other_localities: tuple[str, ...] = ()
    procedure_fields: tuple[str, ...] = ()
    required_count: int | None = None
    locality: LocalityRule | None = None


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
    locality: _Place | None = None
    if citizen and context.locality is not None:
        locality = _registry_place(context.locality, context.unit_name or "")
    elif citizen and context.unit_name:
        locality = _named_place(LocalityChecker(context.unit_name, context.other_localities))
    rule: Callable[[RowValues], list[Issue]]
    rule = _citizen_rule(context, locality) if citizen else _officials_rule(rules.required)
    seen = _People()
    results = []
    for row, values in zip(
        table.rows, normalise_rows(table, matcher, citizen, context.unit_name), strict=True
    ):
        issues = rule(values)
        reasons = [issue for issue in issues if isinstance(issue.code, ReasonCode)]
        notes = tuple(issue for issue in issues if not isinstance(issue.code, ReasonCode))
        duplicate_of = None if reasons else seen.first_seen(values, row.source_row)
        if duplicate_of is not None:
            reasons.append(
                Issue(ReasonCode.DUPLICATE, Column.FULL_NAME, (("row", str(duplicate_of)),))
            )
        results.append(_result(row.source_row, values, reasons, notes, duplicate_of))
    return _report(rules, context, tuple(results), table)


_Place = Callable[[str], Issue | None]


def _named_place(checker: LocalityChecker) -> _Place:
    """The locality issue by names only: outside when the address names another place."""
    unit = checker.unit_name

    def issue(address: str) -> Issue | None:
        place = checker.outside_place(address)
        if place is None:
            return None
        return Issue(
            ReasonCode.OUTSIDE_LOCALITY, Column.ADDRESS, (("unit", unit), ("place", place))
        )

    return issue


def _registry_place(rule: LocalityRule, unit: str) -> _Place:
    """The locality issue by the official registry: outside excludes the row; an old unit
    split between several communes, or a commune the registry does not know, is a warning
    for the officer to confirm (the row stays, with the address as written)."""

    def issue(address: str) -> Issue | None:
        finding = rule.check(address)
        names = ", ".join(finding.candidates)
        params: tuple[tuple[str, str], ...]
        if finding.verdict is Verdict.OUTSIDE:
            params = (("unit", unit), ("place", _place_text(address, finding)), ("now", names))
            return Issue(ReasonCode.OUTSIDE_LOCALITY, Column.ADDRESS, params)
        if finding.verdict is Verdict.SPLIT:
            params = (("place", _place_text(address, finding)), ("candidates", names))
            return Issue(WarningCode.SPLIT_LOCALITY, Column.ADDRESS, params)
        if finding.verdict is Verdict.UNKNOWN:
            params = (("place", _place_text(address, finding)),)
            return Issue(WarningCode.UNKNOWN_LOCALITY, Column.ADDRESS, params)
        return None

    return issue


def _place_text(address: str, finding: Finding) -> str:
    """The part of ``address`` that names the place of ``finding``, as written."""
    for part in _ADDRESS_PARTS.split(address):
        if finding.place and finding.place in fold_words(part):
            return part.strip()
    return finding.place


def _citizen_rule(
    context: ListContext, locality: _Place | None
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
            found = locality(values.address)
            if found is not None:
                reasons.append(found)
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


class _People:
    """The people listed so far, to find the same person twice (DOMAIN.md §6).

    The same person: the same name and the same phone (or e-mail), or the same name,
    address and year of birth. Namesakes are common in a commune: the same name with a
    different year of birth, sex or phone is another person, and both stay eligible.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], list[tuple[int, RowValues]]] = {}

    def first_seen(self, values: RowValues, row: int) -> int | None:
        """The row of an earlier eligible listing of the same person, or None; records
        this row when it is the first."""
        keys = _person_keys(values)
        for key in keys:
            for earlier, other in self._seen.get(key, ()):
                if not _different_people(values, other):
                    return earlier
        for key in keys:
            self._seen.setdefault(key, []).append((row, values))
        return None


def _person_keys(values: RowValues) -> list[tuple[str, str, str]]:
    """The keys under which the same person is found again."""
    name = fold(values.full_name or "")
    keys = []
    if values.phone_e164:
        keys.append((name, "phone", values.phone_e164))
    if values.email:
        keys.append((name, "email", values.email))
    if values.address_key:  # with the year of birth: _different_people compares it
        keys.append((name, "address", values.address_key))
    return keys


def _different_people(first: RowValues, second: RowValues) -> bool:
    """Whether two listings with the same name differ in what tells people apart: year
    of birth, sex or phone (when both give it)."""
    pairs = (
        (first.birth_year, second.birth_year),
        (first.sex, second.sex),
        (first.phone_e164, second.phone_e164),
    )
    return any(one is not None and other is not None and one != other for one, other in pairs)


def _result(
    source_row: int,
    values: RowValues,
    reasons: list[Issue],
    notes: tuple[Issue, ...],
    duplicate_of: int | None,
) -> RowResult:
    """The row result from its values, reasons and the rules' warnings."""
    return RowResult(
        source_row,
        RowStatus.EXCLUDED if reasons else RowStatus.ELIGIBLE,
        tuple(reasons),
        values.warnings + notes,
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

"""Normalising the cells of a list's data rows, one column at a time.

Lists repeat the same villages, fields, procedures, dates and flags on thousands of rows,
so each column is normalised once per distinct text and the results are spread back over
the rows (``_each``). What a column gives, a value and perhaps a warning, depends on that
column alone (a pair of columns for the field and procedure, and for the received flag and
note), so this gives the same values as normalising row by row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from functools import partial
from itertools import zip_longest
from typing import Any, NamedTuple, TypeVar

from survey_app.ingest.catalogue import WarningCode
from survey_app.ingest.fields import FieldMatcher
from survey_app.ingest.headers import Column
from survey_app.ingest.report import Issue
from survey_app.ingest.table import RawTable
from survey_app.ingest.text import (
    clean_text,
    fold,
    fold_words,
    normalise_email,
    normalise_phone,
    parse_date,
)

_NOT_RECEIVED = re.compile(r"\b(chua|khong|dang giai quyet|dang xu ly|no|false)\b|^0$")
_RECEIVED = re.compile(r"^(co|x|v|roi|da nhan|da nhan ket qua|da tra|yes|true|1|ok)\b")
_NOTE_NOT_RECEIVED = re.compile(r"\b(chua (nhan|tra|co) (ket qua|kq)|dang giai quyet)\b")
_MISSING_PHONE = Issue(WarningCode.MISSING_PHONE, Column.PHONE)
_REMEMBERED_TYPES = frozenset({str, type(None)})
_T = TypeVar("_T")


class RowValues(NamedTuple):
    """Normalised values of one row and the problems found while normalising."""

    full_name: str | None
    phone_e164: str | None
    email: str | None
    position: str | None
    unit_name: str | None
    address: str | None
    address_key: str
    field: str | None
    procedure: str | None
    application_date: date | None
    result_date: date | None
    result_received: bool | None
    warnings: tuple[Issue, ...]
    invalid_result_date: str | None
    birth_year: int | None = None
    sex: Sex | None = None


def normalise_rows(
    table: RawTable, matcher: FieldMatcher | None, citizen: bool, default_unit: str | None
) -> list[RowValues]:
    """The normalised values of every data row of ``table``, in order.

    ``matcher`` maps typed fields to the unit's canonical fields (citizen lists only);
    ``citizen`` turns on the unreadable-application-date warning; ``default_unit`` is the
    unit of every row when the file has no unit column.
    """
    cells = _columns(table)
    e164s, phone_warnings = _unzip(_each(cells[Column.PHONE], _phone), 2)
    emails, email_warnings = _unzip(_each(cells[Column.EMAIL], _email), 2)
    fields, procedures, field_warnings = _unzip(
        _each_pair(cells[Column.FIELD], cells[Column.PROCEDURE], partial(_field, matcher)), 3
    )
    applications, application_warnings = _unzip(
        _each(cells[Column.APPLICATION_DATE], partial(_application_date, citizen)), 2
    )
    results, invalid_results = _unzip(_each(cells[Column.RESULT_DATE], _result_date), 2)
    verdicts = _each_pair(cells[Column.RESULT_RECEIVED], cells[Column.NOTE], _received_text)
    addresses, address_keys = _unzip(_each(cells[Column.ADDRESS], _address), 2)
    units = _each(cells[Column.UNIT], _text_or_none)
    if Column.UNIT not in table.columns:
        units = [default_unit] * len(units)
    return list(
        map(
            RowValues,
            _each(cells[Column.FULL_NAME], _text_or_none),
            e164s,
            emails,
            _each(cells[Column.POSITION], _text_or_none),
            units,
            addresses,
            address_keys,
            fields,
            procedures,
            applications,
            results,
            map(_received, verdicts, results),
            map(_warnings, phone_warnings, email_warnings, field_warnings, application_warnings),
            invalid_results,
            _each(cells[Column.BIRTH], _birth_year),
            _each(cells[Column.GENDER], _sex),
        )
    )


def _columns(table: RawTable) -> dict[Column, Sequence[object]]:
    """The cells of each column validation reads, by column (all None when absent)."""
    count = len(table.rows)
    grid = list(zip_longest(*(row.cells for row in table.rows)))  # rows of unequal length
    empty = (None,) * count
    return {
        column: grid[table.columns[column]]
        if column in table.columns and table.columns[column] < len(grid)
        else empty
        for column in Column
    }


def _each(cells: Sequence[object], function: Callable[[object], _T]) -> list[_T]:
    """``function`` of every cell, computed once per distinct text (and empty cell).

    Only str and None are remembered: equal values of other types (1, 1.0, True) may
    normalise differently, and such cells are cheap to normalise anyway.
    """
    if set(map(type, cells)) <= _REMEMBERED_TYPES:
        by_text = {cell: function(cell) for cell in set(cells)}
        return list(map(by_text.__getitem__, cells))
    remembered: dict[object, _T] = {}
    results = []
    for cell in cells:
        if type(cell) in _REMEMBERED_TYPES:
            if cell not in remembered:
                remembered[cell] = function(cell)
            results.append(remembered[cell])
        else:
            results.append(function(cell))
    return results


def _each_pair(
    first: Sequence[object], second: Sequence[object], function: Callable[[object, object], _T]
) -> list[_T]:
    """``function`` of every pair of cells of two columns, once per distinct pair of texts."""
    if set(map(type, first)) <= _REMEMBERED_TYPES and set(map(type, second)) <= _REMEMBERED_TYPES:
        pairs = list(zip(first, second, strict=True))
        by_pair = {pair: function(*pair) for pair in set(pairs)}
        return list(map(by_pair.__getitem__, pairs))
    return list(map(function, first, second))


def _unzip(results: Sequence[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    """Columns of a list of tuples of ``width`` values (``width`` empty ones for no rows)."""
    return list(zip(*results, strict=True)) if results else [()] * width


def _phone(value: object) -> tuple[str | None, Issue | None]:
    """E.164 number of a phone cell and its warning (missing or invalid), if any."""
    phone, given = normalise_phone(value)
    if not given:
        return None, _MISSING_PHONE
    if phone is None:
        return None, Issue(WarningCode.INVALID_PHONE, Column.PHONE, (("value", clean_text(value)),))
    return phone, None


def _email(value: object) -> tuple[str | None, Issue | None]:
    """Normalised email of a cell and its warning when one is given but invalid."""
    email, given = normalise_email(value)
    if given and email is None:
        return None, Issue(WarningCode.INVALID_EMAIL, Column.EMAIL, (("value", clean_text(value)),))
    return email, None


def _field(
    matcher: FieldMatcher | None, field_cell: object, procedure_cell: object
) -> tuple[str | None, str | None, Issue | None]:
    """Canonical field (else the typed one), procedure name, and the unrecognised-field
    warning (citizen lists only, where ``matcher`` is given)."""
    field_text = clean_text(field_cell)
    procedure = clean_text(procedure_cell) or None
    field, warning = None, None
    if matcher is not None and (field_text or procedure):
        field = matcher.match(field_text, procedure or "")
        if field is None and field_text:
            warning = Issue(
                WarningCode.FIELD_NOT_RECOGNISED, Column.FIELD, (("value", field_text),)
            )
    return field or field_text or None, procedure, warning


def _application_date(citizen: bool, value: object) -> tuple[date | None, Issue | None]:
    """Application date and, on citizen lists, the warning when it cannot be read."""
    application, raw = _date(value)
    if application is None and raw and citizen:
        return None, Issue(
            WarningCode.INVALID_APPLICATION_DATE, Column.APPLICATION_DATE, (("value", raw),)
        )
    return application, None


def _result_date(value: object) -> tuple[date | None, str | None]:
    """Result date, and the raw text when a date was typed but cannot be read."""
    result, raw = _date(value)
    return result, raw or None


def _date(value: object) -> tuple[date | None, str]:
    """Parsed date and, when it could not be read, the raw text (for messages)."""
    parsed = parse_date(value)
    return parsed, "" if parsed is not None else clean_text(value)


def _text_or_none(value: object) -> str | None:
    """Cleaned text of a cell, None when empty."""
    return clean_text(value) or None


def _address(value: object) -> tuple[str | None, str]:
    """Cleaned address (None when empty) and its folded form, the key of duplicates."""
    address = clean_text(value) or None
    return address, fold(address or "")


_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


class Sex(StrEnum):
    """Sex as lists give it (Nam / Nữ)."""

    MALE = "male"
    FEMALE = "female"


_SEXES = {"nam": Sex.MALE, "male": Sex.MALE, "m": Sex.MALE, "trai": Sex.MALE}
_SEXES |= {"nu": Sex.FEMALE, "female": Sex.FEMALE, "f": Sex.FEMALE, "gai": Sex.FEMALE}


def _birth_year(value: object) -> int | None:
    """The year of birth of a cell: a year (1959), a date (12/03/1959, a real date), else
    None (an age or unreadable text tells no year)."""
    if isinstance(value, date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = int(value)
        return year if 1900 <= year <= 2100 else None
    years = _YEAR.findall(clean_text(value))
    return int(years[0]) if len(years) == 1 else None


def _sex(value: object) -> Sex | None:
    """Male or female from "Nam", "Nữ", "nam giới"...; None when not given or unclear."""
    words = fold_words(clean_text(value)).split()
    return _SEXES.get(words[0]) if words else None


def _received_text(flag: object, note: object) -> bool | None:
    """Whether an explicit flag or a note says the result was (not) received; None when
    they say nothing."""
    flag_text = fold_words(clean_text(flag))
    if flag_text:
        if _NOT_RECEIVED.search(flag_text):
            return False
        if _RECEIVED.match(flag_text):
            return True
    if _NOTE_NOT_RECEIVED.search(fold_words(clean_text(note))):
        return False
    return None


def _received(verdict: bool | None, result_date: date | None) -> bool | None:
    """Whether the result was received: the flag or note, else a result date."""
    if verdict is not None:
        return verdict
    return True if result_date is not None else None


def _warnings(*found: Issue | None) -> tuple[Issue, ...]:
    """The warnings found, in column order."""
    if found.count(None) == len(found):
        return ()
    return tuple(issue for issue in found if issue is not None)

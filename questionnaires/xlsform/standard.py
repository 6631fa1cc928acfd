"""The XLSForm standard itself, checked by pyxform (the ODK reference converter).

A workbook that passes the project's own checks is also converted by pyxform, so what an
administrator publishes opens in ODK Collect, KoboToolbox and Enketo too, and a workbook
those tools would reject is not published here either. pyxform reads the sheets already read
within bounds (never the raw upload again); its messages are English, so a problem keeps them
as detail under a Vietnamese lead, on the row pyxform names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from questionnaires.xlsform.problems import SheetProblem
from questionnaires.xlsform.sheets import Sheet

_ROW = re.compile(r"\[row\s*:\s*(\d+)\]", re.IGNORECASE)
_SHEET = re.compile(r"\b(survey|choices|settings)\b", re.IGNORECASE)
_SHEETS = ("survey", "choices", "settings")


def standard_problems(sheets: Mapping[str, Sheet]) -> list[SheetProblem]:
    """What pyxform finds wrong with the workbook (empty when it converts)."""
    book = {name: _rows(sheets[name]) for name in _SHEETS if name in sheets}
    if "settings" in book and book["settings"]:
        book["settings"] = [_one_title(book["settings"][-1])]
    try:
        convert(xlsform=book, warnings=[], validate=False)
    except PyXFormError as exc:
        return [_problem(str(exc))]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [_problem(f"{type(exc).__name__}: {exc}")]
    return []


def _rows(sheet: Sheet) -> list[dict[str, str]]:
    """Rows as pyxform numbers them (the first data row is row 2): blank rows kept empty."""
    rows: list[dict[str, str]] = []
    for row in sheet.rows:
        rows.extend({} for _ in range(row.number - 2 - len(rows)))
        rows.append(dict(row.cells))
    return rows


def _one_title(settings: dict[str, str]) -> dict[str, str]:
    """XLSForm's ``form_title`` has no translations: keep the Vietnamese one for pyxform."""
    titles = {k: v for k, v in settings.items() if k.startswith("form_title::")}
    kept = {k: v for k, v in settings.items() if k not in titles}
    if "form_title" not in kept and titles:
        kept["form_title"] = titles.get("form_title::vi") or next(iter(titles.values()))
    return kept


def _problem(text: str) -> SheetProblem:
    row = _ROW.search(text)
    sheet = _SHEET.search(text)
    detail = " ".join(_ROW.sub("", text).split())[:400]
    return SheetProblem(
        sheet.group(1).lower() if sheet else "survey",
        int(row.group(1)) if row else 0,
        "",
        "xlsform_standard",
        detail,
    )

"""Layout of the analysts' workbook: cell formats (Vietnamese number formats), sheet names,
column widths that fit values and wrapped headings, and the format of each column by its code."""

from __future__ import annotations

import re

import pandas as pd
import xlsxwriter

NUMBER_FORMAT = "[$-42A]#,##0.00"
INTEGER_FORMAT = "[$-42A]#,##0"
PERCENT_FORMAT = "[$-42A]0.00%"
PERCENT_COLUMNS = ("index_pct", "weighted_share", "rate")
INTEGER_COLUMNS = ("rank", "responses", "missing", "n", "year")


def sheet_name(title: object) -> str:
    """A translated title as a sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Sheet"


def formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    """The workbook's cell formats by name: numbers, integers and percents in Vietnamese
    formats, text (wrapped or not), the heading row and the smaller grey row of codes."""
    heading = {"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "valign": "top"}
    return {
        "number": book.add_format({"num_format": NUMBER_FORMAT, "valign": "top"}),
        "integer": book.add_format({"num_format": INTEGER_FORMAT, "valign": "top"}),
        "percent": book.add_format({"num_format": PERCENT_FORMAT, "valign": "top"}),
        "text": book.add_format({"valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "header": book.add_format(heading),
        "code": book.add_format(
            {
                "font_size": 8,
                "font_color": "#7F7F7F",
                "bg_color": "#F2F2F2",
                "valign": "top",
                "bottom": 1,
                "bottom_color": "#BFBFBF",
            }
        ),
    }


def kind_of(values: pd.Series, code: str) -> str:
    if code.endswith(PERCENT_COLUMNS) or code.startswith("element_"):
        return "percent"
    if code in INTEGER_COLUMNS or pd.api.types.is_integer_dtype(values.dtype):
        return "integer"
    return "number"


def width(values: pd.Series, heading: str, code: str) -> tuple[float, bool]:
    """A column's width in characters and whether its text wraps: wide enough for most
    values, for the code (in its smaller font) and for the heading in at most four lines;
    at most 50."""
    sample = values.head(500)
    if pd.api.types.is_numeric_dtype(sample.dtype) or pd.api.types.is_bool_dtype(sample.dtype):
        longest = 10
    else:
        longest = max((len(str(v)) for v in sample if v is not None), default=0)
    width = max(longest + 2, len(code) * 0.8 + 2, 9)
    while width < 30 and lines(heading, width) > 4:
        width += 1
    return min(width, 50), longest + 2 > 50


def lines(text: str, width: float) -> int:
    """Lines that ``text`` takes wrapped at word boundaries in a column ``width`` wide (bold
    letters are about a tenth wider than the digits the width counts)."""
    room, lines, used = width / 1.1, 1, 0.0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, float(len(word))
        else:
            used += len(word) + (1 if used else 0)
    return lines

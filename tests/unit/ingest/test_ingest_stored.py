"""A validated row in stored form and back: cells, issues with parameters, the layout."""

from __future__ import annotations

import json
from datetime import date, datetime

from survey_app.ingest import read_table, validate_list
from survey_app.ingest.stored import (
    UNKNOWN,
    cells_from,
    cells_json,
    columns_from,
    issues_from,
    issues_json,
    layout_of,
    skipped_from,
)
from tests.support import CITIZENS
from tests.unit.ingest.ingest_samples import CITIZEN_HEADER, citizen_rows, context, csv_text


def test_cells_keep_their_types_through_json() -> None:
    cells = (
        1,
        "0912 345 678",
        None,
        2.5,
        True,
        date(2021, 3, 5),
        datetime(2021, 3, 5, 8, 30),
        "=SUM(A1)",
        "Nguyễn Văn An",
    )
    assert cells_from(json.loads(cells_json(cells))) == cells


def test_issues_keep_column_and_parameters() -> None:
    rows = citizen_rows(3)
    rows[1][3] = "12345"  # an invalid phone
    rows[2] = list(rows[0])  # a duplicate of the first row
    table = read_table("l.csv", csv_text(CITIZEN_HEADER, rows, ",").encode())
    report = validate_list(table, CITIZENS, context())
    assert issues_json(report.rows[0]) is None
    for row in report.rows[1:]:
        stored = json.loads(issues_json(row) or "null")
        back = issues_from(
            stored, [str(i.code) for i in row.reasons], [str(i.code) for i in row.warnings]
        )
        assert back == (row.reasons, row.warnings)
        assert [i.message for i in back[0] + back[1]] == [
            i.message for i in row.reasons + row.warnings
        ]


def test_rows_stored_with_codes_only_show_no_placeholders() -> None:
    reasons, warnings = issues_from(None, ["duplicate"], ["invalid_phone", "missing_phone"])
    texts = [i.message.vi for i in reasons + warnings]
    assert texts[0] == f"Trùng người với dòng {UNKNOWN}."
    assert not any("{" in t for t in texts)
    assert all(i.column is None for i in reasons + warnings)


def test_layout_keeps_header_columns_and_skipped_rows() -> None:
    rows = citizen_rows(2) + [["", "Tổng cộng: 2 người"]]
    table = read_table("l.csv", csv_text(CITIZEN_HEADER, rows, ",").encode())
    layout = json.loads(json.dumps(layout_of(table)))
    assert layout["header"] == list(table.header)
    assert columns_from(layout) == table.columns
    assert skipped_from(layout) == table.skipped

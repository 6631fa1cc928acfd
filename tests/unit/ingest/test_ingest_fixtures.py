"""Acceptance: every fixture in shared/fixtures reproduces expected.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from survey_app.ingest import ListContext, detect_unit_name, read_table, validate_list
from tests.support import CITIZENS, DELEGATES, LEADERS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lists"  # copy of shared/fixtures
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
DISTRICT_COMMUNES = ("An Bình", "Phú Đa", "Lũng Hòa", "Thổ Tang", "Vĩnh Ninh", "Tân Tiến")
GROUPS = {
    "department_leaders_so_tu_phap.xlsx": LEADERS,
    "council_delegates.csv": DELEGATES,
}
# The CSV has no title row: its commune is named only by its file name.
UNIT_BY_FILENAME = {"commune_lung_hoa_cp1258.csv": "Lũng Hòa"}


def _context(name: str, unit: str | None, fields: tuple[str, ...]) -> ListContext:
    window = EXPECTED["window"]
    return ListContext(
        date_from=date.fromisoformat(window["from"]),
        date_to=date.fromisoformat(window["to"]),
        unit_name=unit,
        other_localities=tuple(c for c in DISTRICT_COMMUNES if c != unit),
        procedure_fields=fields,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_ingest_fixture_matches_expected(name: str) -> None:
    expected = EXPECTED["files"][name]
    table = read_table(name, (FIXTURES / name).read_bytes())
    group = GROUPS.get(name, CITIZENS)
    unit = UNIT_BY_FILENAME.get(name) or detect_unit_name(table)
    fields = tuple(expected.get("fields_represented", ()))
    report = validate_list(table, group, _context(name, unit, fields))

    assert report.data_rows == expected["data_rows"]
    assert report.eligible == expected["eligible"]
    assert set(map(str, report.excluded_by_reason)) == set(expected["excluded"])
    assert set(expected.get("warnings_at_least", ())) <= set(map(str, report.warnings_by_code))
    if "fields_represented" in expected:
        assert list(report.fields_represented) == expected["fields_represented"]
    else:
        assert report.fields_represented == ()


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("commune_an_binh_clean.xlsx", "An Bình"),
        ("commune_an_binh_messy.xlsx", "An Bình"),
        ("commune_phu_da.docx", "Phú Đa"),
        ("commune_lung_hoa_cp1258.csv", None),
    ],
)
def test_ingest_unit_name_from_title_rows(name: str, unit: str | None) -> None:
    table = read_table(name, (FIXTURES / name).read_bytes())
    assert detect_unit_name(table) == unit


def test_ingest_messy_rows_keep_source_rows_and_reasons() -> None:
    name = "commune_an_binh_messy.xlsx"
    table = read_table(name, (FIXTURES / name).read_bytes())
    fields = tuple(EXPECTED["files"][name]["fields_represented"])
    report = validate_list(table, CITIZENS, _context(name, "An Bình", fields))
    by_row = {row.source_row: row for row in report.rows}
    # Spreadsheet row 5 is STT 1; the duplicate (STT 27, row 31) points at STT 3 (row 7).
    assert by_row[5].full_name == "Lý Hữu Ánh"
    assert by_row[31].duplicate_of == 7
    assert [str(i.code) for i in by_row[31].reasons] == ["duplicate"]
    assert by_row[7].phone_e164 == "+84816996969"  # typed without the leading zero
    assert by_row[20].phone_e164 == "+84948921704"  # typed 84-948-921-704
    assert by_row[17].phone_e164 == "+842113862123"  # a landline
    assert [s.kind.value for s in table.skipped] == ["total", "footer"]
    assert table.rows[0].cells[1] == "Lý Hữu Ánh"  # original values are kept

"""A merged commune's list checked against the official registry (issue: 2025 mergers).

The list of xã Vĩnh Phú (Phú Thọ, 09154) for the 2025 window: people write the addresses
they always wrote (xã Phú Đa, huyện Vĩnh Tường, tỉnh Vĩnh Phúc; Ngũ Kiên; An Nhân...).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from adminunits import REFORM_2025, Registry, read_registry
from adminunits.gazetteer import Gazetteer, Locality
from designs import ListKind
from survey_app.ingest import ListContext, ListRules, read_table, validate_list
from survey_app.ingest.catalogue import ReasonCode, WarningCode
from survey_app.ingest.report import RowStatus
from tests.unit.ingest.ingest_samples import xlsx_bytes

HEADER = [
    "STT",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Địa chỉ",
    "Số điện thoại",
    "Lĩnh vực",
    "Tên thủ tục",
    "Ngày nộp hồ sơ",
    "Ngày nhận kết quả",
]
INSIDE = (
    "Thôn Đoài, xã Phú Đa, huyện Vĩnh Tường, tỉnh Vĩnh Phúc",
    "Thôn Bắc, xa Phu Da, huyen Vinh Tuong",
    "Xóm 2, X. Ngũ Kiên, H. Vĩnh Tường",
    "Thôn Đông, An Nhân, Vĩnh Tường, Vĩnh Phúc",
    "Thôn Trung - xã Vĩnh Thịnh - huyện Vĩnh Tường",
    "Thôn 3, xã Vĩnh Phú, tỉnh Phú Thọ",
    "thôn Nam, xã Vĩnh Ninh",
    "Thôn Đoài",
)
OUTSIDE = (
    "Số 12 Lê Lợi, Phường Ngô Quyền, TP. Vĩnh Yên, tỉnh Vĩnh Phúc",
    "Thôn 1, xã Lũng Hòa, huyện Vĩnh Tường",
    "xã Bình Phú, tỉnh Phú Thọ",
    "Tổ 5, phường Ba Đình, Hà Nội",
    "Thôn Đông, xã Vĩnh Phú, huyện Phù Ninh, tỉnh Phú Thọ",
)
WINDOW = (date(2025, 7, 1), date(2025, 10, 15))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return read_registry()


def _rows() -> list[list[object]]:
    """31 people of the commune at old and new addresses, then 5 from elsewhere."""
    rows: list[list[object]] = []
    families = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Lý")
    for i in range(31):
        rows.append(
            [
                i + 1,
                f"{families[i % 11]} Văn Khánh {i}",
                1950 + i,
                "Nam",
                INSIDE[i % len(INSIDE)],
                f"09{12345600 + i:08d}",
                "Hộ tịch",
                "Đăng ký khai sinh",
                f"{1 + i % 20}/8/2025",
                f"{5 + i % 20}/08/2025",
            ]
        )
    for j, address in enumerate(OUTSIDE):
        rows.append(
            [
                32 + j,
                f"Phan Thị Mai {j}",
                1980,
                "Nữ",
                address,
                f"08{77700000 + j:08d}",
                "Chứng thực",
                "Chứng thực chữ ký",
                "2/9/2025",
                "3/9/2025",
            ]
        )
    return rows


def _validate(registry: Registry, rows: list[list[object]], code: str = "09154") -> object:
    table = read_table("vinh_phu.xlsx", xlsx_bytes(HEADER, rows, ["DANH SÁCH", "XÃ VĨNH PHÚ"]))
    gazetteer = Gazetteer(registry, REFORM_2025)
    unit = registry.find(code, REFORM_2025)
    assert unit is not None
    context = ListContext(*WINDOW, unit.name, locality=Locality(gazetteer, unit.key))
    return validate_list(table, ListRules("citizen", ListKind.TRANSACTIONS), context)


def test_a_merged_communes_list_with_old_addresses_keeps_its_people(registry: Registry) -> None:
    report = _validate(registry, _rows())
    rows = report.rows  # type: ignore[attr-defined]
    assert len(rows) == 36
    assert sum(row.status is RowStatus.ELIGIBLE for row in rows) == 31
    outside = [row for row in rows if row.status is RowStatus.EXCLUDED]
    assert [row.reasons[0].code for row in outside] == [ReasonCode.OUTSIDE_LOCALITY] * 5
    assert "Xã Vĩnh Phú" in outside[0].reasons[0].message.vi
    assert dict(outside[0].reasons[0].params)["now"] == "Phường Vĩnh Phúc"


def test_an_old_commune_split_between_several_stays_with_a_warning(registry: Registry) -> None:
    split = next(s for s in registry.successions if not s.whole)
    old = registry.units[split.old]
    district = registry.units[old.parent or ""]
    new = registry.units[split.new]
    rows = [
        [
            1,
            "Lò Văn Minh",
            1970,
            "Nam",
            f"Bản 1, {old.name}, {district.name}",
            "0912345678",
            "Hộ tịch",
            "Đăng ký khai sinh",
            "2/8/2025",
            "5/8/2025",
        ]
    ]
    report = _validate(registry, rows, new.code)
    (row,) = report.rows  # type: ignore[attr-defined]
    assert row.status is RowStatus.ELIGIBLE
    (warning,) = [w for w in row.warnings if w.code is WarningCode.SPLIT_LOCALITY]
    assert new.name in dict(warning.params)["candidates"]
    assert row.address.startswith("Bản 1")
    assert "xác nhận" in warning.message.vi


def test_namesakes_with_other_years_or_phones_are_two_people(registry: Registry) -> None:
    base = [
        1,
        "Nguyễn Văn An",
        1970,
        "Nam",
        "Thôn Đoài, xã Phú Đa",
        "0912345678",
        "Hộ tịch",
        "Đăng ký khai sinh",
        "2/8/2025",
        "5/8/2025",
    ]
    other_year = [
        2,
        "Nguyễn Văn An",
        1991,
        "Nam",
        "Thôn Đoài, xã Phú Đa",
        "",
        "Hộ tịch",
        "Đăng ký khai tử",
        "3/8/2025",
        "6/8/2025",
    ]
    other_phone = [
        3,
        "Nguyễn Văn An",
        1970,
        "Nam",
        "Thôn Đoài, xã Phú Đa",
        "0987654321",
        "Hộ tịch",
        "Đăng ký khai tử",
        "3/8/2025",
        "6/8/2025",
    ]
    other_sex = [
        4,
        "Nguyễn Văn An",
        1970,
        "Nữ",
        "Thôn Đoài, xã Phú Đa",
        "",
        "Hộ tịch",
        "Đăng ký khai tử",
        "3/8/2025",
        "6/8/2025",
    ]
    same_phone = [
        5,
        "Nguyễn Văn An",
        None,
        None,
        "Thôn Bắc, xã Phú Đa",
        "0912 345 678",
        "Chứng thực",
        "Chứng thực chữ ký",
        "4/8/2025",
        "7/8/2025",
    ]
    same_address_year = [
        6,
        "NGUYỄN VĂN AN",
        1991,
        None,
        "Thôn Đoài, xã Phú Đa",
        "",
        "Chứng thực",
        "Chứng thực chữ ký",
        "4/8/2025",
        "7/8/2025",
    ]
    rows = [base, other_year, other_phone, other_sex, same_phone, same_address_year]
    report = _validate(registry, rows)
    statuses = [row.status for row in report.rows]  # type: ignore[attr-defined]
    assert statuses[:4] == [RowStatus.ELIGIBLE] * 4
    first, second = (row.source_row for row in report.rows[:2])  # type: ignore[attr-defined]
    assert [row.duplicate_of for row in report.rows[4:]] == [first, second]  # type: ignore[attr-defined]


def test_the_cli_takes_the_unit_by_its_official_code(tmp_path: Path) -> None:
    path = tmp_path / "vinh_phu.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, _rows(), ["DANH SÁCH NGƯỜI DÂN"]))
    args = [
        sys.executable,
        "-m",
        "survey_app.ingest",
        str(path),
        "--group",
        "citizen",
        "--unit-code",
        "09154",
        "--from",
        "2025-07-01",
        "--to",
        "2025-10-15",
        "--json",
    ]
    summary = json.loads(subprocess.run(args, capture_output=True, check=True, text=True).stdout)
    assert (summary["rows_read"], summary["eligible"]) == (36, 31)
    assert summary["excluded_by_reason"] == {"outside_locality": 5}
    assert summary["unit"]["name"] == "Xã Vĩnh Phú"
    assert summary["unit"]["province"] == "Tỉnh Phú Thọ"
    assert any("Vĩnh Tường" in name for name in summary["unit"]["predecessors"])
    assert summary["unit"]["neighbours"] > 100


def test_the_cli_refuses_an_unknown_code_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, _rows()[:2]))
    args = [
        sys.executable,
        "-m",
        "survey_app.ingest",
        str(path),
        "--unit-code",
        "99999",
        "--from",
        "2025-07-01",
        "--to",
        "2025-10-15",
    ]
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 2
    error = json.loads(result.stdout)
    assert error["error"] == "unknown_unit_code"
    assert "99999" in error["message_vi"] and "register" in error["message_en"]

"""Synthetic respondent lists for the ingest tests, written in the formats officers use."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import openpyxl

from survey_app.ingest import ListContext

CITIZEN_HEADER = [
    "STT",
    "Họ và tên",
    "Địa chỉ",
    "Số điện thoại",
    "Lĩnh vực TTHC",
    "Tên thủ tục hành chính",
    "Ngày nộp hồ sơ",
    "Ngày nhận kết quả",
    "Ghi chú",
]
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Người có công")
_PROCEDURES = (
    "Đăng ký khai sinh",
    "Chứng thực chữ ký",
    "Xác nhận nguồn gốc đất",
    "Trợ cấp xã hội hằng tháng",
    "Giải quyết chế độ thờ cúng liệt sĩ",
)
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
_GIVEN = ("Văn An", "Thị Bình", "Quang Hải", "Thu Hà", "Minh Đức", "Ngọc Lan", "Hữu Phúc")
WINDOW = (date(2021, 1, 1), date(2021, 10, 15))


def citizen_rows(count: int, unit: str = "Phú Đa") -> list[list[object]]:
    """``count`` distinct eligible citizens of ``unit``, with text dates and phones."""
    rows: list[list[object]] = []
    for i in range(count):
        name = f"{_FAMILY[i % 8]} {_GIVEN[i % 7]} {i}"
        day, month = 1 + i % 27, 1 + i % 9
        rows.append(
            [
                i + 1,
                name,
                f"Thôn Đông, xã {unit}, huyện Vĩnh Tường",
                f"09{(12345678 + i * 7919) % 100_000_000:08d}",
                FIELDS[i % 5],
                _PROCEDURES[i % 5],
                f"{day}/{month}/2021",
                f"{day + 1:02d}/{month:02d}/2021",
                None,
            ]
        )
    return rows


def context(unit: str = "Phú Đa", **extra: object) -> ListContext:
    """The campaign context of the fixtures' district for ``unit``."""
    others = ("An Bình", "Phú Đa", "Lũng Hòa", "Thổ Tang", "Vĩnh Ninh")
    values: dict[str, object] = {
        "date_from": WINDOW[0],
        "date_to": WINDOW[1],
        "unit_name": unit,
        "other_localities": tuple(o for o in others if o != unit),
        "procedure_fields": FIELDS,
    }
    values.update(extra)
    return ListContext(**values)  # type: ignore[arg-type]


def xlsx_bytes(
    header: Sequence[object], rows: Sequence[Sequence[object]], titles: Sequence[str] = ()
) -> bytes:
    """An .xlsx with optional title rows, a blank row, the header and the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for title in titles:
        sheet.append([title])
    if titles:
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(header: Sequence[object], rows: Sequence[Sequence[object]], delimiter: str) -> str:
    """Delimited text of the header and rows (None as empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()

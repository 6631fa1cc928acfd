"""Respondent lists for the demo province, written as the files officers send (XLSX, CSV, Word).

Each list goes through the real upload path (``lists.upload``), so the demo shows real reports:
a few citizens whose result came after the window, or who are listed twice, are excluded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
from docx import Document
from openpyxl import Workbook
from sqlalchemy.orm import Session

import designs
from survey_app.demo import data as demo_data
from survey_app.ingest import ParseLimits
from survey_app.persistence.models import Campaign, Unit
from survey_app.services import lists
from survey_app.services.designs import design_of

CITIZEN_HEADER = (
    "STT",
    "Họ và tên",
    "Địa chỉ",
    "Số điện thoại",
    "Lĩnh vực TTHC",
    "Tên thủ tục hành chính",
    "Ngày nộp hồ sơ",
    "Ngày nhận kết quả",
)
LEADER_HEADER = ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Số điện thoại", "Email")
GENERATED = ParseLimits(trusted=True)
"""The demo's own files are read in process (no child per file: the demo loads in seconds)."""
SKIP_EVERY = 17  # about one unit in seventeen has not sent its list yet
WORD_EVERY = 20  # some communes send a Word table, as in the seeds


def upload_all(session: Session, campaign: Campaign, rng: np.random.Generator) -> int:
    """Upload every demo unit's required lists (a few units are left missing); returns count."""
    count = 0
    units = sorted(campaign.units, key=lambda u: u.code)
    for index, unit in enumerate(units):
        if index % SKIP_EVERY == SKIP_EVERY - 1 and unit.parent_id is not None:
            continue
        for group in lists.required_groups(campaign, unit):
            spec = design_of(campaign).group(group)
            name, data = _file(unit, spec, campaign.year, rng, index)
            lists.upload(session, campaign, unit, group, name, data, None, limits=GENERATED)
            count += 1
    return count


def _file(
    unit: Unit, group: designs.Group, year: int, rng: np.random.Generator, index: int
) -> tuple[str, bytes]:
    title = f"DANH SÁCH {group.name.vi.upper()} — {unit.name.upper()}"
    transactions = group.list.kind is designs.ListKind.TRANSACTIONS
    if transactions:
        district = unit.parent.name if unit.parent else ""
        demo_unit = demo_data.DemoUnit(
            unit.code, unit.name, "commune", "", procedure_fields=tuple(unit.procedure_fields or ())
        )
        people = demo_data.citizens(rng, demo_unit, district, year, int(rng.integers(33, 46)))
        rows = [_citizen_row(i, p) for i, p in enumerate(people, start=1)]
        rows.append(rows[3])  # listed twice: the duplicate rule excludes it
        header = CITIZEN_HEADER
    else:
        count = 56 if unit.parent_id is None else int(rng.integers(3, 6))
        people = demo_data.delegates(rng, count) if count == 56 else demo_data.leaders(rng, count)
        rows = [
            (i, p.full_name, p.position, unit.name, p.phone, "")
            for i, p in enumerate(people, start=1)
        ]
        header = LEADER_HEADER
    if index % 3 == 0:
        return f"{unit.code}.csv", csv_file(header, rows)
    if index % WORD_EVERY == 1 and transactions:
        return f"{unit.code}.docx", _docx(title, header, rows)
    return f"{unit.code}.xlsx", xlsx_file(title, header, rows)


def _citizen_row(i: int, p: demo_data.Person) -> tuple[object, ...]:
    assert p.application_date and p.result_date
    return (
        i,
        p.full_name,
        p.address,
        p.phone,
        p.field,
        f"Thủ tục {p.field.lower()}",
        _vn(p.application_date),
        _vn(p.result_date),
    )


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def csv_file(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_file(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["", "Người lập biểu"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    document = Document()
    document.add_paragraph(title)
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

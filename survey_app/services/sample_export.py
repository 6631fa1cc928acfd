"""The respondent lists in the shape the Ministry asks for: one sheet per group with unit,
name, position, phone, email. Personal data: administrators only."""

from __future__ import annotations

import io

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from survey_app.persistence.enums import AuditAction, RespondentStatus
from survey_app.persistence.models import Campaign, Respondent, User
from survey_app.services import audit
from survey_app.services.designs import design_of
from survey_app.services.spreadsheet import safe_cell

HEADER = ("STT", "Đơn vị", "Họ và tên", "Chức vụ", "Số điện thoại", "Email", "Trọng số")


def respondents_xlsx(session: Session, campaign: Campaign, actor: User | None) -> bytes:
    """One sheet per group of the active respondents (reserves excluded); audited."""
    audit.record(
        session, AuditAction.EXPORT, user=actor, campaign_id=campaign.id, target="respondent_lists"
    )
    people = session.scalars(
        select(Respondent)
        .where(Respondent.campaign_id == campaign.id, Respondent.status == RespondentStatus.ACTIVE)
        .options(joinedload(Respondent.unit))
        .order_by(Respondent.group, Respondent.unit_id, Respondent.id)
    )
    by_group: dict[str, list[Respondent]] = {}
    design = design_of(campaign)
    for person in people:
        by_group.setdefault(person.group, []).append(person)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    used: set[str] = set()
    for group, rows in by_group.items():
        name = _sheet_name(design.group(group).name.vi if design.has_group(group) else group)
        if name.lower() in used:  # names alike in their first 31 characters
            name = _sheet_name(f"{name[: 31 - len(group) - 3]} ({group})")
        used.add(name.lower())
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, HEADER, bold)
        for i, p in enumerate(rows, start=1):
            values = (
                i,
                p.unit.name,
                p.full_name,
                p.position or "",
                p.phone or "",
                p.email or "",
                p.weight,
            )
            sheet.write_row(i, 0, [safe_cell(v) for v in values])
        sheet.set_column(1, 2, 30)
        sheet.set_column(3, 5, 18)
        sheet.freeze_panes(1, 0)
    if not by_group:
        book.add_worksheet("Trống").write(0, 0, "Chưa có người được chọn")
    book.close()
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join(" " if c in "[]:*?/\\" else c for c in name)[:31].strip() or "Nhom"

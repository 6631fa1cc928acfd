"""What the self-assessment hands out: a unit's report as PDF (to print, sign and keep) and
the council's workbook (every unit's points, index, rank and band, with a chart per peer
group). Both are built from what is stored; the workbook's cells are neutralised against
formula injection."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from designs import CampaignDesign
from survey_app.persistence.enums import AssessmentStatus, UnitStage
from survey_app.persistence.models import Assessment, Campaign, Unit, UnitAssessment
from survey_app.services.appraisal_pdf import ReportRow, UnitReport, unit_report_pdf
from survey_app.services.assessment import ReportView, vietnam_today
from survey_app.services.assessment_appraisal import CouncilLine
from survey_app.services.export_labels import VIETNAM
from survey_app.services.exports import safe_rows


def local_time(moment: dt.datetime | None) -> str:
    """A moment as Vietnamese offices write it: 14/12/2025 09:30 (Vietnam time)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def province_of(session: Session, campaign_id: int) -> str:
    """The name of the campaign's top unit ("Tỉnh Minh Sơn"), "" when it has none."""
    name = session.scalar(
        select(Unit.name)
        .where(Unit.campaign_id == campaign_id, Unit.parent_id.is_(None))
        .order_by(Unit.id)
        .limit(1)
    )
    return name or ""


def _place(province: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "TP. "):
        if province.startswith(prefix):
            return province[len(prefix) :]
    return province


def report_pdf(
    session: Session,
    report: UnitAssessment,
    view: ReportView,
    *,
    stage_name: str,
    show_appraised: bool,
    line: CouncilLine | None = None,
) -> bytes:
    """The unit's report: every line of its tree with its own score, the appraised score
    when the reader may see it, explanations, evidence and comments; the index block when
    the council's line is given."""
    campaign = report.unit.campaign
    assessment = session.get_one(Assessment, report.assessment_id)
    province = province_of(session, campaign.id)
    rows = []
    for node in view.rows:
        leaf = node.leaf
        rows.append(
            ReportRow(
                node.code,
                node.title,
                node.depth,
                node.max_points,
                (leaf.self_points if leaf else node.self_total) if _scored(node) else None,
                (
                    (leaf.appraised_points if leaf else node.appraised_total)
                    if show_appraised and _scored(node)
                    else None
                ),
                bool(leaf and not leaf.applicable),
                _note(leaf, show_appraised)
                if leaf
                else ("" if _scored(node) else _method_note(node.method)),
                leaf.comment if leaf and show_appraised else "",
            )
        )
    status = stage_name
    if view.submitted_at is not None:
        status += f" — nộp lúc {local_time(view.submitted_at)}"
        if view.submitted_late:
            status += " (nộp muộn)"
    rank = f"{line.rank}/{line.peers}" if line and line.rank else ""
    return unit_report_pdf(
        UnitReport(
            office="SỞ NỘI VỤ",
            office_parent=f"UBND {province.upper()}" if province else "",
            place=_place(province),
            document_number=assessment.document_number,
            date=vietnam_today(),
            title=(
                f"BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {campaign.year}"
            ),
            unit_name=view.unit_name,
            campaign_name=campaign.name,
            status=status,
            rows=tuple(rows),
            self_total=view.self_total,
            appraised_total=view.appraised_total if show_appraised else None,
            survey_points=line.survey_points if line else None,
            max_points=view.max_points,
            index_pct=line.index_pct if line else None,
            rank=rank,
            band=(line.band or "") if line else "",
            signer="THỦ TRƯỞNG ĐƠN VỊ",
        )
    )


def _scored(node: object) -> bool:
    """A line scored by appraisal (itself or under it)."""
    method = getattr(node, "method", None)
    return method is None or getattr(method, "value", "") == "appraisal"


def _method_note(method: object) -> str:
    value = getattr(method, "value", "")
    return {
        "survey": "Chấm qua điều tra xã hội học",
        "sipas": "Chấm theo Chỉ số hài lòng (SIPAS)",
    }.get(value, "")


def _note(leaf: object, with_requests: bool) -> str:
    from survey_app.services.assessment import LeafView

    assert isinstance(leaf, LeafView)
    parts = []
    if not leaf.applicable:
        return "Không áp dụng"
    if leaf.explanation:
        parts.append(leaf.explanation)
    if leaf.evidence:
        parts.append("Tài liệu: " + "; ".join(e.filename for e in leaf.evidence))
    for req in leaf.requests if with_requests else ():
        parts.append(f"Yêu cầu giải trình: {req.request}")
        if req.answer:
            parts.append(f"Giải trình: {req.answer}")
    return "\n".join(parts)


# --- the council's workbook ----------------------------------------------------------------

_HEADINGS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Cấp",
    "Tình trạng",
    "Điểm tự chấm",
    "Điểm thẩm định",
    "Điểm điều tra xã hội học",
    "Tổng điểm",
    "Chỉ số CCHC (%)",
    "Xếp hạng",
    "Xếp loại",
    "Tiêu chí có chênh lệch hoặc giải trình",
)


def council_workbook(
    campaign: Campaign,
    assessment: Assessment,
    lines: Sequence[CouncilLine],
    design: CampaignDesign,
    stage_names: Mapping[UnitStage, str],
) -> bytes:
    """One sheet per peer group of the council's table and a bar chart of the index, plus
    the points per field; marked as a draft until the council approves."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "border": 1})
    title = book.add_format({"bold": True, "font_size": 13})
    number = book.add_format({"num_format": "#,##0.00"})
    order = [lv.code for lv in design.levels]
    levels = sorted(
        {x.row.level for x in lines}, key=lambda c: order.index(c) if c in order else 99
    )
    state = {
        AssessmentStatus.OPEN: "DỰ THẢO — chưa được Hội đồng thẩm định phê duyệt",
        AssessmentStatus.APPROVED: f"Hội đồng thẩm định đã phê duyệt: {assessment.decision or ''}",
        AssessmentStatus.PUBLISHED: f"Đã công bố. Phê duyệt: {assessment.decision or ''}",
    }[assessment.status]
    used: set[str] = set()
    for level in levels:
        name = design.level(level).name.vi if design.has_level(level) else level
        sheet = book.add_worksheet(_sheet_name(name, used))
        sheet.write_string(0, 0, f"{campaign.name} — {name}", title)
        sheet.write_string(1, 0, state)
        for c, heading in enumerate(_HEADINGS):
            sheet.write_string(3, c, heading, bold)
        part = sorted(
            (x for x in lines if x.row.level == level),
            key=lambda x: (x.rank is None, x.rank or 0, x.row.unit_code),
        )
        values = [
            [
                x.row.unit_code,
                x.row.unit_name,
                name,
                stage_names.get(x.row.stage, ""),
                x.row.self_total,
                x.row.appraised_total,
                x.survey_points,
                x.points,
                x.index_pct,
                x.rank,
                x.band or "",
                ", ".join(x.row.disputed),
            ]
            for x in part
        ]
        for r, row in enumerate(safe_rows(values), start=4):
            for c, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(r, c, value, number if c in (4, 5, 6, 7, 8) else None)
                elif value not in (None, ""):
                    sheet.write_string(r, c, str(value))
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 40)
        sheet.set_column(2, 3, 22)
        sheet.set_column(4, 10, 13)
        sheet.set_column(11, 11, 40)
        sheet.freeze_panes(4, 2)
        if part:
            chart = book.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": "Chỉ số CCHC (%)",
                    "categories": [sheet.name, 4, 1, 3 + len(part), 1],
                    "values": [sheet.name, 4, 8, 3 + len(part), 8],
                    "data_labels": {"value": True, "num_format": "0.00"},
                }
            )
            chart.set_title({"name": f"Chỉ số CCHC — {name}"})
            chart.set_legend({"none": True})
            chart.set_x_axis({"min": 0, "max": 100})
            chart.set_y_axis({"reverse": True})
            chart.set_size({"width": 720, "height": max(320, 22 * len(part) + 80)})
            sheet.insert_chart(4, 13, chart)
    _fields_sheet(book, lines, bold, number)
    book.close()
    return out.getvalue()


def _fields_sheet(
    book: xlsxwriter.Workbook,
    lines: Sequence[CouncilLine],
    bold: xlsxwriter.format.Format,
    number: xlsxwriter.format.Format,
) -> None:
    """Own and appraised points per field, one row per unit."""
    fields = sorted(
        {f for x in lines for f in x.row.self_by_field},
        key=lambda c: (int(c), "") if c.isdigit() else (10**6, c),
    )
    sheet = book.add_worksheet("Điểm theo lĩnh vực")
    headings = ["Mã đơn vị", "Tên đơn vị"]
    for f in fields:
        headings += [f"Lĩnh vực {f}: tự chấm", f"Lĩnh vực {f}: thẩm định"]
    for c, heading in enumerate(headings):
        sheet.write_string(0, c, heading, bold)
    for r, x in enumerate(lines, start=1):
        for c, value in enumerate(safe_rows([[x.row.unit_code, x.row.unit_name]])[0]):
            sheet.write_string(r, c, str(value))
        for i, f in enumerate(fields):
            sheet.write_number(r, 2 + 2 * i, x.row.self_by_field.get(f, 0.0), number)
            sheet.write_number(r, 3 + 2 * i, x.row.appraised_by_field.get(f, 0.0), number)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 1 + 2 * len(fields), 12)
    sheet.freeze_panes(1, 2)


def _sheet_name(name: str, used: set[str]) -> str:
    """A worksheet name (31 characters, none of []:*?/\\), unique in the workbook."""
    cleaned = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Đơn vị"
    candidate, n = cleaned, 2
    while candidate.lower() in used:
        candidate = f"{cleaned[:27]} ({n})"
        n += 1
    used.add(candidate.lower())
    return candidate

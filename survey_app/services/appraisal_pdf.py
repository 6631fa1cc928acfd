"""A unit's self-assessment and appraisal report as PDF: the national heading, the title, the
unit, the criteria table (Mã | Tiêu chí | Điểm tối đa | Tự chấm | Thẩm định | Ghi chú; fields
in bold, the header row on every page), the totals and the index, the signature block, and
"Trang 2/5" at the foot of each page.

Pure: the appraisal service fills :class:`UnitReport` and calls :func:`unit_report_pdf`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from survey_app.services import pdf

HEADERS = ("Mã", "Tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định", "Ghi chú")
WIDTHS = tuple(w * mm for w in (13, 62, 16, 16, 17)) + (pdf.FRAME_WIDTH - 124 * mm,)
FIELD_SHADE = colors.Color(0.94, 0.94, 0.94)
SIGNATURE_NOTE = "(Ký, ghi rõ họ tên và đóng dấu)"


@dataclass(frozen=True)
class ReportRow:
    code: str  # "1", "1.1", "1.1.2"
    title: str  # Vietnamese title
    depth: int  # 0 field, 1 criterion, 2 sub-criterion
    max_points: float
    self_points: float | None  # None: not scored / not applicable
    appraised_points: float | None
    not_applicable: bool
    note: str  # the unit's explanation or evidence list (may be "")
    comment: str  # the appraiser's comment (may be "")


@dataclass(frozen=True)
class UnitReport:
    office: str  # "SỞ NỘI VỤ"
    office_parent: str  # "UBND TỈNH MINH SƠN"
    place: str  # "Minh Sơn"
    document_number: str  # may be ""
    date: dt.date
    title: str  # "BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025"
    unit_name: str
    campaign_name: str
    status: str  # already-translated status text, e.g. "Đã nộp lúc 14/12/2025 09:30"
    rows: tuple[ReportRow, ...]
    self_total: float
    appraised_total: float | None
    survey_points: float | None
    max_points: float
    index_pct: float | None
    rank: str  # e.g. "3/14" or ""
    band: str  # e.g. "Khá" or ""
    signer: str  # e.g. "THỦ TRƯỞNG ĐƠN VỊ" (signature block title, bottom right)


def unit_report_pdf(report: UnitReport) -> bytes:
    """The report as PDF bytes (A4, fonts embedded, numbered pages)."""
    return pdf.build_numbered(lambda: _story(report), report.title, report.office)


def _story(report: UnitReport) -> list[Flowable]:
    styles = pdf.styles()
    issuer = pdf.Issuer(
        report.office_parent, report.office, report.document_number, report.place, report.date
    )
    return [
        pdf.national_heading(issuer),
        Spacer(1, 8 * mm),
        pdf.paragraph(report.title, styles.title),
        Spacer(1, 4 * mm),
        Paragraph(f"Đơn vị: <b>{pdf.markup(report.unit_name)}</b>", styles.body),
        pdf.paragraph(f"Đợt đánh giá: {report.campaign_name}", styles.body),
        pdf.paragraph(f"Tình trạng: {report.status}", styles.body),
        Spacer(1, 3 * mm),
        _criteria_table(report),
        Spacer(1, 5 * mm),
        KeepTogether(  # the results and the signature on one page
            [*_results(report), Spacer(1, 6 * mm), pdf.signature(report.signer, "", SIGNATURE_NOTE)]
        ),
    ]


def _criteria_table(report: UnitReport) -> Table:
    """The criteria, then a total row: the fields' maximum points summed (the column's own
    total; ``max_points`` of the report is in the results below), the two totals given."""
    styles = pdf.styles()
    header = [pdf.paragraph(text, _centred(styles.cell), bold=True) for text in HEADERS]
    body = [_row(row) for row in report.rows]
    field_max = sum(row.max_points for row in report.rows if row.depth == 0)
    total = [
        pdf.paragraph("Tổng điểm", styles.cell, bold=True),
        "",
        *(
            pdf.paragraph(pdf.number(value), styles.cell_right, bold=True)
            for value in (field_max, report.self_total, report.appraised_total)
        ),
        "",
    ]
    last = len(body) + 1
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, number), (-1, number), FIELD_SHADE)
        for number, row in enumerate(report.rows, start=1)
        if row.depth == 0
    ]
    commands.append(("SPAN", (0, last), (1, last)))
    return pdf.grid([header, *body, total], WIDTHS, commands=commands)


def _row(row: ReportRow) -> list[Flowable]:
    """One row of the table: a field in bold, a sub-criterion indented."""
    styles = pdf.styles()
    bold = row.depth == 0
    title_style = ParagraphStyle(
        f"title{row.depth}", parent=styles.cell, leftIndent=6 * max(row.depth - 1, 0)
    )
    self_points = None if row.not_applicable else row.self_points
    appraised = None if row.not_applicable else row.appraised_points
    return [
        pdf.paragraph(row.code, styles.cell, bold=bold),
        pdf.paragraph(row.title, title_style, bold=bold),
        *(
            pdf.paragraph(pdf.number(value), styles.cell_right, bold=bold)
            for value in (row.max_points, self_points, appraised)
        ),
        Paragraph(_note(row), styles.cell),
    ]


def _note(row: ReportRow) -> str:
    """The note cell as markup: "Không áp dụng", the unit's note, the appraiser's comment."""
    parts = ["<i>Không áp dụng.</i>"] if row.not_applicable else []
    if row.note:
        parts.append(pdf.markup(row.note))
    if row.comment:
        parts.append(f"<i>Thẩm định: {pdf.markup(row.comment)}</i>")
    return "<br/>".join(parts)


def _results(report: UnitReport) -> list[Flowable]:
    """The totals and the index, two columns without rules."""
    styles = pdf.styles()
    appraised = pdf.number(report.appraised_total) if report.appraised_total is not None else ""
    survey = pdf.number(report.survey_points) if report.survey_points is not None else ""
    index = f"{pdf.number(report.index_pct)}%" if report.index_pct is not None else ""
    lines = [
        ("Tổng điểm tự chấm", pdf.number(report.self_total)),
        ("Tổng điểm thẩm định", appraised or "chưa thẩm định"),
        ("Điểm điều tra xã hội học", survey or "chưa có"),
        ("Tổng điểm tối đa", pdf.number(report.max_points)),
        ("Chỉ số cải cách hành chính", index or "chưa tính"),
    ]
    if report.rank:
        lines.append(("Xếp hạng", report.rank))
    if report.band:
        lines.append(("Xếp loại", report.band))
    table = pdf.table(
        [
            [pdf.paragraph(f"{label}:", styles.body), pdf.paragraph(value, styles.body, bold=True)]
            for label, value in lines
        ],
        [70 * mm, pdf.FRAME_WIDTH - 70 * mm],
        [
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ],
    )
    return [pdf.paragraph("KẾT QUẢ", styles.body, bold=True), table]


def _centred(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_centred", parent=style, alignment=TA_CENTER)

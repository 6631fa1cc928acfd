"""Shared pieces of the PDF documents (appraisal reports, invitation letters), with ReportLab.

A4 pages in the layout of official Vietnamese documents (Nghị định 30/2020/NĐ-CP, Phụ lục I):
the national heading, the place and date line, numbers with a decimal comma. The Vietnamese
glyphs come from Debian's DejaVu fonts, embedded (ReportLab subsets TrueType fonts by itself),
so a PDF prints the same on any office PC. Text from people (names, notes) is always escaped
before it reaches ReportLab's paragraph markup, and put in NFC form (DejaVu has the composed
glyphs; decomposed marks from some keyboards would be placed badly).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
FONT_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}
FONT_PACKAGES = "fonts-dejavu-core and fonts-dejavu-extra"

PAGE_SIZE = A4
# Margins of Nghị định 30/2020, Phụ lục I, II.1: top and bottom 20-25 mm, left 30-35 mm,
# right 15-20 mm.
MARGINS = (20 * mm, 15 * mm, 20 * mm, 30 * mm)  # top, right, bottom, left
FRAME_WIDTH = PAGE_SIZE[0] - MARGINS[1] - MARGINS[3]
FRAME_HEIGHT = PAGE_SIZE[1] - MARGINS[0] - MARGINS[2]
MISSING = "–"


class FontsMissing(RuntimeError):
    """The DejaVu font files are not where Debian puts them."""


@dataclass(frozen=True)
class Issuer:
    """Who issues a document, for its heading: "UBND TỈNH MINH SƠN" over "SỞ NỘI VỤ",
    "Số: 123/SNV-CCHC" (left out when ``document_number`` is ""), and the place of the date
    line ("Minh Sơn, ngày 04 tháng 12 năm 2026")."""

    office_parent: str
    office: str
    document_number: str
    place: str
    date: dt.date


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every document (sizes in points: DejaVu Sans is wider than
    Times New Roman, so 11 pt fills a line about as the 13 pt of Nghị định 30/2020 does)."""

    body: ParagraphStyle
    centred: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    code: ParagraphStyle


def register_fonts(directory: Path = FONT_DIR) -> None:
    """Register the DejaVu Sans faces with ReportLab (once per process and directory); raise
    FontsMissing, naming the files and the Debian packages, when any is absent."""
    _register(str(directory))


@functools.cache
def _register(directory: str) -> None:
    missing = [name for name in FONT_FILES.values() if not (Path(directory) / name).is_file()]
    if missing:
        raise FontsMissing(
            f"PDF fonts not found in {directory}: {', '.join(missing)} "
            f"(install the Debian packages {FONT_PACKAGES})"
        )
    for face, name in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(face, str(Path(directory) / name)))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD
    )


@functools.cache
def styles() -> Styles:
    """The shared styles (fonts registered first)."""
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=REGULAR, fontSize=11, leading=15, alignment=TA_LEFT, spaceAfter=3
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    return Styles(
        body=body,
        centred=ParagraphStyle("centred", parent=body, alignment=TA_CENTER),
        title=ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=13, leading=17, alignment=TA_CENTER
        ),
        heading=ParagraphStyle(
            "heading", parent=body, fontSize=10.5, leading=13.5, alignment=TA_CENTER
        ),
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        cell=cell,
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        code=ParagraphStyle("code", parent=body, fontSize=17, leading=24, alignment=TA_CENTER),
    )


def markup(text: str) -> str:
    """Text from people as paragraph markup: NFC, ``<``, ``>`` and ``&`` escaped, line breaks
    kept. Whatever a name holds ("<b>", "=HYPERLINK(…)") prints as the characters it is."""
    cleaned = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return escape(cleaned).replace("\n", "<br/>")


def unbroken(text: str) -> str:
    """:func:`markup` with no line break inside (a phone number: "0203 3826 123")."""
    return markup(text).replace(" ", "\u00a0")


def paragraph(text: str, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """A wrapping paragraph of plain text (escaped by :func:`markup`), bold if asked."""
    body = markup(text)
    return Paragraph(f"<b>{body}</b>" if bold else body, style)


def number(value: float | None, digits: int = 2) -> str:
    """A number in Vietnamese form: 85,25 and 1.234,5 (at most ``digits`` decimals, trailing
    zeros dropped; Babel rounds half to even, as the web pages do), a dash for None."""
    if value is None:
        return MISSING
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return str(format_decimal(value, pattern, locale="vi_VN"))


def short_date(value: dt.date) -> str:
    """dd/mm/yyyy, the one date format of the interface."""
    return value.strftime("%d/%m/%Y")


def date_line(place: str, date: dt.date) -> str:
    """ "Minh Sơn, ngày 04 tháng 12 năm 2026": Nghị định 30/2020, Phụ lục I, II.5 writes a 0
    before days under 10 and before months 1 and 2 (ngày 04 tháng 02, but tháng 3)."""
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def national_heading(issuer: Issuer) -> Table:
    """The heading block: the issuing office with the document number on the left, the
    national title and motto (with its rule) and the italic date line on the right."""
    style = styles().heading
    left_width, right_width = FRAME_WIDTH * 0.4, FRAME_WIDTH * 0.6
    office = issuer.office.upper()
    motto = "Độc lập – Tự do – Hạnh phúc"
    left: list[Flowable] = [
        paragraph(issuer.office_parent.upper(), style),
        paragraph(office, style, bold=True),
        _rule(min(_width(office, BOLD, style.fontSize) * 0.45, left_width * 0.5)),
    ]
    right: list[Flowable] = [
        paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style, bold=True),
        paragraph(motto, ParagraphStyle("motto", parent=style, fontSize=11), bold=True),
        _rule(_width(motto, BOLD, 11)),
    ]
    number_text = f"Số: {issuer.document_number}" if issuer.document_number else ""
    date_text = f"<i>{markup(date_line(issuer.place, issuer.date))}</i>"
    return table(
        [[left, right], [paragraph(number_text, style), Paragraph(date_text, style)]],
        [left_width, right_width],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 6),
        ],
    )


def signature(title: str, name: str = "", note: str = "", room: float = 22 * mm) -> Table:
    """The signature block, on the right half of the page: the title in bold (a line of its
    own for each line of ``title``), ``note`` in italics ("(Ký, ghi rõ họ tên và đóng dấu)"),
    ``room`` to sign, and the signer's name in bold."""
    style = styles().heading
    block: list[Flowable] = [paragraph(title, style, bold=True)]
    if note:
        block.append(Paragraph(f"<i>{markup(note)}</i>", style))
    block += [Spacer(1, room), paragraph(name, style, bold=True)]
    return table(
        [["", block]],
        [FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.55],
        [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)],
    )


class SharedBlock(Flowable):
    """Flowables drawn once per document as a PDF form (an XObject) and placed by reference
    wherever the block appears again: the parts that every letter of a batch shares cost
    their layout and their bytes once, not once per page. Use one instance per document
    (forms are named per canvas) and the same instance for every use."""

    def __init__(self, name: str, flowables: Sequence[Flowable], width: float) -> None:
        super().__init__()
        self.name = name
        self.flowables = list(flowables)
        self.width = width
        self.height = 0.0
        self._placed: list[tuple[Flowable, float]] = []

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        if not self._placed:
            self._layout()
        return self.width, self.height

    def _layout(self) -> None:
        """Each flowable's height from the block's top, and the block's height."""
        top = 0.0
        for number, flowable in enumerate(self.flowables):
            if number:
                top += flowable.getSpaceBefore()
            _, height = flowable.wrap(self.width, FRAME_HEIGHT)
            top += height
            self._placed.append((flowable, top))
            if number < len(self.flowables) - 1:
                top += flowable.getSpaceAfter()
        self.height = top

    def draw(self) -> None:
        canvas = self.canv
        if not canvas.hasForm(self.name):
            canvas.beginForm(self.name, -2, -2, self.width + 2, self.height + 2)
            for flowable, bottom in self._placed:
                flowable.drawOn(canvas, 0, self.height - bottom)
            canvas.endForm()
        canvas.doForm(self.name)


def _rule(width: float) -> HRFlowable:
    return HRFlowable(
        width=width, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=2, hAlign="CENTER"
    )


def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(unicodedata.normalize("NFC", text), font, size))


def grid(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    commands: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A ruled table whose cells are paragraphs (so long text wraps), its ``header_rows``
    (at least one) shaded and repeated on every page, split across pages by row and inside a
    row too tall for a page."""
    return table(
        rows,
        widths,
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.88, 0.88, 0.88)),
            *commands,
        ],
        repeatRows=header_rows,
        splitInRow=1,
    )


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    commands: Sequence[tuple[Any, ...]] = (),
    **options: Any,
) -> Table:
    """A ReportLab table whose cells default to DejaVu Sans (ReportLab's default, Helvetica,
    would be listed as an unembedded font of every PDF); ``options`` go to ``Table``."""
    made = Table([list(row) for row in rows], colWidths=list(widths), **options)
    made.setStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])
    return made


PageHook = Callable[[Canvas, BaseDocTemplate], None]


def document(
    buffer: io.BytesIO, title: str, author: str, on_page: PageHook | None = None
) -> BaseDocTemplate:
    """An A4 document with the official margins (one frame, no padding: flowables get exactly
    FRAME_WIDTH), compressed, and byte-for-byte the same for the same content (``invariant``:
    no random id, and the metadata's creation date fixed at 2000-01-01; the document's own
    date is on its face). ``on_page`` draws on each page (a footer)."""
    register_fonts()
    top, right, bottom, left = MARGINS
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        title=title,
        author=author,
        pageCompression=1,
        invariant=1,
        initialFontName=REGULAR,  # else the canvas starts with Helvetica, listed unembedded
        initialFontSize=11,
    )
    frame = Frame(left, bottom, FRAME_WIDTH, FRAME_HEIGHT, 0, 0, 0, 0, id="body", showBoundary=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=on_page or _blank)])
    return doc


def _blank(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """Nothing drawn around the frame."""


def build(story: list[Flowable], title: str, author: str) -> bytes:
    """The PDF of ``story`` (no page numbers)."""
    buffer = io.BytesIO()
    document(buffer, title, author).build(story)
    return buffer.getvalue()


def build_numbered(make_story: Callable[[], list[Flowable]], title: str, author: str) -> bytes:
    """A document with "Trang 2/5" at the foot of every page. It is laid out twice: the first
    pass counts the pages (``make_story`` gives fresh flowables each time, as layout consumes
    them)."""
    pages: list[int] = []
    document(io.BytesIO(), title, author, lambda canvas, doc: pages.append(1)).build(make_story())
    buffer = io.BytesIO()
    document(buffer, title, author, _page_number(len(pages))).build(make_story())
    return buffer.getvalue()


def _page_number(total: int) -> PageHook:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8.5)
        canvas.drawCentredString(
            MARGINS[3] + FRAME_WIDTH / 2, MARGINS[2] / 2, f"Trang {canvas.getPageNumber()}/{total}"
        )
        canvas.restoreState()

    return draw

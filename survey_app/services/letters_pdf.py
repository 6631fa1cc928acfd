"""Invitation letters as one PDF, one A4 page per letter (issue #17: the HTML letters of a
whole sample came to 56 MB, each inline QR SVG 15.7 KB).

Pure: the caller reads the letters (``invitations.letters``) and the campaign, and decides
how to batch them (one file per unit, or a batch). A letter carries the national heading of
the sending office, "Kính gửi Ông/Bà …", why and how long (the questionnaire's own estimated
minutes), the personal link as a QR code and as text, the short code with the page to type
it on, the reply-by date, the hotline, the other ways to answer (phone, paper) and the
promise of confidentiality. Each letter is kept to its page: a letter that would overflow
(a very long name or unit) is shrunk to fit rather than spill onto the next person's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Paragraph, Spacer, Table

from survey_app.services import pdf
from survey_app.services.pdf_qr import QrCode, qr_modules

QR_SIZE = 36 * mm
TITLE = "GIẤY MỜI THAM GIA KHẢO SÁT"


@dataclass(frozen=True)
class LetterData:
    """One letter: a person and one of their links (a person who rates several units gets
    one letter per link).

    ``url`` is the personal link (in the QR code and printed small); ``short_code`` is the
    code as printed, "ABCDE-FGHJK" (``invitations.format_short_code``); ``estimated_minutes``
    is the questionnaire's own (``Instrument.estimated_minutes``); ``rated_unit_name`` is the
    unit the form rates, "" when it is the person's own unit.
    """

    full_name: str
    unit_name: str
    url: str
    short_code: str
    estimated_minutes: int
    rated_unit_name: str = ""


@dataclass(frozen=True)
class LetterHeading:
    """What every letter of a campaign shares.

    ``issuer``: the sending office's heading (its document number, the date of the letters);
    ``sender``: the office as the text names it ("Sở Nội vụ tỉnh Minh Sơn");
    ``campaign_name``: "Khảo sát sự hài lòng của người dân năm 2026"; ``code_url``: the page
    where a short code is typed ("https://khaosat.minhson.gov.vn/c"); ``reply_by``: the last
    day to answer (the campaign's end); ``hotline``: the number to check the letter, ask for
    help, answer by phone or ask for a paper form; ``signer`` (lines of the signature title,
    "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC") and ``signer_name``: the signature block, left out when "".
    """

    issuer: pdf.Issuer
    sender: str
    campaign_name: str
    code_url: str
    reply_by: dt.date
    hotline: str
    signer: str = ""
    signer_name: str = ""


def letters_pdf(letters: Sequence[LetterData], heading: LetterHeading) -> bytes:
    """The PDF of ``letters``, in their order, one A4 page each (at least one letter).

    What every letter shares (the heading, the ways to answer, the closing) is laid out once
    and drawn by reference (:class:`pdf.SharedBlock`); only the person's lines, the rated
    unit, the QR code, the short code and the link are laid out per page."""
    if not letters:
        raise ValueError("no letters to print")
    parts = _Parts(heading)
    story: list[Flowable] = []
    for number, letter in enumerate(letters):
        if number:
            story.append(PageBreak())
        story.append(
            KeepInFrame(pdf.FRAME_WIDTH, pdf.FRAME_HEIGHT, parts.letter(letter), mode="shrink")
        )
    return pdf.build(story, TITLE.capitalize(), heading.issuer.office)


class _Parts:
    """The shared blocks of one document, made on first use."""

    def __init__(self, heading: LetterHeading) -> None:
        self.heading = heading
        self.styles = pdf.styles()
        self.blocks: dict[str, pdf.SharedBlock] = {}
        self.ways_width = pdf.FRAME_WIDTH - QR_SIZE - 6 * mm

    def shared(self, key: str, make: Callable[[], list[Flowable]], width: float) -> Flowable:
        if key not in self.blocks:
            self.blocks[key] = pdf.SharedBlock(f"letter{len(self.blocks)}", make(), width)
        return self.blocks[key]

    def letter(self, letter: LetterData) -> list[Flowable]:
        """One letter's flowables."""
        name = pdf.markup(letter.full_name)
        unit = f" – {pdf.markup(letter.unit_name)}" if letter.unit_name else ""
        minutes = letter.estimated_minutes
        story = [
            self.shared("head", self._head, pdf.FRAME_WIDTH),
            Paragraph(f"Kính gửi: Ông/Bà <b>{name}</b>{unit}", self.styles.body),
            Spacer(1, 3 * mm),
            self.shared(f"why{minutes}", lambda: self._why(minutes), pdf.FRAME_WIDTH),
        ]
        if letter.rated_unit_name and letter.rated_unit_name != letter.unit_name:
            rated = pdf.markup(letter.rated_unit_name)
            story.append(
                Paragraph(f"Phiếu này để Ông/Bà đánh giá: <b>{rated}</b>.", self.styles.body)
            )
        story += [
            Spacer(1, 4 * mm),
            self._how_to_answer(letter),
            Spacer(1, 2 * mm),
            pdf.paragraph(f"Đường dẫn riêng của Ông/Bà: {letter.url}", self.styles.small),
            Spacer(1, 3 * mm),
            self.shared("closing", self._closing, pdf.FRAME_WIDTH),
        ]
        return story

    def _head(self) -> list[Flowable]:
        return [
            pdf.national_heading(self.heading.issuer),
            Spacer(1, 9 * mm),
            pdf.paragraph(TITLE, self.styles.title),
            pdf.paragraph(self.heading.campaign_name, self.styles.centred),
            Spacer(1, 6 * mm),
        ]

    def _why(self, minutes: int) -> list[Flowable]:
        return [
            pdf.paragraph(
                f"{self.heading.sender} đang thực hiện {self.heading.campaign_name}. Ông/Bà"
                " được chọn để cho ý kiến. Ý kiến của Ông/Bà giúp cơ quan hành chính phục vụ"
                f" người dân tốt hơn. Phiếu mất khoảng {minutes} phút; Ông/Bà có thể dừng lại"
                " và tiếp tục sau.",
                self.styles.body,
            )
        ]

    def _how_to_answer(self, letter: LetterData) -> Table:
        """The box with the three ways to answer: the QR code, the short code, the hotline."""
        ways = [
            self.shared("ways", self._ways, self.ways_width),
            pdf.paragraph(letter.short_code, self.styles.code, bold=True),
            self.shared("phone", self._phone, self.ways_width),
        ]
        box = pdf.table(
            [[QrCode(qr_modules(letter.url), QR_SIZE), ways]],
            [pdf.FRAME_WIDTH - self.ways_width, self.ways_width],
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (1, 0), (1, 0), 0),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
            ],
        )
        return box

    def _ways(self) -> list[Flowable]:
        code_url = pdf.markup(self.heading.code_url)
        return [
            Paragraph(
                "<b>Cách 1:</b> quét mã QR bên cạnh bằng camera điện thoại.", self.styles.body
            ),
            Paragraph(
                f"<b>Cách 2:</b> mở trang <b>{code_url}</b> và nhập mã phiếu:", self.styles.body
            ),
        ]

    def _phone(self) -> list[Flowable]:
        if not self.heading.hotline:
            return [
                Paragraph(
                    "<b>Cách 3:</b> báo cán bộ đã gửi thư này để trả lời qua điện thoại với"
                    " điều tra viên, hoặc để nhận phiếu giấy.",
                    self.styles.body,
                )
            ]
        hotline = pdf.unbroken(self.heading.hotline)
        return [
            Paragraph(
                f"<b>Cách 3:</b> gọi <b>{hotline}</b> để trả lời qua điện thoại với điều tra"
                " viên, hoặc để nhận phiếu giấy.",
                self.styles.body,
            )
        ]

    def _closing(self) -> list[Flowable]:
        heading, styles = self.heading, self.styles
        hotline = pdf.unbroken(heading.hotline)
        story: list[Flowable] = [
            Paragraph(
                f"Xin Ông/Bà trả lời trước ngày <b>{pdf.short_date(heading.reply_by)}</b>."
                " Mỗi người chỉ trả lời một lần.",
                styles.body,
            ),
            pdf.paragraph(
                "Ý kiến của Ông/Bà được giữ bí mật: chỉ dùng để tổng hợp số liệu thống kê,"
                " không công bố kèm tên của bất kỳ ai. Mã phiếu và đường dẫn là của riêng"
                " Ông/Bà, xin đừng chuyển cho người khác.",
                styles.body,
            ),
            *(
                [
                    Paragraph(
                        "Để kiểm tra giấy mời này là thật hoặc cần hỗ trợ, xin gọi đường dây"
                        f" nóng <b>{hotline}</b>.",
                        styles.body,
                    )
                ]
                if heading.hotline
                else []
            ),
            Spacer(1, 3 * mm),
            pdf.paragraph("Trân trọng cảm ơn Ông/Bà!", styles.body),
        ]
        if heading.signer or heading.signer_name:
            story += [
                Spacer(1, 4 * mm),
                pdf.signature(heading.signer, heading.signer_name, room=14 * mm),
            ]
        return story

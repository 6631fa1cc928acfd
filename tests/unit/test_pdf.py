"""The shared PDF pieces (survey_app/services/pdf.py) and the QR codes of the letters
(survey_app/services/pdf_qr.py)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph

from survey_app.services import pdf
from survey_app.services.pdf_qr import QrCode, lost_points, qr_modules

ISSUER = pdf.Issuer(
    "UBND TỈNH MINH SƠN", "SỞ NỘI VỤ", "123/SNV-CCHC", "Minh Sơn", dt.date(2026, 12, 4)
)


def pages_text(body: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (test extra)")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 12, 4), "Minh Sơn, ngày 04 tháng 12 năm 2026"),
        (dt.date(2026, 2, 15), "Minh Sơn, ngày 15 tháng 02 năm 2026"),
        (dt.date(2026, 1, 31), "Minh Sơn, ngày 31 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "Minh Sơn, ngày 09 tháng 3 năm 2026"),
    ],
)
def test_date_line_writes_the_zeros_of_decree_30(date: dt.date, expected: str) -> None:
    assert pdf.date_line("Minh Sơn", date) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(85.25, "85,25"), (1234.5, "1.234,5"), (2.0, "2"), (0.756, "0,76"), (None, "–")],
)
def test_numbers_have_a_decimal_comma(value: float | None, expected: str) -> None:
    assert pdf.number(value) == expected


def test_markup_escapes_and_composes() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert pdf.markup(f"<b>{decomposed}</b> & =SUM(A1)\nx") == (
        "&lt;b&gt;Nguyễn&lt;/b&gt; &amp; =SUM(A1)<br/>x"
    )
    assert pdf.unbroken("0203 3826 123") == "0203\u00a03826\u00a0123"


def test_missing_fonts_are_named_with_their_package(tmp_path: Path) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    with pytest.raises(pdf.FontsMissing) as raised:
        pdf.register_fonts(tmp_path)
    message = str(raised.value)
    assert "DejaVuSans-Bold.ttf" in message and "DejaVuSans-Oblique.ttf" in message
    assert "DejaVuSans.ttf," not in message  # present, so not listed
    assert "fonts-dejavu-core" in message


def heading_pdf() -> bytes:
    return pdf.build([pdf.national_heading(ISSUER)], "Thử", "SỞ NỘI VỤ")


def test_national_heading_with_embedded_fonts() -> None:
    body = heading_pdf()
    assert body.startswith(b"%PDF-")
    (text,) = pages_text(body)
    for line in (
        "UBND TỈNH MINH SƠN",
        "SỞ NỘI VỤ",
        "Số: 123/SNV-CCHC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Minh Sơn, ngày 04 tháng 12 năm 2026",
    ):
        assert line in text
    assert b"/FontFile2" in body  # TrueType embedded (subset)
    assert b"+DejaVuSans-Bold" in body and b"+DejaVuSans-Oblique" in body
    assert b"Helvetica" not in body  # no unembedded base font left over


def test_the_same_content_gives_the_same_bytes() -> None:
    assert heading_pdf() == heading_pdf()


def test_numbered_pages() -> None:
    def story() -> list[Flowable]:
        flowables: list[Flowable] = []
        for page in range(3):
            flowables += [Paragraph(f"Nội dung trang {page + 1}", pdf.styles().body), PageBreak()]
        return flowables[:-1]

    texts = pages_text(pdf.build_numbered(story, "Thử", "SỞ NỘI VỤ"))
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number}/3" in text and f"Nội dung trang {number}" in text


def test_a_shared_block_is_one_form_drawn_by_reference() -> None:
    block = pdf.SharedBlock("head", [pdf.national_heading(ISSUER)], pdf.FRAME_WIDTH)
    once = pdf.build([block], "Thử", "x")
    story: list[Flowable] = []
    for _ in range(5):
        story += [block, PageBreak()]
    five = pdf.build(story[:-1], "Thử", "x")
    assert once.count(b"/Subtype /Form") == five.count(b"/Subtype /Form") == 1
    texts = pages_text(five)
    assert len(texts) == 5 and all("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t for t in texts)


LINKS = [
    "https://khaosat.minhson.gov.vn/s/"
    + "".join(np.random.default_rng(n).choice(list("aZ9_-"), 43))
    for n in range(30)
]
OTHER_TEXTS = ["a", "HELLO WORLD", "0123456789", "Nguyễn Thị Ánh", "1" * 700] + [
    "x" * n
    for n in (20, 90, 180, 300, 600)  # versions with blocks of two sizes
]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_qr_symbols_are_reportlabs_own(level: str) -> None:
    """Golden: ReportLab's QRCode.make (its own check bytes and mask choice) gives the same
    symbol."""
    for text in LINKS + OTHER_TEXTS:
        code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
        code.addData(text)
        code.make()
        assert np.array_equal(qr_modules(text, level), np.array(code.modules, dtype=bool)), text


def test_text_too_long_for_a_qr_code_is_refused() -> None:
    with pytest.raises(ValueError, match="too long for a QR code"):
        qr_modules("x" * 3000, "H")


def test_mask_penalties_are_reportlabs() -> None:
    for text in LINKS[:10]:
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(text)
        code.version = code.calculate_version()
        candidates, expected = [], []
        for mask in range(8):
            code.makeImpl(True, mask)
            candidates.append(code.modules)
            expected.append(qrencoder.QRUtil.getLostPoint(code))
        assert lost_points(np.array(candidates, dtype=bool)).tolist() == expected


def test_a_qr_code_is_one_path_of_its_dark_runs() -> None:
    modules = qr_modules(LINKS[0])
    runs = sum(int((np.diff(np.pad(row.astype(int), 1)) == 1).sum()) for row in modules)

    canvas = Canvas(io.BytesIO(), pageCompression=0)
    flowable = QrCode(modules, 100)
    flowable.wrapOn(canvas, 100, 100)
    flowable.drawOn(canvas, 0, 0)
    canvas.showPage()
    content = canvas.getpdfdata()
    assert content.count(b" re") == runs and content.count(b" re f") == 1  # one fill


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to scan the code",
)
def test_a_drawn_qr_code_scans(tmp_path: Path) -> None:
    link = LINKS[1]
    (tmp_path / "qr.pdf").write_bytes(pdf.build([QrCode(qr_modules(link), 120)], "QR", "x"))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", tmp_path / "qr.pdf", tmp_path / "qr"],
        check=True,
    )
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", tmp_path / "qr.png"], capture_output=True, text=True
    )
    assert scanned.stdout.strip() == link

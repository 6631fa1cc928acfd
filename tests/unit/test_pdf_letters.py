"""Invitation letters as PDF, one A4 page each (survey_app/services/letters_pdf.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from survey_app.services import pdf
from survey_app.services.letters_pdf import LetterData, LetterHeading, letters_pdf

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (test extra)")

HEADING = LetterHeading(
    issuer=pdf.Issuer(
        "UBND TỈNH MINH SƠN", "SỞ NỘI VỤ", "512/SNV-CCHC", "Minh Sơn", dt.date(2026, 12, 4)
    ),
    sender="Sở Nội vụ tỉnh Minh Sơn",
    campaign_name="Khảo sát sự hài lòng của người dân năm 2026",
    code_url="https://khaosat.minhson.gov.vn/c",
    reply_by=dt.date(2026, 12, 20),
    hotline="0203 3826 123",
    signer="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    signer_name="Nguyễn Văn Bình",
)


def letter(n: int, **changes: object) -> LetterData:
    made = LetterData(
        full_name=f"Nguyễn Thị Hồng Nhung {n}",
        unit_name="Xã Trực Hưng",
        url=f"https://khaosat.minhson.gov.vn/s/tok{n:04d}abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
        short_code=f"ABCDE-{n:05d}",
        estimated_minutes=20,
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def pages(body: bytes) -> list[str]:
    """Each page's text, whitespace (line breaks, no-break spaces) folded to one space."""
    assert body.startswith(b"%PDF-")
    found = pypdf.PdfReader(io.BytesIO(body)).pages
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in found]


def test_one_page_per_letter_with_what_the_person_needs() -> None:
    letters = [letter(n) for n in range(3)]
    texts = pages(letters_pdf(letters, HEADING))
    assert len(texts) == 3
    for sent, text in zip(letters, texts, strict=True):
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập – Tự do – Hạnh phúc",
            "SỞ NỘI VỤ",
            "Số: 512/SNV-CCHC",
            "Minh Sơn, ngày 04 tháng 12 năm 2026",
            f"Kính gửi: Ông/Bà {sent.full_name} – Xã Trực Hưng",
            "Khảo sát sự hài lòng của người dân năm 2026",
            "khoảng 20 phút",
            sent.short_code,
            "https://khaosat.minhson.gov.vn/c",
            sent.url,
            "trả lời trước ngày 20/12/2026",
            "0203 3826 123",
            "phiếu giấy",
            "điện thoại",
            "giữ bí mật",
            "PHÓ GIÁM ĐỐC",
            "Nguyễn Văn Bình",
        ):
            assert expected in text, expected
    assert "Nguyễn Thị Hồng Nhung 1" not in texts[0]  # nobody else's letter on the page


def test_the_rated_unit_is_named_only_when_it_is_another() -> None:
    texts = pages(
        letters_pdf(
            [
                letter(1, rated_unit_name="Sở Tài chính"),
                letter(2, rated_unit_name="Xã Trực Hưng"),
                letter(3),
            ],
            HEADING,
        )
    )
    assert "Phiếu này để Ông/Bà đánh giá: Sở Tài chính." in texts[0]
    assert "đánh giá:" not in texts[1] and "đánh giá:" not in texts[2]


def test_each_letter_has_its_own_minutes() -> None:
    texts = pages(letters_pdf([letter(1, estimated_minutes=15), letter(2)], HEADING))
    assert "khoảng 15 phút" in texts[0] and "khoảng 20 phút" in texts[1]


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://x.example","Bấm")',
        "+84 912 345 678",
        "-1+1",
        "@SUM(A1:A9)",
        "<b>Lê Văn</b> & <font size=90>Tám</font>",
        "Trần &amp; Võ <br/>",
    ],
)
def test_formula_like_or_markup_names_print_as_written(name: str) -> None:
    (text,) = pages(letters_pdf([letter(1, full_name=name, unit_name=f"Xã {name}")], HEADING))
    assert f"Kính gửi: Ông/Bà {name} – Xã {name}" in text


def test_decomposed_names_are_composed() -> None:
    name = unicodedata.normalize("NFD", "Đặng Thị Ánh Tuyết")
    (text,) = pages(letters_pdf([letter(1, full_name=name)], HEADING))
    assert "Đặng Thị Ánh Tuyết" in text


def test_a_very_long_letter_still_keeps_to_its_page() -> None:
    long = letter(1, full_name="Nguyễn " * 80, rated_unit_name="Ủy ban nhân dân " * 60)
    texts = pages(letters_pdf([long, letter(2)], HEADING))
    assert len(texts) == 2
    assert "ABCDE-00001" in texts[0] and "ABCDE-00002" in texts[1]


def test_what_letters_share_is_stored_once() -> None:
    """The heading, the ways to answer and the closing are forms drawn by reference: more
    letters add no forms and little size."""
    two = letters_pdf([letter(n) for n in range(2)], HEADING)
    twenty = letters_pdf([letter(n) for n in range(20)], HEADING)
    assert two.count(b"/Subtype /Form") == twenty.count(b"/Subtype /Form") > 0
    assert (len(twenty) - len(two)) / 18 < 4_000  # bytes a letter: the QR code and its lines


def test_no_letters_is_an_error() -> None:
    with pytest.raises(ValueError, match="no letters"):
        letters_pdf([], HEADING)


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to scan the codes",
)
def test_each_letters_qr_code_scans_to_its_link(tmp_path: Path) -> None:
    letters = [letter(n) for n in range(2)]
    (tmp_path / "letters.pdf").write_bytes(letters_pdf(letters, HEADING))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", tmp_path / "letters.pdf", tmp_path / "page"], check=True
    )
    for number, sent in enumerate(letters, start=1):
        scanned = subprocess.run(
            ["zbarimg", "-q", "--raw", tmp_path / f"page-{number}.png"],
            capture_output=True,
            text=True,
        )
        assert scanned.stdout.strip() == sent.url

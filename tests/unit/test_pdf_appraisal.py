"""A unit's self-assessment and appraisal report as PDF (survey_app/services/appraisal_pdf.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest

from survey_app.services.appraisal_pdf import ReportRow, UnitReport, unit_report_pdf

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (test extra)")


def reader(body: bytes) -> pypdf.PdfReader:
    assert body.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(body))


def texts(body: bytes) -> list[str]:
    return [page.extract_text() for page in reader(body).pages]


def row(code: str, title: str, depth: int, **changes: object) -> ReportRow:
    values: dict[str, object] = {
        "max_points": 1.0,
        "self_points": 0.75,
        "appraised_points": 0.5,
        "not_applicable": False,
        "note": "",
        "comment": "",
    }
    return ReportRow(code, title, depth, **{**values, **changes})  # type: ignore[arg-type]


SMALL = (
    row("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 0, max_points=14.5),
    row("1.1", "Kế hoạch cải cách hành chính năm", 1, max_points=3.5, self_points=3.25),
    row(
        "1.1.1",
        "Ban hành kế hoạch đúng thời hạn",
        2,
        note="Quyết định số 12/QĐ-UBND ngày 05/01/2025",
        comment="Đủ minh chứng.",
    ),
    row("1.1.2", "Mức độ hoàn thành kế hoạch", 2, not_applicable=True, self_points=None),
)


def report(rows: tuple[ReportRow, ...] = SMALL, **changes: object) -> UnitReport:
    made = UnitReport(
        office="SỞ NỘI VỤ",
        office_parent="UBND TỈNH MINH SƠN",
        place="Minh Sơn",
        document_number="123/SNV-CCHC",
        date=dt.date(2026, 12, 4),
        title="BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
        unit_name="Sở Tài nguyên và Môi trường",
        campaign_name="Chỉ số cải cách hành chính năm 2025",
        status="Đã nộp lúc 14/12/2025 09:30",
        rows=rows,
        self_total=85.25,
        appraised_total=80.5,
        survey_points=30.126,
        max_points=100.0,
        index_pct=85.25,
        rank="3/14",
        band="Khá",
        signer="THỦ TRƯỞNG ĐƠN VỊ",
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def test_a_small_report_reads_back_in_vietnamese() -> None:
    (text,) = texts(unit_report_pdf(report()))
    flat = " ".join(text.split())  # lines wrap inside cells
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Số: 123/SNV-CCHC",
        "Minh Sơn, ngày 04 tháng 12 năm 2026",
        "BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
        "Sở Tài nguyên và Môi trường",
        "Đã nộp lúc 14/12/2025 09:30",
        "Ban hành kế hoạch đúng thời hạn",
        "Quyết định số 12/QĐ-UBND ngày 05/01/2025",
        "Thẩm định: Đủ minh chứng.",
        "Không áp dụng.",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "(Ký, ghi rõ họ tên và đóng dấu)",
        "Trang 1/1",
    ):
        assert expected in flat, expected
    for header in ("Mã", "Tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định", "Ghi chú"):
        assert header in flat
    for figure in ("14,5", "3,25", "0,75", "85,25", "80,5", "30,13", "85,25%", "3/14", "Khá"):
        assert figure in flat, figure
    assert "85.25" not in flat


def test_not_applicable_rows_show_no_points() -> None:
    (text,) = texts(unit_report_pdf(report()))
    flat = " ".join(text.split())
    assert re.search(r"1\.1\.2 Mức độ hoàn thành kế hoạch 1 – – Không áp dụng", flat), flat


def test_missing_results_are_said_in_words() -> None:
    missing = report(appraised_total=None, survey_points=None, index_pct=None, rank="", band="")
    flat = " ".join(texts(unit_report_pdf(missing))[0].split())
    assert "chưa thẩm định" in flat and "chưa có" in flat and "chưa tính" in flat
    assert "Xếp hạng" not in flat and "Xếp loại" not in flat


def fonts_of(body: bytes, wanted: str) -> set[str]:
    """The fonts of the text runs that contain ``wanted``."""
    found: set[str] = set()

    def visit(text: str, cm: object, tm: object, font: dict[str, object] | None, size: float):
        if wanted in text and font is not None:
            found.add(str(font["/BaseFont"]).split("+", 1)[-1])

    reader(body).pages[0].extract_text(visitor_text=visit)
    return found


def test_fields_are_bold() -> None:
    body = unit_report_pdf(report())
    assert fonts_of(body, "Công tác chỉ đạo") == {"DejaVuSans-Bold"}
    assert fonts_of(body, "Kế hoạch cải cách") == {"DejaVuSans"}


def tree(leaves: int) -> tuple[ReportRow, ...]:
    rows = []
    for field in range(1, leaves // 20 + 1):
        rows.append(row(f"{field}", f"Lĩnh vực {field}: quản lý nhà nước", 0, max_points=20))
        for criterion in range(1, 5):
            code = f"{field}.{criterion}"
            rows.append(row(code, f"Tiêu chí {code}: thực hiện nhiệm vụ", 1, max_points=5))
            for sub in range(1, 6):
                rows.append(
                    row(
                        f"{code}.{sub}",
                        f"Tiêu chí thành phần {code}.{sub}: tỷ lệ hồ sơ giải quyết đúng hạn",
                        2,
                        note="Báo cáo số 45/BC-UBND; Quyết định số 12/QĐ-UBND" * (sub % 2),
                        comment="Thiếu minh chứng." if sub == 3 else "",
                    )
                )
    return tuple(rows)


def test_a_hundred_leaf_tree_paginates_with_headers_and_page_numbers() -> None:
    rows = tree(100)
    assert sum(r.depth == 2 for r in rows) == 100
    pages = texts(unit_report_pdf(report(rows)))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in text
        if "thành phần" in text:  # a page of the table has its header row
            assert "Tiêu chí" in text and "Ghi chú" in text
    everything = " ".join(" ".join(pages).split())
    for leaf in (r for r in rows if r.depth == 2):
        assert f"thành phần {leaf.code}:" in everything, leaf.code
    assert "THỦ TRƯỞNG ĐƠN VỊ" in pages[-1] and "Tổng điểm" in pages[-1]


def test_a_note_longer_than_a_page_is_split_not_lost() -> None:
    long_note = " ".join(
        f"Minh chứng số {n}/QĐ-UBND về việc ban hành kế hoạch." for n in range(400)
    )
    rows = (row("1", "Lĩnh vực 1", 0), row("1.1", "Tiêu chí 1.1", 1, note=long_note))
    pages = texts(unit_report_pdf(report(rows)))
    assert len(pages) >= 3
    everything = " ".join(" ".join(pages).split())
    assert "Minh chứng số 0/QĐ-UBND" in everything and "Minh chứng số 399/QĐ-UBND" in everything


def test_text_from_people_is_printed_as_written() -> None:
    rows = (
        row("1", "<b>Lĩnh vực</b> & <font size=90>", 0),
        row("1.1", '=HYPERLINK("http://x")', 1, note="@SUM(1+1) <br/> +cmd|' /C calc'!A0"),
    )
    flat = " ".join(texts(unit_report_pdf(report(rows, unit_name="Xã <i>A</i> & B")))[0].split())
    assert "<b>Lĩnh vực</b> & <font size=90>" in flat
    assert '=HYPERLINK("http://x")' in flat
    assert "@SUM(1+1) <br/> +cmd|' /C calc'!A0" in flat
    assert "Xã <i>A</i> & B" in flat


def test_an_empty_tree_still_makes_a_report() -> None:
    (text,) = texts(unit_report_pdf(report(())))
    assert "Tổng điểm" in text and "Trang 1/1" in text

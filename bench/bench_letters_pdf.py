"""Benchmark: 3,300 invitation letters as PDF (issue #17), against today's HTML letters.

Letters: 3,300 people with Vietnamese names (family, middle and given names drawn with an
explicit numpy Generator) in 150 communes and wards, links of the real form (a 256-bit token
under /s/), short codes from the real alphabet, a third of them rating another unit.

* PDF, one file per unit (150 files, as an office prints them), then one batch of all 3,300:
  ``letters_pdf.letters_pdf`` in this process, fonts registered once (included in the time).
* Baseline: the HTML letters of today, rendered by ``templates/fieldwork/letters.html`` with
  ``invitations.qr_svg`` for each letter, as ``web/fieldwork.py: letters_response`` does, for
  the whole sample in one page (the 56 MB page of the issue: 3,267 letters in the demo).

Budget (issue #17): 3,300 letters ≤ 30 s and ≤ 30 MB in all (PASS/FAIL).

    .venv/bin/python bench/bench_letters_pdf.py            # 3,300 letters
    .venv/bin/python bench/bench_letters_pdf.py --quick    # 330 letters, figures scaled
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey_app.security import SHORT_CODE_ALPHABET  # noqa: E402
from survey_app.services import pdf  # noqa: E402
from survey_app.services.letters_pdf import LetterData, LetterHeading, letters_pdf  # noqa: E402

LETTERS = 3_300
UNITS = 150
BUDGET_SECONDS = 30.0
BUDGET_BYTES = 30 * 10**6
BASE = "https://khaosat.minhson.gov.vn"
FAMILY = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Lương"
    " Mai Đoàn Tạ Triệu Lục Hà Thái Cao Kiều Chu La"
)
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Ngọc Quốc Xuân Thu Kim Bảo Hoài Thùy Công Đình Gia"
GIVEN = (
    "An Anh Bình Cường Dũng Duyên Giang Hà Hải Hạnh Hằng Hiền Hiếu Hòa Hồng Huệ Hùng Hương"
    " Khánh Lan Linh Loan Long Mai Minh Nam Nga Ngọc Nhung Phong Phúc Phương Quang Quyên"
    " Sơn Tâm Thảo Thắng Thủy Trang Trung Tuấn Tùng Uyên Vân Việt Xuân Yến Ánh Đạt Ước"
)
PLACES = (
    "Trực Hưng, Trực Hùng, Yên Lạc, Tân Phong, Hòa Bình, Đông Sơn, Quảng Ngãi, Nghĩa Đàn,"
    " Thanh Xuân, Bắc Hà, Cẩm Phả, Ea Kar, Krông Búk, Mường Tè, Phù Ủng, Thượng Lâm"
)
AGENCIES = (
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
)


def _name(rng: np.random.Generator) -> str:
    middle = MIDDLE.split()
    parts = [rng.choice(FAMILY.split()), rng.choice(middle)]
    if rng.random() < 0.3:
        parts.append(rng.choice(middle))
    return " ".join([*parts, rng.choice(GIVEN.split())])


def _units(count: int) -> list[str]:
    places = PLACES.split(", ")
    kinds = ("Xã", "Phường")
    return [
        f"{kinds[i % 5 == 0]} {places[i % len(places)]} {i // len(places) + 1}"
        for i in range(count)
    ]


def make_letters(count: int, units: int, rng: np.random.Generator) -> list[LetterData]:
    """``count`` letters, spread unevenly over ``units`` units (sorted by unit, as printed)."""
    names = _units(units)
    shares = rng.dirichlet(np.full(units, 4.0))
    where = np.sort(rng.choice(units, size=count, p=shares))
    letters = []
    for unit in where.tolist():
        token = base64.urlsafe_b64encode(rng.bytes(32)).rstrip(b"=").decode()
        code = "".join(rng.choice(list(SHORT_CODE_ALPHABET), 10))
        rated = str(rng.choice(AGENCIES)) if rng.random() < 1 / 3 else ""
        letters.append(
            LetterData(
                full_name=_name(rng),
                unit_name=names[unit],
                url=f"{BASE}/s/{token}",
                short_code=f"{code[:5]}-{code[5:]}",
                estimated_minutes=int(rng.choice([15, 20, 25])),
                rated_unit_name=rated,
            )
        )
    return letters


def heading() -> LetterHeading:
    issuer = pdf.Issuer(
        "UBND TỈNH MINH SƠN", "SỞ NỘI VỤ", "512/SNV-CCHC", "Minh Sơn", dt.date.today()
    )
    return LetterHeading(
        issuer=issuer,
        sender="Sở Nội vụ tỉnh Minh Sơn",
        campaign_name="Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ"
        " quan hành chính nhà nước năm 2026",
        code_url=f"{BASE}/c",
        reply_by=dt.date.today() + dt.timedelta(days=21),
        hotline="0203 3826 123",
        signer="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn Bình",
    )


def per_unit(letters: list[LetterData]) -> tuple[float, list[bytes]]:
    """Seconds and the files, one per unit."""
    groups: dict[str, list[LetterData]] = defaultdict(list)
    for letter in letters:
        groups[letter.unit_name].append(letter)
    start = time.perf_counter()
    files = [letters_pdf(group, heading()) for group in groups.values()]
    return time.perf_counter() - start, files


def batch(letters: list[LetterData]) -> tuple[float, bytes]:
    start = time.perf_counter()
    body = letters_pdf(letters, heading())
    return time.perf_counter() - start, body


def html_baseline(letters: list[LetterData]) -> tuple[float, int]:
    """Seconds and bytes of the same letters as today's HTML page (one page for all)."""
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup

    from survey_app.services import invitations

    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
    env.globals.update(
        _=lambda text, **values: text % values if values else text,
        url_for=lambda endpoint, filename="": f"/static/{filename}",
    )
    start = time.perf_counter()
    rows = []
    for n, letter in enumerate(letters):
        link = invitations.IssuedLink(
            n,
            letter.full_name,
            letter.unit_name,
            letter.url.rsplit("/", 1)[1],
            letter.short_code.replace("-", ""),
            letter.rated_unit_name or letter.unit_name,
        )
        qr = Markup(invitations.qr_svg(letter.url))  # noqa: S704 - our own SVG
        rows.append((link, letter.url, letter.short_code, qr))
    html = env.get_template("fieldwork/letters.html").render(
        letters=rows,
        campaign=SimpleNamespace(name=heading().campaign_name),
        base=BASE,
        today=dt.date.today(),
        province=SimpleNamespace(name="Tỉnh Minh Sơn"),
    )
    return time.perf_counter() - start, len(html.encode())


def _pages(body: bytes) -> int | None:
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(body)).pages)


def _verdict(seconds: float, size: int, scale: float) -> str:
    passed = seconds * scale <= BUDGET_SECONDS and size * scale <= BUDGET_BYTES
    return (
        f"{seconds * scale / BUDGET_SECONDS:.2f} of the time budget, "
        f"{size * scale / BUDGET_BYTES:.2f} of the size budget: {'PASS' if passed else 'FAIL'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = LETTERS // 10 if args.quick else LETTERS
    scale = LETTERS / count
    letters = make_letters(count, UNITS * count // LETTERS, np.random.default_rng(20261204))
    print(f"{count:,} letters in {len({x.unit_name for x in letters})} units", end="")
    print(f" (figures scaled ×{scale:.0f} to {LETTERS:,})" if scale != 1 else "")

    unit_seconds, files = per_unit(letters)
    unit_bytes = sum(len(body) for body in files)
    print(
        f"PDF, one file per unit: {unit_seconds:.1f} s ({unit_seconds / count * 1000:.2f} ms a"
        f" letter), {unit_bytes / 1e6:.1f} MB in {len(files)} files"
        f" ({unit_bytes / count / 1024:.1f} KB a letter);"
        f" {_verdict(unit_seconds, unit_bytes, scale)}"
    )
    batch_seconds, body = batch(letters)
    pages = _pages(body)
    print(
        f"PDF, one batch: {batch_seconds:.1f} s, {len(body) / 1e6:.1f} MB"
        f" ({len(body) / count / 1024:.1f} KB a letter"
        f"{f', {pages:,} pages' if pages is not None else ''});"
        f" {_verdict(batch_seconds, len(body), scale)}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    html_seconds, html_bytes = html_baseline(letters)
    print(
        f"Baseline, today's HTML page: {html_seconds:.1f} s, {html_bytes / 1e6:.1f} MB"
        f" ({html_bytes / count / 1024:.1f} KB a letter). PDF per unit:"
        f" {html_bytes / unit_bytes:.1f}x smaller, {html_seconds / unit_seconds:.1f}x faster;"
        f" batch: {html_bytes / len(body):.1f}x smaller, {html_seconds / batch_seconds:.1f}x faster"
    )
    print(f"Peak memory of the PDF runs {peak:,.0f} MB")
    ok = pages in (None, count) and all(
        seconds * scale <= BUDGET_SECONDS and size * scale <= BUDGET_BYTES
        for seconds, size in ((unit_seconds, unit_bytes), (batch_seconds, len(body)))
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

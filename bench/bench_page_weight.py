"""Respondent page weight: everything a phone downloads for one questionnaire page, gzip-compressed,
against the SurveyJS runtime from npm (survey-core + survey-js-ui + CSS). Budget: <= 30 KB.

    .venv/bin/python bench/bench_page_weight.py        (needs `npm install` for the baseline)
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET_KB = 30.0
SURVEYJS = (
    "survey-core/survey.core.min.js",
    "survey-js-ui/survey-js-ui.min.js",
    "survey-core/survey-core.min.css",
)


def gz(data: bytes) -> int:
    """Bytes on the wire with gzip level 6 (nginx's default)."""
    return len(gzip.compress(data, compresslevel=6))


def ours() -> dict[str, int]:
    from bench._demo_app import build

    app, tokens = build(invitations=1)
    client = app.test_client()
    token = tokens[0]
    pages = {"landing": client.get(f"/s/{token}").data}
    sizes = []
    for page in range(20):
        response = client.get(f"/s/{token}/p/{page}")
        if response.status_code != 200:
            break
        sizes.append((len(response.data), page, response.data))
    _, biggest, html = max(sizes)
    pages[f"largest section (p{biggest})"] = html
    assets = set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))
    for asset in sorted(assets):
        pages[asset.decode()] = client.get(asset.decode()).data
    return {name: gz(body) for name, body in pages.items()}


def surveyjs() -> dict[str, int] | None:
    base = ROOT / "node_modules"
    if not all((base / p).exists() for p in SURVEYJS):
        return None
    return {p: gz((base / p).read_bytes()) for p in SURVEYJS}


def main() -> None:
    mine = ours()
    page_total = sum(v for k, v in mine.items() if k != "landing")
    print("Respondent page transfer (gzip -6):")
    for name, size in mine.items():
        print(f"  {name:<32} {size / 1024:7.1f} KB")
    print(
        f"  {'section page total':<32} {page_total / 1024:7.1f} KB  (budget {BUDGET_KB} KB: "
        f"{'PASS' if page_total / 1024 <= BUDGET_KB else 'FAIL'})"
    )
    baseline = surveyjs()
    if baseline is None:
        print("SurveyJS baseline missing: run `npm install` first")
        return
    base_total = sum(baseline.values())
    print("SurveyJS runtime (npm, gzip -6):")
    for name, size in baseline.items():
        print(f"  {name:<32} {size / 1024:7.1f} KB")
    print(f"  {'total':<32} {base_total / 1024:7.1f} KB")
    print(f"Ratio SurveyJS / ours: {base_total / page_total:.1f}x smaller")


if __name__ == "__main__":
    main()

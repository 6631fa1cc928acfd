"""The inline SVG bar charts: labels wrapped in full, small-sample bars marked, and ranking
charts holding one peer group each, in rank order."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, cast

import pandas as pd
import pytest

from survey_app.web import results as views
from survey_app.web.charts import LABEL_CHARS, Bar, bar_chart, wrap_label

LONG = (
    "Ủy ban nhân dân xã Phước Hưng Đông, huyện Long Điền, tỉnh Bà Rịa – Vũng Tàu: "
    "tiếp nhận và trả kết quả giải quyết thủ tục hành chính liên thông điện tử"
)


def fmt(value: float) -> str:
    return f"{value:.1f} %"


def _groups(svg: str) -> list[str]:
    """One bar's markup per ``<g>`` element."""
    return re.findall(r"<g>(.*?)</g>", svg, re.S)


def _label_of(bar: str) -> str:
    """The label text of one bar: its <tspan> lines joined by spaces."""
    text = re.search(r'<text font-size="13"[^>]*>(.*?)</text>', bar, re.S)
    assert text is not None, bar
    return " ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", text.group(1)))


def _height(svg: str) -> float:
    found = re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg)
    assert found is not None
    return float(found.group(1))


def test_a_long_label_is_wrapped_on_several_lines_in_full() -> None:
    svg = bar_chart([Bar(LONG, 62.0)], "T", fmt)
    (bar,) = _groups(svg)
    lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", bar)
    assert len(lines) >= 3
    assert all(len(line) <= LABEL_CHARS for line in lines)
    assert _label_of(bar) == LONG
    assert "…" not in svg and "..." not in svg
    # each line lower than the one before, the bar below the last line, the chart taller
    ys = [float(y) for y in re.findall(r'<tspan x="\d+" y="([\d.]+)"', bar)]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    bar_y = float(re.findall(r'<rect x="\d+" y="([\d.]+)"', bar)[0])
    assert bar_y > ys[-1]
    assert _height(svg) > _height(bar_chart([Bar("Ngắn", 62.0)], "T", fmt)) + 2 * 13


def test_a_word_longer_than_a_line_is_split_not_cut() -> None:
    word = "x" * (LABEL_CHARS * 2 + 5)
    lines = wrap_label(f"Mã {word}")
    assert "".join(lines).replace(" ", "") == f"Mã{word}"
    assert all(len(line) <= LABEL_CHARS for line in lines)


def test_a_small_sample_bar_carries_the_marker_the_note_and_a_legend() -> None:
    svg = bar_chart(
        [Bar("Sở Nội vụ", 55.0, small=True, n=7), Bar("Sở Tư pháp", 80.0, 70.0, 90.0, n=40)],
        "Chỉ số",
        fmt,
        small_n=10,
    )
    small, normal = _groups(svg)
    assert "⚠ ít phiếu (n = 7)" in small
    assert re.search(r"<title>Sở Nội vụ: 55.0 % · ít phiếu \(n = 7\)</title>", small)
    assert 'fill="#a9c6e6"' in small and "<path" in small  # lighter and hatched
    assert "ít phiếu" not in normal and 'fill="#a9c6e6"' not in normal
    assert "<title>Sở Tư pháp: 80.0 % (70.0 % – 90.0 %)</title>" in normal
    legend = svg.split("</svg>", 1)[1]
    assert legend.startswith('<p class="note chart-legend">')
    assert "ít hơn 10 phiếu" in legend


def test_no_legend_without_a_small_sample_bar() -> None:
    svg = bar_chart([Bar("Sở Nội vụ", 55.0, n=70)], "Chỉ số", fmt, small_n=10)
    assert "chart-legend" not in svg and "⚠" not in svg
    assert svg.endswith("</svg>")


def test_labels_and_titles_are_escaped() -> None:
    svg = bar_chart([Bar("<b>Sở</b> & ban", 10.0, small=True, n=1)], "<script>", fmt)
    assert "<b>" not in svg and "<script>" not in svg
    assert "&lt;b&gt;Sở&lt;/b&gt; &amp; ban" in svg


RANKING = pd.DataFrame(
    {
        "unit_code": ["C2", "S1", "C1", "D1", "S2", "C3", "S3"],
        "unit_name": ["Xã B", "Sở A", "Xã A", "Huyện A", "Sở B", "Xã C", "Sở C"],
        "peer_group": [
            "commune",
            "department",
            "commune",
            "district",
            "department",
            "commune",
            "department",
        ],
        "index_pct": [70.0, 90.0, 80.0, 60.0, 50.0, 75.0, 95.0],
        "rank": [3, 2, 1, 1, 3, 2, 1],
        "has_survey": [True, True, True, True, True, True, False],
        "responses": [30, 4, 25, 12, 40, 3, 0],
    }
)
"""Three peer groups, interleaved and out of rank order."""


def _results(ranking: pd.DataFrame) -> Any:
    estimation = SimpleNamespace(small_cell_n=10)
    return cast(
        Any,
        SimpleNamespace(
            ranking=ranking,
            campaign=None,
            sipas=None,
            settings=SimpleNamespace(estimation=estimation),
        ),
    )


def test_one_ranking_chart_per_peer_group_each_in_rank_order() -> None:
    charts = views._ranking_charts(_results(RANKING))
    assert set(charts) == {"commune", "department", "district"}
    for group, svg in charts.items():
        table = RANKING[RANKING["peer_group"] == group].sort_values("rank")
        labels = [_label_of(bar) for bar in _groups(str(svg))]
        assert labels == [f"{row.rank}. {row.unit_name}" for row in table.itertuples()], group
        others = RANKING[RANKING["peer_group"] != group]["unit_name"]
        assert not any(name in str(svg) for name in others), group
        assert f"— {group}</title>" in str(svg)  # the level's name (no design: its code)


def test_the_overview_keeps_the_top_of_each_peer_group() -> None:
    charts = views._ranking_charts(_results(RANKING), top=2)
    labels = {g: [_label_of(bar) for bar in _groups(str(svg))] for g, svg in charts.items()}
    assert labels == {
        "commune": ["1. Xã A", "2. Xã C"],
        "department": ["1. Sở C", "2. Sở A"],
        "district": ["1. Huyện A"],
    }


def test_a_ranking_bar_on_few_responses_is_marked() -> None:
    bars = {
        _label_of(bar): bar
        for svg in views._ranking_charts(_results(RANKING)).values()
        for bar in _groups(str(svg))
    }
    assert "ít phiếu (n = 4)" in bars["2. Sở A"]
    assert "ít phiếu (n = 3)" in bars["2. Xã C"]
    for label in ("1. Xã A", "3. Xã B", "3. Sở B", "1. Huyện A"):
        assert "ít phiếu" not in bars[label], label
    assert "ít phiếu" not in bars["1. Sở C"]  # no survey at all: nothing rests on responses


def test_a_ranking_chart_refuses_two_peer_groups() -> None:
    with pytest.raises(ValueError, match="one peer group"):
        views._ranking_chart(_results(RANKING), RANKING, "Sở")

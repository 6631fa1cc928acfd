"""Inline SVG charts drawn on the server: no chart library, no CDN, no script.

Only SVG presentation attributes are used (no style attributes, no ids), so the strict
Content-Security-Policy of the pages allows them and several charts can share one page.

A label is never cut: it is wrapped onto as many lines (``<tspan>``) as it needs and the
chart grows to fit. A bar whose estimate rests on few responses (``Bar.small``) is drawn
lighter and hatched, with a "⚠ ít phiếu (n = 7)" line under it, the same note in its
``<title>``, and a legend paragraph under the chart.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 360
BAR = 14
LEFT = 8
LINE = 16
"""Height of one label line (font size 13)."""
NOTE = 14
"""Height of the small-sample note under a bar (font size 11)."""
GAP = 10
"""Space between one bar and the next label."""
LABEL_CHARS = 46
"""Characters per label line: 344 units of width at font size 13 hold about 50."""
COLOUR = "#0b5cad"
LIGHT = "#a9c6e6"
TRACK = "#eef2f6"
INK = "#1b1f23"
WARN = "#8a5300"
HATCH = 6
WARNING_SIGN = "\u26a0"


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a value on the chart's scale, an optional confidence interval.

    ``small``: the estimate rests on few responses (``n`` of them, when known).
    """

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    small: bool = False
    n: int | None = None


def wrap_label(label: str, width: int = LABEL_CHARS) -> list[str]:
    """The label on lines of at most ``width`` characters, split between words; a word longer
    than a line is split too. Every character is kept: nothing is cut or elided."""
    lines = textwrap.wrap(
        " ".join(label.split()), width, break_long_words=True, break_on_hyphens=False
    )
    return lines or [""]


def small_note(bar: Bar) -> str:
    """The note under a small-sample bar: "ít phiếu (n = 7)"."""
    if bar.n is None:
        return str(_("ít phiếu"))
    return str(_("ít phiếu (n = %(n)d)", n=bar.n))


def small_legend(small_n: int | None) -> str:
    """The legend line under a chart with small-sample bars."""
    if small_n is None:
        return str(
            _("⚠ Thanh nhạt màu, kẻ sọc: ước lượng dựa trên ít phiếu, cần thận trọng khi so sánh.")
        )
    return str(
        _(
            "⚠ Thanh nhạt màu, kẻ sọc: ước lượng dựa trên ít hơn %(n)d phiếu, "
            "cần thận trọng khi so sánh.",
            n=small_n,
        )
    )


def _x(value: float, scale_max: float) -> float:
    width = WIDTH - 2 * LEFT
    return LEFT + max(0.0, min(value, scale_max)) / scale_max * width


def _row_height(lines: int, small: bool) -> int:
    return lines * LINE + 4 + BAR + (NOTE if small else 0) + GAP


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    fmt: Callable[[float], str],
    scale_max: float = 100.0,
    small_n: int | None = None,
) -> Markup:
    """Horizontal bars (label above each bar, value at its end, CI whiskers when given).

    ``small_n``: the small-sample threshold, named in the legend shown under the chart when
    a bar is ``small``.
    """
    labels = [wrap_label(bar.label) for bar in bars]
    height = sum(
        _row_height(len(lines), bar.small) for lines, bar in zip(labels, bars, strict=True)
    )
    height = max(height, 1) + 4
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    top = 4
    for bar, lines in zip(bars, labels, strict=True):
        parts.append(_bar(bar, lines, top, fmt, scale_max))
        top += _row_height(len(lines), bar.small)
    parts.append("</svg>")
    if any(bar.small for bar in bars):
        parts.append(f'<p class="note chart-legend">{escape(small_legend(small_n))}</p>')
    return Markup("".join(parts))  # noqa: S704 - every text part is escaped above


def _label(lines: list[str], top: int) -> str:
    spans = "".join(
        f'<tspan x="{LEFT}" y="{top + 13 + i * LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text font-size="13" fill="{INK}">{spans}</text>'


def _hatch(left: float, right: float, top: float) -> str:
    """45° stripes over the bar from ``left`` to ``right`` (clipped by hand: no ids)."""
    segments = []
    start = left - BAR
    while start < right:
        s_low = max(0.0, (left - start) / BAR)
        s_high = min(1.0, (right - start) / BAR)
        if s_low < s_high:
            x1, y1 = start + s_low * BAR, top + BAR - s_low * BAR
            x2, y2 = start + s_high * BAR, top + BAR - s_high * BAR
            segments.append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
        start += HATCH
    if not segments:
        return ""
    return (
        f'<path d="{"".join(segments)}" stroke="{COLOUR}" stroke-width="1.5" stroke-opacity="0.5"/>'
    )


def _tooltip(bar: Bar, fmt: Callable[[float], str]) -> str:
    text = f"{bar.label}: {fmt(bar.value) if bar.value is not None else '–'}"
    if bar.low is not None and bar.high is not None:
        text += f" ({fmt(bar.low)} – {fmt(bar.high)})"
    if bar.small:
        text += f" · {small_note(bar)}"
    return text


def _bar(
    bar: Bar, lines: list[str], top: int, fmt: Callable[[float], str], scale_max: float
) -> str:
    y = top + len(lines) * LINE + 4
    out = [
        f"<g><title>{escape(_tooltip(bar, fmt))}</title>",
        _label(lines, top),
        f'<rect x="{LEFT}" y="{y}" width="{WIDTH - 2 * LEFT}" height="{BAR}" fill="{TRACK}"/>',
    ]
    if bar.value is not None:
        end = _x(bar.value, scale_max)
        out.append(
            f'<rect x="{LEFT}" y="{y}" width="{end - LEFT:.1f}" height="{BAR}" '
            f'fill="{LIGHT if bar.small else COLOUR}"/>'
        )
        if bar.small:
            out.append(_hatch(LEFT, end, y))
        if bar.low is not None and bar.high is not None:
            lo, hi, mid = _x(bar.low, scale_max), _x(bar.high, scale_max), y + BAR / 2
            out.append(
                f'<path d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {y + 3}V{y + BAR - 3}'
                f'M{hi:.1f} {y + 3}V{y + BAR - 3}" stroke="{INK}" stroke-width="2"/>'
            )
        inside = end > WIDTH * 0.35 and not bar.small
        anchor, tx, fill = ("end", end - 4, "#fff") if inside else ("start", end + 4, INK)
        if bar.small and end > WIDTH * 0.75:
            anchor, tx = "end", end - 4  # dark text on the light bar, inside its end
        out.append(
            f'<text x="{tx:.1f}" y="{y + 11}" font-size="11" text-anchor="{anchor}" '
            f'fill="{fill}">{escape(fmt(bar.value))}</text>'
        )
    if bar.small:
        out.append(
            f'<text class="small-sample" x="{LEFT}" y="{y + BAR + 11}" font-size="11" '
            f'fill="{WARN}">{WARNING_SIGN} {escape(small_note(bar))}</text>'
        )
    out.append("</g>")
    return "".join(out)

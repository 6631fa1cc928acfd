"""Inline SVG charts drawn on the server: no chart library, no CDN, no script.

Only SVG presentation attributes are used (no style attributes), so the strict
Content-Security-Policy of the pages allows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360
ROW = 40
BAR = 14
LEFT = 8


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a value on the chart's scale, an optional confidence interval."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    flagged: bool = False


def _x(value: float, scale_max: float) -> float:
    width = WIDTH - 2 * LEFT
    return LEFT + max(0.0, min(value, scale_max)) / scale_max * width


def bar_chart(
    bars: Sequence[Bar], title: str, fmt: Callable[[float], str], scale_max: float = 100.0
) -> Markup:
    """Horizontal bars (label above each bar, value at its end, CI whiskers when given)."""
    height = ROW * len(bars) + 10
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        parts.append(_bar(bar, i * ROW + 4, fmt, scale_max))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part is escaped above


def _bar(bar: Bar, top: int, fmt: Callable[[float], str], scale_max: float) -> str:
    label = escape(bar.label)
    y = top + 18
    out = [
        f'<text x="{LEFT}" y="{top + 13}" font-size="13" fill="#1b1f23">{label}</text>',
        f'<rect x="{LEFT}" y="{y}" width="{WIDTH - 2 * LEFT}" height="{BAR}" fill="#eef2f6"/>',
    ]
    if bar.value is None:
        return "".join(out)
    colour = "#8a5300" if bar.flagged else "#0b5cad"
    end = _x(bar.value, scale_max)
    out.append(
        f'<rect x="{LEFT}" y="{y}" width="{end - LEFT:.1f}" height="{BAR}" fill="{colour}"/>'
    )
    if bar.low is not None and bar.high is not None:
        lo, hi, mid = _x(bar.low, scale_max), _x(bar.high, scale_max), y + BAR / 2
        out.append(
            f'<path d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {y + 3}V{y + BAR - 3}'
            f'M{hi:.1f} {y + 3}V{y + BAR - 3}" stroke="#1b1f23" stroke-width="2"/>'
        )
    text = escape(fmt(bar.value))
    anchor, tx, fill = (
        ("end", end - 4, "#fff") if end > WIDTH * 0.35 else ("start", end + 4, "#1b1f23")
    )
    out.append(
        f'<text x="{tx:.1f}" y="{y + 11}" font-size="11" text-anchor="{anchor}" '
        f'fill="{fill}">{text}</text>'
    )
    return "".join(out)

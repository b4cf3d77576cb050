"""Bar charts as SVG markup, drawn on the server: readable without JavaScript, testable as text.

Every chart has a title, both axis labels with their units, a tooltip per bar and optional
vertical markers (p50, p90). Colours and fonts come from the stylesheet (classes only, no inline
style), so the page's Content-Security-Policy needs no exception."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 76


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the tooltip and the table say it


@dataclass(frozen=True)
class Marker:
    at: float  # position along the x axis, in bars (0 = left edge of the first bar)
    label: str


def nice_max(value: float) -> float:
    """The top of the y axis: 1, 2, 2.5 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover (the loop always returns)


def _number(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value:,.0f}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    x_label: str,
    y_label: str,
    bars: list[Bar],
    markers: tuple[Marker, ...] = (),
    y_max: float | None = None,
) -> str:
    top = y_max if y_max is not None else nice_max(max((b.value for b in bars), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    every = max(1, math.ceil(len(bars) / 16))  # at most 16 x labels stay readable
    parts = [
        f'<svg class="plot" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<text class="plot-title" x="{WIDTH / 2}" y="22" text-anchor="middle">{escape(title)}</text>',
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    for i, bar in enumerate(bars):
        h = plot_h * min(bar.value, top) / top if top else 0
        x = LEFT + i * slot + slot * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}"><title>{escape(bar.label)}：{escape(bar.text)}</title></rect>'
        )
        if i % every == 0:
            cx, cy = LEFT + i * slot + slot / 2, TOP + plot_h + 14
            parts.append(
                f'<text class="tick" x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" '
                f'transform="rotate(-35 {cx:.1f} {cy:.1f})">{escape(bar.label)}</text>'
            )
    for marker in markers:
        x = LEFT + marker.at * slot
        parts.append(f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}"/>')
        parts.append(f'<text class="marker-label" x="{x + 4:.1f}" y="{TOP + 12}">{escape(marker.label)}</text>')
    parts += [
        f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>',
        f'<text class="axis-label" x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{escape(x_label)}</text>",
        f'<text class="axis-label" x="14" y="{TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2})">{escape(y_label)}</text>',
        "</svg>",
    ]
    return "\n".join(parts)

"""Bar charts as SVG markup, drawn on the server: readable without JavaScript, testable as text.

Every chart has a title, both axis labels with their units, a tooltip per bar and optional
vertical markers (p50, p90). Colours and fonts come from the stylesheet (classes only, no inline
style), so the page's Content-Security-Policy needs no exception."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 48, 100


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the tooltip and the table say it


@dataclass(frozen=True)
class Marker:
    at: float  # position along the x axis, in bars (0 = left edge of the first bar)
    label: str


def nice_max(value: float, *, counts: bool = False) -> float:
    """The top of the y axis: 1, 2, 2.5 or 5 times a power of ten, at least `value`; for counts,
    a multiple of 4, so that the four grid steps are whole numbers."""
    if counts:
        return float(4 * max(1, math.ceil(nice_max(value / 4))))
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover (the loop always returns)


def _number(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value:,.0f}"


def _line(cls: str, x1: float, x2: float, y1: float, y2: float) -> str:
    return f'<line class="{cls}" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}"/>'


def _text(cls: str, x: float, y: float, content: str, anchor: str = "start", turn: int = 0) -> str:
    rotate = f' transform="rotate({turn} {x:.1f} {y:.1f})"' if turn else ""
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{rotate}>'
        f"{escape(content)}</text>"
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    x_label: str,
    y_label: str,
    bars: list[Bar],
    markers: tuple[Marker, ...] = (),
    y_max: float | None = None,
    counts: bool = True,
) -> str:
    """`counts`: the bars are whole numbers (the grid too); else shares or amounts."""
    highest = max((b.value for b in bars), default=0)
    top = y_max if y_max is not None else nice_max(highest, counts=counts)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    slot = plot_w / max(len(bars), 1)
    every = max(1, math.ceil(len(bars) / 16))  # at most 16 x labels stay readable
    name = escape(chart_id)
    parts = [
        f'<svg class="plot" id="{name}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{name}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{name}-title">{escape(title)}</title>',
        _text("plot-title", WIDTH / 2, 22, title, "middle"),
    ]
    for i in range(5):
        y = base - plot_h * i / 4
        parts.append(_line("grid", LEFT, WIDTH - RIGHT, y, y))
        parts.append(_text("tick", LEFT - 6, y + 4, _number(top * i / 4), "end"))
    for i, bar in enumerate(bars):
        h = plot_h * min(bar.value, top) / top if top else 0
        parts.append(
            f'<rect class="bar" x="{LEFT + i * slot + slot * 0.15:.1f}" y="{base - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(bar.label)}：{escape(bar.text)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                _text("tick", LEFT + i * slot + slot / 2, base + 14, bar.label, "end", -35)
            )
    for i, marker in enumerate(markers):
        x = LEFT + marker.at * slot
        y = TOP - 4 - 13 * (len(markers) - 1 - i)  # above the plot, one line each
        parts.append(_line("marker", x, x, y + 2, base))
        parts.append(_text("marker-label", x + 4, y, marker.label))
    parts += [
        _line("axis", LEFT, LEFT, TOP, base),
        _line("axis", LEFT, WIDTH - RIGHT, base, base),
        _text("axis-label", LEFT + plot_w / 2, HEIGHT - 6, x_label, "middle"),
        _text("axis-label", 14, TOP + plot_h / 2, y_label, "middle", -90),
        "</svg>",
    ]
    return "\n".join(parts)

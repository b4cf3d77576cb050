"""The dashboard's plots as markup: titles, axis labels with units, one bar per value, markers,
text escaped; and the figures built from a stats answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from console.domain import dashboard
from console.domain.plots import Bar, Marker, bar_chart, nice_max

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def test_a_chart_has_its_title_axis_labels_bars_and_markers() -> None:
    svg = bar_chart(
        chart_id="c",
        title="理赔漏斗",
        x_label="阶段",
        y_label="件数（件）",
        bars=[Bar("起草", 10, "10 件"), Bar("提交", 4, "4 件")],
        markers=(Marker(1.5, "p50"),),
    )
    root = _parsed(svg)
    assert root.find(f"{SVG}title").text == "理赔漏斗"  # type: ignore[union-attr]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert labels == ["阶段", "件数（件）"]
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [b.find(f"{SVG}title").text for b in bars] == ["起草：10 件", "提交：4 件"]  # type: ignore[union-attr]
    heights = [float(b.get("height", "0")) for b in bars]
    assert heights[0] == pytest.approx(heights[1] * 10 / 4, abs=0.3)
    assert len([m for m in root.iter(f"{SVG}line") if m.get("class") == "marker"]) == 1
    assert "style=" not in svg and "<script" not in svg  # the CSP allows neither


def test_labels_are_escaped() -> None:
    svg = bar_chart(
        chart_id="x", title="<b>&", x_label="x", y_label="y", bars=[Bar("<img>", 1, "1")]
    )
    _parsed(svg)
    assert "<img>" not in svg and "&lt;img&gt;" in svg


def test_an_empty_chart_still_draws_its_axes() -> None:
    root = _parsed(bar_chart(chart_id="e", title="t", x_label="x", y_label="y", bars=[]))
    assert len([r for r in root.iter(f"{SVG}rect")]) == 0
    assert len([a for a in root.iter(f"{SVG}line") if a.get("class") == "axis"]) == 2


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (3, 5), (7, 10), (12, 20), (180, 200), (2400, 2500)]
)
def test_the_y_axis_ends_on_a_round_number(value: float, top: float) -> None:
    assert nice_max(value) == top


@pytest.mark.parametrize(
    ("value", "top"), [(0, 4), (1, 4), (3, 4), (7, 8), (9, 12), (12, 20), (30, 40)]
)
def test_a_count_axis_has_whole_numbered_steps(value: float, top: float) -> None:
    assert nice_max(value, counts=True) == top


def test_durations_read_in_their_own_unit() -> None:
    assert [dashboard.hours(h) for h in (5 / 3600, 0.5, 12.5, 72)] == [
        "5 秒",
        "30 分钟",
        "12.5 小时",
        "3 天",
    ]


def _stats() -> dict[str, Any]:
    days = [
        {"date": "2026-03-02", "decisions": 4, "instant_decisions": 1},
        {"date": "2026-03-03", "decisions": 0, "instant_decisions": 0},
    ]
    buckets = [
        {"from_hours": 0.0, "to_hours": 1.0, "count": 1},
        {"from_hours": 1.0, "to_hours": 24.0, "count": 2},
        {"from_hours": 24.0, "to_hours": None, "count": 1},
    ]
    return {
        "totals": {
            "drafted": 9,
            "submitted": 5,
            "approved": 3,
            "paid": 2,
            "rejected": 1,
            "withdrawn": 1,
        },
        "decision_durations": {
            "count": 4,
            "p50_hours": 12.5,
            "p90_hours": 30.0,
            "histogram": buckets,
        },
        "first_try": [
            {"doc_type": "medical_invoice", "documents": 4, "accepted_first_try": 3, "share": 0.75}
        ],
        "days": days,
        "instant": {"decisions": 4, "instant_decisions": 1, "share": 0.25},
        "breaches_by_week": [{"week_start": "2026-03-02", "deadlines_breached": 2}],
    }


def test_the_figures_give_the_same_numbers_as_table_and_plot() -> None:
    figures = {f.figure_id: f for f in dashboard.figures(_stats())}
    assert list(figures) == ["funnel", "decision-time", "first-try", "instant-share", "breaches"]
    assert figures["funnel"].rows[0] == ["起草", "9 件"]
    assert figures["first-try"].rows == [["医疗发票", "4", "3", "75.0%"]]
    assert figures["instant-share"].rows[1] == ["2026-03-03", "0", "0", "—"]
    assert "占 25.0%" in figures["instant-share"].note
    assert "p50 12.5 小时" in figures["decision-time"].note
    assert [r[0] for r in figures["decision-time"].rows] == [
        "<1 小时",
        "1 小时–24 小时",
        "≥24 小时",
    ]
    assert figures["breaches"].rows == [["2026-03-02 周", "2 次"]]
    for figure in figures.values():
        _parsed(figure.svg)


def test_percentile_markers_sit_inside_their_bucket() -> None:
    buckets = _stats()["decision_durations"]["histogram"]
    assert dashboard.marker_at(buckets, 0.5) == 0.5
    assert dashboard.marker_at(buckets, 12.5) == pytest.approx(1.5)
    assert dashboard.marker_at(buckets, 100) == 2.5

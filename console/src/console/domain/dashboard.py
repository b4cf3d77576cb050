"""The ops dashboard's figures from `GET /ops/v1/stats`: each a plot and a table of the same
numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.domain.labels import DOC_TYPES, word
from console.domain.plots import Bar, Marker, bar_chart

FUNNEL = (
    ("drafted", "起草"),
    ("submitted", "提交"),
    ("approved", "同意赔付"),
    ("paid", "已赔付"),
    ("rejected", "拒赔"),
    ("withdrawn", "撤回"),
)


@dataclass(frozen=True)
class Figure:
    figure_id: str
    title: str
    svg: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def hours(value: float | None) -> str:
    """A duration given in hours, in the unit that reads best: 秒, 分钟, 小时 or 天."""
    if value is None:
        return "—"
    if value < 1 / 60:
        return f"{value * 3600:.0f} 秒"
    if value < 1:
        return f"{value * 60:.0f} 分钟"
    if value < 48:
        return f"{value:.3g} 小时"
    return f"{value / 24:.3g} 天"


def bucket_label(bucket: dict[str, Any]) -> str:
    low, high = bucket["from_hours"], bucket["to_hours"]
    if high is None:
        return f"≥{hours(low)}"
    if not low:
        return f"<{hours(high)}"
    return f"{hours(low)}–{hours(high)}"


def marker_at(buckets: list[dict[str, Any]], value: float) -> float:
    """Where `value` falls along the histogram's axis, in buckets (linear inside one)."""
    for i, b in enumerate(buckets):
        low, high = b["from_hours"], b["to_hours"]
        if high is None:
            return i + 0.5
        if low <= value < high:
            return i + (value - low) / (high - low)
    return float(len(buckets))


def funnel(stats: dict[str, Any]) -> Figure:
    totals = stats["totals"]
    bars = [Bar(label, totals[key], f"{totals[key]} 件") for key, label in FUNNEL]
    svg = bar_chart(
        chart_id="plot-funnel",
        title="理赔漏斗（到达各阶段的理赔件数）",
        x_label="阶段",
        y_label="理赔件数（件）",
        bars=bars,
    )
    return Figure("funnel", "理赔漏斗", svg, ["阶段", "件数"], [[b.label, b.text] for b in bars])


def decision_time(stats: dict[str, Any]) -> Figure:
    durations = stats["decision_durations"]
    buckets = durations["histogram"]
    bars = [Bar(bucket_label(b), b["count"], f"{b['count']} 件") for b in buckets]
    markers = tuple(
        Marker(marker_at(buckets, value), f"{name} {hours(value)}")
        for name, value in (("p50", durations["p50_hours"]), ("p90", durations["p90_hours"]))
        if value is not None
    )
    svg = bar_chart(
        chart_id="plot-decision-time",
        title="提交到决定的时长分布",
        x_label="提交到决定的时长（秒/分钟/小时/天）",
        y_label="决定件数（件）",
        bars=bars,
        markers=markers,
    )
    note = (
        f"共 {durations['count']} 件决定；中位数 p50 {hours(durations['p50_hours'])}，"
        f"p90 {hours(durations['p90_hours'])}"
    )
    rows = [[b.label, b.text] for b in bars]
    return Figure("decision-time", "提交到决定的时长", svg, ["时长区间", "件数"], rows, note)


def first_try(stats: dict[str, Any]) -> Figure:
    items = stats["first_try"]
    bars = [
        Bar(word(DOC_TYPES, i["doc_type"]), (i["share"] or 0) * 100, percent(i["share"]))
        for i in items
    ]
    svg = bar_chart(
        chart_id="plot-first-try",
        title="材料一次通过率（按材料类型）",
        x_label="材料类型",
        y_label="一次通过率（%）",
        bars=bars,
        y_max=100,
        counts=False,
    )
    rows = [
        [b.label, str(i["documents"]), str(i["accepted_first_try"]), b.text]
        for b, i in zip(bars, items, strict=True)
    ]
    headers = ["材料类型", "材料数（份）", "一次通过（份）", "一次通过率"]
    return Figure("first-try", "材料一次通过率", svg, headers, rows)


def instant_share(stats: dict[str, Any]) -> Figure:
    days = stats["days"]
    bars = [
        Bar(
            d["date"][5:],
            100 * d["instant_decisions"] / d["decisions"] if d["decisions"] else 0,
            percent(d["instant_decisions"] / d["decisions"] if d["decisions"] else None),
        )
        for d in days
    ]
    svg = bar_chart(
        chart_id="plot-instant-share",
        title="秒赔占决定的比例（按日）",
        x_label="日期（北京时间）",
        y_label="秒赔占比（%）",
        bars=bars,
        y_max=100,
        counts=False,
    )
    rows = [
        [d["date"], str(d["decisions"]), str(d["instant_decisions"]), b.text]
        for d, b in zip(days, bars, strict=True)
    ]
    total = stats["instant"]
    note = (
        f"区间内共 {total['decisions']} 件决定，秒赔 {total['instant_decisions']} 件，"
        f"占 {percent(total['share'])}"
    )
    headers = ["日期", "决定（件）", "秒赔（件）", "秒赔占比"]
    return Figure("instant-share", "秒赔占比", svg, headers, rows, note)


def breaches(stats: dict[str, Any]) -> Figure:
    weeks = stats["breaches_by_week"]
    bars = [
        Bar(f"{w['week_start']} 周", w["deadlines_breached"], f"{w['deadlines_breached']} 次")
        for w in weeks
    ]
    svg = bar_chart(
        chart_id="plot-breaches",
        title="法定时限超期（按周）",
        x_label="周（周一起，北京时间）",
        y_label="超期次数（次）",
        bars=bars,
    )
    rows = [[b.label, b.text] for b in bars]
    return Figure("breaches", "法定时限超期", svg, ["周", "超期次数"], rows)


def figures(stats: dict[str, Any]) -> list[Figure]:
    return [
        funnel(stats),
        decision_time(stats),
        first_try(stats),
        instant_share(stats),
        breaches(stats),
    ]

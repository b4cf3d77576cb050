"""What the ops dashboard plots, per China calendar day, from the claims tracking follows.

Every figure counts an event on the day it happened (China time): a claim drafted on the 1st and
paid on the 9th counts as drafted on the 1st and paid on the 9th. A decision is the insurer's
(or the instant assessment's) first answer, approved or rejected; its duration runs from submit.
First-try acceptance is counted per document type of the claims drafted in the range: a type
accepted without any rejection before it was accepted on the first try."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from lipei.clock import CHINA
from lipei.events import INSTANT_DECIDER
from tracking_service.domain.state import ClaimState

STAGES = ("drafted", "submitted", "approved", "paid", "rejected", "withdrawn")
MAX_DAYS = 366
# Histogram edges, in hours from submit to decision: instant decisions fall in the first bucket,
# a month and more in the last (open-ended).
HOUR_EDGES = (0.0, 1 / 60, 1.0, 4.0, 24.0, 72.0, 168.0, 360.0, 720.0)


class RangeRefused(ValueError):
    pass


@dataclass(frozen=True)
class Breach:
    kind: str
    due_at: datetime


@dataclass
class Day:
    date: date
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    decisions: int = 0
    instant_decisions: int = 0
    deadlines_breached: int = 0


@dataclass(frozen=True)
class Bucket:
    from_hours: float
    to_hours: float | None
    count: int


@dataclass(frozen=True)
class FirstTry:
    doc_type: str
    documents: int
    accepted_first_try: int

    @property
    def share(self) -> float | None:
        return self.accepted_first_try / self.documents if self.documents else None


@dataclass(frozen=True)
class Stats:
    first: date
    last: date
    days: list[Day]
    decision_hours: list[float]
    histogram: list[Bucket]
    first_try: list[FirstTry]
    breaches_by_week: list[tuple[date, int]]

    def total(self, stage: str) -> int:
        return sum(d.stages[stage] for d in self.days)

    @property
    def decisions(self) -> int:
        return sum(d.decisions for d in self.days)

    @property
    def instant_decisions(self) -> int:
        return sum(d.instant_decisions for d in self.days)

    @property
    def instant_share(self) -> float | None:
        return self.instant_decisions / self.decisions if self.decisions else None

    @property
    def deadlines_breached(self) -> int:
        return sum(d.deadlines_breached for d in self.days)

    def percentile(self, p: float) -> float | None:
        return percentile(self.decision_hours, p)


def check_range(first: date, last: date) -> None:
    if first > last:
        raise RangeRefused("from must not be after to")
    if (last - first).days + 1 > MAX_DAYS:
        raise RangeRefused(f"a range covers at most {MAX_DAYS} days")


def china_day(value: datetime) -> date:
    return value.astimezone(CHINA).date()


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The range as [start, end) instants: China midnight of `first` to that after `last`."""
    start = datetime.combine(first, datetime.min.time(), CHINA)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), CHINA)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0–100): a value that occurred, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def reached(state: ClaimState) -> dict[str, datetime]:
    """When the claim reached each stage it reached."""
    times = {"drafted": state.opened_at}
    for stage, at in (
        ("submitted", state.submitted_at),
        ("approved", state.approved_at),
        ("paid", state.paid_at),
        ("rejected", state.rejected_at),
    ):
        if at is not None:
            times[stage] = at
    withdrawn = [t.at for t in state.transitions if t.to_status == "withdrawn"]
    if withdrawn:
        times["withdrawn"] = withdrawn[0]
    return times


def histogram(hours: list[float]) -> list[Bucket]:
    buckets = []
    for i, low in enumerate(HOUR_EDGES):
        high = HOUR_EDGES[i + 1] if i + 1 < len(HOUR_EDGES) else None
        count = sum(1 for h in hours if h >= low and (high is None or h < high))
        buckets.append(Bucket(low, high, count))
    return buckets


def compute(
    states: Iterable[ClaimState], breaches: Iterable[Breach], first: date, last: date
) -> Stats:
    check_range(first, last)
    days = {
        first + timedelta(days=i): Day(first + timedelta(days=i))
        for i in range((last - first).days + 1)
    }
    hours: list[float] = []
    tried: dict[str, list[int]] = {}
    for state in states:
        for stage, at in reached(state).items():
            day = days.get(china_day(at))
            if day is not None:
                day.stages[stage] += 1
        _count_decision(state, days, hours)
        if china_day(state.opened_at) in days:
            for doc_type, history in state.documents.items():
                seen = tried.setdefault(doc_type, [0, 0])
                seen[0] += 1
                seen[1] += history.rejections == 0 and history.last_verdict == "accepted"
    for breach in breaches:
        day = days.get(china_day(breach.due_at))
        if day is not None:
            day.deadlines_breached += 1
    return Stats(
        first=first,
        last=last,
        days=list(days.values()),
        decision_hours=hours,
        histogram=histogram(hours),
        first_try=[FirstTry(t, n, ok) for t, (n, ok) in sorted(tried.items())],
        breaches_by_week=_weeks(list(days.values())),
    )


def _count_decision(state: ClaimState, days: dict[date, Day], hours: list[float]) -> None:
    decided = [at for at in (state.approved_at, state.rejected_at) if at is not None]
    if not decided:
        return
    at = min(decided)
    day = days.get(china_day(at))
    if day is None:
        return
    day.decisions += 1
    if state.approved_at == at and state.approved_by == INSTANT_DECIDER:
        day.instant_decisions += 1
    if state.submitted_at is not None:
        hours.append(max(0.0, (at - state.submitted_at).total_seconds() / 3600))


def _weeks(days: list[Day]) -> list[tuple[date, int]]:
    """Breaches per week, weeks starting on Monday (the first may start before the range)."""
    weeks: dict[date, int] = {}
    for day in days:
        monday = day.date - timedelta(days=day.date.weekday())
        weeks[monday] = weeks.get(monday, 0) + day.deadlines_breached
    return sorted(weeks.items())

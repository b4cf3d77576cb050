"""Quality reviews and the butler scoreboard.

A review scores criteria; its normalized score is the sum of the scores over the sum of the
maxima, so a criterion out of 10 weighs twice one out of 5."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


class ScoreError(ValueError):
    """A review that cannot be scored (no criteria, a score above its maximum...)."""


@dataclass(frozen=True)
class Criterion:
    criterion: str
    score: float
    max: float


def normalized(scores: Sequence[Criterion]) -> float:
    """Σ score / Σ max, in [0, 1]."""
    if not scores:
        raise ScoreError("a review scores at least one criterion")
    names = [s.criterion for s in scores]
    if len(set(names)) != len(names):
        raise ScoreError("each criterion is scored once")
    for s in scores:
        if s.max <= 0:
            raise ScoreError(f"{s.criterion}: the maximum must be above 0")
        if not 0 <= s.score <= s.max:
            raise ScoreError(f"{s.criterion}: the score must be between 0 and its maximum")
    return sum(s.score for s in scores) / sum(s.max for s in scores)


@dataclass(frozen=True)
class Wait:
    """One wait of a user for a butler's reply, answered or still open."""

    butler_id: str | None
    reply_seconds: float | None
    in_time: bool | None


@dataclass
class Line:
    """One butler's row of the scoreboard."""

    butler_id: str
    display_name: str
    users: int = 0
    conversations: int = 0
    reply_seconds: list[float] = field(default_factory=list)
    waits_due: int = 0
    waits_in_time: int = 0
    review_scores: list[float] = field(default_factory=list)
    complaints: int = 0
    disputes_overturned: int = 0
    amount_recovered: Decimal = Decimal("0")

    @property
    def median_first_reply_seconds(self) -> float | None:
        return statistics.median(self.reply_seconds) if self.reply_seconds else None

    @property
    def replied_in_time_share(self) -> float | None:
        return self.waits_in_time / self.waits_due if self.waits_due else None

    @property
    def mean_review_score(self) -> float | None:
        return statistics.fmean(self.review_scores) if self.review_scores else None


def count_waits(lines: dict[str, Line], waits: Iterable[Wait]) -> None:
    """Answered waits give the reply times; every wait whose reply was due counts for the
    in-time share (an open one past its due time counts as late)."""
    for wait in waits:
        line = lines.get(wait.butler_id or "")
        if line is None:
            continue
        if wait.reply_seconds is not None:
            line.reply_seconds.append(wait.reply_seconds)
        if wait.in_time is not None:
            line.waits_due += 1
            line.waits_in_time += wait.in_time

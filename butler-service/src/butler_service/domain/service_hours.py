"""Service hours (China time) and the reply clock, which runs only while the butlers work.

`BUTLER_HOURS` is `HH:MM-HH:MM` (e.g. `09:00-21:00`; `24:00` closes at midnight) and applies
every day. A question asked at 20:55 with a 10-minute reply time is due at 09:05 the next
morning; one asked at 23:00 is due at 09:10.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
_SPEC = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
DAY_MINUTES = 24 * 60
# A reply time longer than this many days of service is a configuration mistake, not a wait.
_MAX_DAYS = 3660


class HoursError(ValueError):
    """Service hours that cannot be read, or that never open."""


def china_date(at: datetime) -> date:
    """The calendar day in China of an instant."""
    return _aware(at).astimezone(CHINA).date()


def china_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a China calendar day starts and ends."""
    start = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


@dataclass(frozen=True)
class ServiceHours:
    """Opening and closing, in minutes after midnight China time, the same every day."""

    opens: int
    closes: int

    def __post_init__(self) -> None:
        if not 0 <= self.opens < self.closes <= DAY_MINUTES:
            raise HoursError("service hours must open before they close, within one day")

    @classmethod
    def parse(cls, spec: str) -> ServiceHours:
        match = _SPEC.match(spec)
        if match is None:
            raise HoursError(f"service hours are written HH:MM-HH:MM, not {spec!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 24 or h2 > 24:
            raise HoursError(f"not a time of day in {spec!r}")
        return cls(opens=h1 * 60 + m1, closes=h2 * 60 + m2)

    def window(self, day: date) -> tuple[datetime, datetime]:
        """When service opens and closes on a China calendar day (UTC instants)."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=CHINA)
        return (
            (midnight + timedelta(minutes=self.opens)).astimezone(UTC),
            (midnight + timedelta(minutes=self.closes)).astimezone(UTC),
        )

    def is_open(self, at: datetime) -> bool:
        opens, closes = self.window(china_date(at))
        return opens <= _aware(at) < closes

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of service time after `start` (time outside hours is skipped;
        a clock started outside hours starts at the next opening)."""
        at = _aware(start).astimezone(UTC)
        remaining = duration
        day = china_date(at)
        for _ in range(_MAX_DAYS):
            opens, closes = self.window(day)
            at = max(at, opens)
            if at < closes:
                if remaining <= closes - at:
                    return at + remaining
                remaining -= closes - at
            day += timedelta(days=1)
        raise HoursError(f"{duration} of service time does not fit in {_MAX_DAYS} days")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Service time between two instants (zero when `end` is not after `start`)."""
        begin, finish = _aware(start), _aware(end)
        total = timedelta(0)
        day, last = china_date(begin), china_date(finish)
        while begin < finish and day <= last:
            opens, closes = self.window(day)
            overlap = min(closes, finish) - max(opens, begin)
            if overlap > timedelta(0):
                total += overlap
            day += timedelta(days=1)
        return total


def reply_due(hours: ServiceHours, waiting_since: datetime, minutes: float) -> datetime:
    """When a reply to a question asked at `waiting_since` is due."""
    return hours.add(waiting_since, timedelta(minutes=minutes))

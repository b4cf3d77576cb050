"""Quiet hours and daily caps: when an SMS or a call may go out. Deferred, never dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in local time; start > end means it spans midnight (21:00–08:00)."""

    start: time = time(21, 0)
    end: time = time(8, 0)
    tz: ZoneInfo = CHINA

    def contains(self, when: datetime) -> bool:
        local = when.astimezone(self.tz).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, when: datetime) -> datetime:
        """`when` itself if outside the window, else the window's end (as aware UTC-comparable)."""
        if not self.contains(when):
            return when
        local = when.astimezone(self.tz)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(when.tzinfo)


def local_day_start(when: datetime, tz: ZoneInfo = CHINA) -> datetime:
    """Midnight of `when`'s local day, in `when`'s timezone."""
    local = when.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(when.tzinfo)


def cap_reached(sent_today: int, daily_cap: int) -> bool:
    return sent_today >= daily_cap


def next_day_start(when: datetime, tz: ZoneInfo = CHINA) -> datetime:
    """When a capped message may try again: the next local midnight."""
    local = when.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return midnight.astimezone(when.tzinfo)


def parse_hhmm(value: str) -> time:
    """`21:00` → time(21, 0); raises ValueError otherwise."""
    hours, _, minutes = value.partition(":")
    if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError("expected HH:MM")
    return time(int(hours), int(minutes))

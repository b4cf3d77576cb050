"""Time sources. Domain code asks a clock for "now" so tests can move time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

CHINA_TZ_NAME = "Asia/Shanghai"


def utc(value: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already (as SQLite returns stored times)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its offset, or None."""
    return utc(value).isoformat() if value is not None else None


# China keeps UTC+8 all year (no DST): policy periods, incident and invoice dates are its days.
CHINA = timezone(timedelta(hours=8), "CST")


def china_today(now: datetime) -> date:
    """The calendar day in China at `now`, whatever the server's clock zone."""
    return now.astimezone(CHINA).date()


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until told to move; shared by every service in a test."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when

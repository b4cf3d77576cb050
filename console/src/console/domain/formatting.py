"""How the pages write times, shares and durations (China time, zh-CN)."""

from __future__ import annotations

from datetime import datetime

from lipei.clock import CHINA


def when(value: str | None) -> str:
    """An ISO 8601 time as `YYYY-MM-DD HH:MM` in China time; text that is no time as is."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f} 分钟"

"""Calendar days as the policyholder lives them (China, UTC+8 all year), whatever the server's
clock zone: "an invoice in the future" is judged against today in China."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()

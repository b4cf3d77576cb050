"""Calendar days as the policyholder lives them: policy periods and incident dates are dates in
China (UTC+8 all year, no DST), whatever the server's clock zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()

"""Policy years run from the policy's `valid_from`; a claim belongs to the year its incident
date falls in."""

from __future__ import annotations

from datetime import date


def _anniversary(start: date, years: int) -> date:
    """`start` moved on by whole years; 29 February becomes 28 February in other years."""
    year = start.year + years
    try:
        return start.replace(year=year)
    except ValueError:
        return start.replace(year=year, day=28)


def year_start(valid_from: date, day: date) -> date:
    """The first day of the policy year `day` falls in (the first year for a day before it)."""
    if day <= valid_from:
        return valid_from
    years = day.year - valid_from.year
    start = _anniversary(valid_from, years)
    return start if start <= day else _anniversary(valid_from, years - 1)

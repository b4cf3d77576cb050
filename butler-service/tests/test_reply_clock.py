"""The reply clock runs only in service hours (China time), across evenings, nights and days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from butler_service.domain.service_hours import (
    CHINA,
    HoursError,
    ServiceHours,
    china_date,
    reply_due,
)

HOURS = ServiceHours.parse("09:00-21:00")


def china(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=CHINA)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (china(2, 10, 0), china(2, 10, 10)),  # in hours: ten minutes later
        (china(2, 20, 55), china(3, 9, 5)),  # five minutes tonight, five tomorrow morning
        (china(2, 23, 0), china(3, 9, 10)),  # at night: the clock starts at opening
        (china(3, 3, 30), china(3, 9, 10)),  # after midnight: the same morning
        (china(2, 8, 59), china(2, 9, 10)),  # a minute before opening
        (china(2, 21, 0), china(3, 9, 10)),  # the moment it closes
        (china(2, 9, 0), china(2, 9, 10)),  # the moment it opens
    ],
)
def test_reply_due_counts_only_service_hours(asked: datetime, due: datetime) -> None:
    assert reply_due(HOURS, asked, 10) == due


def test_a_long_reply_time_spans_several_days() -> None:
    # 30 service hours from Monday 10:00: 11 h Monday, 12 h Tuesday, 7 h Wednesday.
    assert HOURS.add(china(2, 10), timedelta(hours=30)) == china(4, 16)


def test_elapsed_counts_only_service_hours() -> None:
    assert HOURS.elapsed(china(2, 20, 55), china(3, 9, 5)) == timedelta(minutes=10)
    assert HOURS.elapsed(china(2, 22), china(3, 8)) == timedelta(0)
    assert HOURS.elapsed(china(2, 10), china(4, 16)) == timedelta(hours=30)
    assert HOURS.elapsed(china(3, 10), china(2, 10)) == timedelta(0)


def test_open_and_closed_in_china_time_whatever_the_zone_given() -> None:
    assert HOURS.is_open(china(2, 9))
    assert not HOURS.is_open(china(2, 21))
    # 13:30 UTC is 21:30 in China: closed, though it is afternoon in UTC.
    assert not HOURS.is_open(datetime(2026, 3, 2, 13, 30, tzinfo=UTC))
    assert china_date(datetime(2026, 3, 2, 17, 0, tzinfo=UTC)) == china(3, 1).date()


def test_round_the_clock_hours_and_bad_specs() -> None:
    always = ServiceHours.parse("00:00-24:00")
    assert reply_due(always, china(2, 23, 55), 10) == china(3, 0, 5)
    for bad in ("9-21", "21:00-09:00", "09:00-25:00", "09:60-10:00", "", "10:00-10:00"):
        with pytest.raises(HoursError):
            ServiceHours.parse(bad)

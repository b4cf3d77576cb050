"""A short `make chaos`: scenarios 1, 2 and 6 on real processes, a real broker and SQLite, with
a few dozen claims or reminders and short faults (`make chaos` runs them at full size)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lipei_testing.chaos import claims, reminders
from lipei_testing.chaos.report import Row
from lipei_testing.chaos.setup import platform
from lipei_testing.processes import ProcessPlatform, free_ports

pytestmark = pytest.mark.slow

CLAIM_SERVICES = ["intake_service", "tracking_service"]


@pytest.fixture
async def claims_platform(tmp_path: Path) -> AsyncIterator[ProcessPlatform]:
    async with platform(ports=free_ports(), var=tmp_path, services=CLAIM_SERVICES) as running:
        yield running


def _clean(row: Row) -> None:
    assert (row.lost, row.twice, row.errors_outside, row.note) == (0, 0, 0, ""), row
    assert row.recover_seconds is not None


async def test_claims_drafted_while_the_broker_is_down_reach_the_timeline_once(
    claims_platform: ProcessPlatform,
) -> None:
    row = await claims.broker_outage(claims_platform, n=40, outage=4)
    _clean(row)
    assert row.errors_during == 0  # drafting never needs the broker
    assert any("outboxes replayed" in line for line in claims_platform.said)


async def test_events_of_a_relay_killed_three_times_arrive_once(
    claims_platform: ProcessPlatform,
) -> None:
    row = await claims.relay_killed(claims_platform, n=40, kills=3)
    _clean(row)
    assert claims_platform.restarts("intake_service") == 3


async def test_reminders_through_flaky_providers_go_out_at_most_once_per_channel(
    tmp_path: Path,
) -> None:
    async with platform(
        ports=free_ports(),
        var=tmp_path,
        services=["notify_service"],
        service_env={"notify_service": reminders.NOTIFY_ENV},
        standins=True,
    ) as running:
        row = await reminders.flaky_providers(running, n=25)
    _clean(row)
    assert row.volume == "25 reminders, 50 messages"

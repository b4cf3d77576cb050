"""`make run`'s supervisor on real processes: a service killed with SIGKILL while claims are
drafted comes back by itself, and the claims it missed reach the timeline once."""

from __future__ import annotations

from pathlib import Path

import pytest

from lipei_testing.chaos.claims import killed
from lipei_testing.chaos.setup import platform
from lipei_testing.processes import free_ports

pytestmark = pytest.mark.slow


async def test_a_killed_consumer_comes_back_and_the_claims_it_missed_arrive_once(
    tmp_path: Path,
) -> None:
    async with platform(
        ports=free_ports(), var=tmp_path, services=["intake_service", "tracking_service"]
    ) as running:
        row = await killed(
            running,
            n=30,
            service="tracking_service",
            kills=1,
            scenario="tracking killed",
            done="tracking SIGKILLed while claims are drafted",
        )
        said = list(running.said)

    assert "tracking_service exited with -9; restarting in 1 s" in said
    assert row.recover_seconds is not None
    assert (row.lost, row.twice, row.errors_outside) == (0, 0, 0), row
    assert row.volume == "30 claims"

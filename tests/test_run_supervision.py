"""`make run`'s supervisor on real processes: a service killed with SIGKILL while claims are
drafted comes back by itself, and the claims it missed reach the timeline once."""

from __future__ import annotations

from pathlib import Path

import pytest

from lipei_dev.broker import free_port
from lipei_dev.ports import Ports
from lipei_testing.chaos.claims import killed
from lipei_testing.chaos.setup import platform

pytestmark = pytest.mark.slow


def _free_base() -> Ports:
    """A port base whose eleven ports are free (the broker's port is another free one)."""
    for _ in range(50):
        base = free_port()
        if base <= 65535 - 11 and all(_free(base + i) for i in range(12)):
            return Ports(base=base, broker=free_port())
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    from lipei_dev.broker import port_open

    return not port_open("127.0.0.1", port)


async def test_a_killed_consumer_comes_back_and_the_claims_it_missed_arrive_once(
    tmp_path: Path,
) -> None:
    async with platform(
        ports=_free_base(), var=tmp_path, services=["intake_service", "tracking_service"]
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

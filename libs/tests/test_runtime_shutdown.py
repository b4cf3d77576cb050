"""A stopping service gives its background work a bounded time, then goes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from lipei.runtime import ServiceRuntime
from lipei.settings import ServiceSettings


async def test_a_task_that_will_not_stop_does_not_hold_up_the_shutdown(
    tmp_path: Path, bootstrap_servers: str
) -> None:
    settings = ServiceSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'svc.db'}",
        migrate_on_start=False,
        kafka_bootstrap_servers=bootstrap_servers,
        shutdown_grace_seconds=1.0,
    )
    runtime = ServiceRuntime(settings, migrations=tmp_path)
    stubborn_started, released, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def stubborn() -> None:
        stubborn_started.set()
        while not released.is_set():  # swallows cancellation, like a client stuck on a request
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue
        finished.set()

    runtime.add_loop("stubborn", stubborn)
    await runtime.start()
    await stubborn_started.wait()
    began = time.monotonic()
    await runtime.stop()
    assert time.monotonic() - began < 5
    assert not finished.is_set()  # it was left behind, not waited for
    released.set()
    await asyncio.wait_for(finished.wait(), 5)

"""Scenarios 1 and 2: claims drafted over HTTP through a broker outage, and through an outbox
relay (intake) killed with SIGKILL. Every claim must reach tracking's timeline, once."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from lipei_testing.chaos.report import Row
from lipei_testing.chaos.state import Databases
from lipei_testing.chaos.traffic import Policyholders, Tally
from lipei_testing.processes import ProcessPlatform


@dataclass
class Fault:
    start: float
    end: float = 0.0  # the fault lifted: the broker back, the killed service started again
    recovered: float | None = None  # seconds from `end` until what it delayed had arrived


@dataclass
class ClaimsRun:
    """Drafting `n` claims while faults are injected, then the verdict."""

    platform: ProcessPlatform
    n: int
    concurrency: int = 6
    pace: float = 0.0  # seconds each drafting task waits between claims
    tally: Tally = field(default_factory=Tally)
    faults: list[Fault] = field(default_factory=list)
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    async def drive(self, inject: Callable[[ClaimsRun], Awaitable[None]]) -> None:
        async with httpx.AsyncClient(base_url=self.platform.gateway_url, timeout=30) as client:
            holders = Policyholders(client, self.run)
            await holders.sign_up()
            drafting = asyncio.create_task(
                holders.draft(
                    self.n, concurrency=self.concurrency, tally=self.tally, pace=self.pace
                )
            )
            try:
                await inject(self)
                await drafting
            finally:
                drafting.cancel()

    async def until_drafted(self, count: int) -> None:
        await _until(lambda: len(self.tally.claims) >= min(count, self.n))

    async def watch_recovery(self, fault: Fault, databases: Databases, service: str) -> None:
        """`fault.recovered`: from the fault's end until `service` answers and every claim
        drafted before that end is on the timeline."""
        before = {c for c, at in self.tally.drafted_at.items() if at <= fault.end}
        while True:
            if await _answers(self.platform, service) and before <= await databases.tracked():
                fault.recovered = time.monotonic() - fault.end
                return
            await asyncio.sleep(0.25)

    async def verdict(
        self, scenario: str, done: str, databases: Databases, *, settle: float = 120.0
    ) -> Row:
        claims = set(self.tally.claims.values())
        deadline = time.monotonic() + settle
        tracked = await databases.tracked()
        while not claims <= tracked and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            tracked = await databases.tracked()
        stored = await databases.drafted_claims(f"chaos-{self.run}-")
        during = self.tally.errors_within([(f.start, f.end + 2.0) for f in self.faults])
        recovered = [f.recovered for f in self.faults if f.recovered is not None]
        missing_recovery = any(f.recovered is None for f in self.faults)
        return Row(
            scenario=scenario,
            done=done,
            volume=f"{len(claims)} claims",
            lost=len(claims - tracked),
            # A claim drafted twice for one request, or a draft event applied twice.
            twice=(stored - len(claims)) + await databases.applied_twice(),
            errors_outside=self.tally.errors - during,
            errors_during=during,
            recover_seconds=max(recovered) if recovered else None,
            database=_backend(self.platform),
            note="a fault did not heal" if missing_recovery else "",
        )


async def _until(condition: Callable[[], bool]) -> None:
    """Poll a condition of the scenario's own counters."""
    while not condition():  # noqa: ASYNC110 (counters of many tasks; no one event to wait on)
        await asyncio.sleep(0.1)


async def _answers(platform: ProcessPlatform, service: str) -> bool:
    try:
        await asyncio.to_thread(platform.wait_healthy, service, 0.5)
        return True
    except TimeoutError:
        return False


def _backend(platform: ProcessPlatform) -> str:
    url = next(iter(platform.database_urls.values()))
    return "postgresql" if url.startswith("postgresql") else "sqlite"


async def broker_outage(platform: ProcessPlatform, *, n: int, outage: float) -> Row:
    """1. The broker killed and kept down for `outage` s while claims are drafted over HTTP;
    restarted empty (memory only), then every outbox's retention window is replayed."""
    databases = Databases(platform.database_urls)
    watchers: list[asyncio.Task[None]] = []

    async def inject(run: ClaimsRun) -> None:
        await run.until_drafted(n // 10)
        fault = Fault(start=time.monotonic())
        run.faults.append(fault)
        await asyncio.to_thread(platform.supervisor.hold, "broker", signal.SIGKILL)
        await asyncio.sleep(outage)
        platform.supervisor.resume("broker")
        fault.end = time.monotonic()
        watchers.append(asyncio.create_task(run.watch_recovery(fault, databases, "broker")))

    run = ClaimsRun(platform, n)
    try:
        await run.drive(inject)
        await asyncio.wait_for(asyncio.gather(*watchers), 180)
        return await run.verdict(
            "1 broker outage", f"broker down {outage:g} s while claims are drafted", databases
        )
    finally:
        await databases.close()


async def killed(
    platform: ProcessPlatform, *, n: int, service: str, kills: int, scenario: str, done: str
) -> Row:
    """`service` killed with SIGKILL `kills` times while claims are drafted; the supervisor
    starts it again each time."""
    databases = Databases(platform.database_urls)
    watchers: list[asyncio.Task[None]] = []

    async def inject(run: ClaimsRun) -> None:
        for k in range(kills):
            await run.until_drafted(n * (k + 1) // (kills + 1))
            fault = Fault(start=time.monotonic())
            run.faults.append(fault)
            await asyncio.to_thread(platform.supervisor.kill, service, signal.SIGKILL)
            await asyncio.to_thread(platform.wait_healthy, service, 120)
            fault.end = time.monotonic()
            watchers.append(asyncio.create_task(run.watch_recovery(fault, databases, service)))

    run = ClaimsRun(platform, n)
    try:
        await run.drive(inject)
        await asyncio.wait_for(asyncio.gather(*watchers), 180)
        restarts = f" ({platform.restarts(service)} restarts by the supervisor)"
        return await run.verdict(scenario, done + restarts, databases)
    finally:
        await databases.close()


async def relay_killed(platform: ProcessPlatform, *, n: int, kills: int = 3) -> Row:
    """2. intake (the relay of the drafted events) killed while its events flow."""
    return await killed(
        platform,
        n=n,
        service="intake_service",
        kills=kills,
        scenario="2 relay killed",
        done=f"intake SIGKILLed {kills}× while its events flow",
    )


async def replica_churn(
    platform: ProcessPlatform, *, n: int, period: float = 10.0, duration: float = 120.0
) -> Row:
    """3. Two tracking replicas in one consumer group; the second killed (SIGKILL) and started
    again every `period` s for `duration` s while the drafted claims' events flow."""
    databases = Databases(platform.database_urls)
    watchers: list[asyncio.Task[None]] = []
    replica = "tracking_service_2"

    async def inject(run: ClaimsRun) -> None:
        await run.until_drafted(n // 20)
        end = time.monotonic() + duration
        while time.monotonic() < end:
            fault = Fault(start=time.monotonic())
            run.faults.append(fault)
            await asyncio.to_thread(platform.supervisor.hold, replica, signal.SIGKILL)
            await asyncio.sleep(period)
            platform.supervisor.resume(replica)
            fault.end = time.monotonic()
            watchers.append(asyncio.create_task(run.watch_recovery(fault, databases, replica)))
            await asyncio.sleep(period)

    # Drafting spread over the churn, so events flow through every rebalance.
    run = ClaimsRun(platform, n, concurrency=4, pace=4 * duration / n)
    try:
        await run.drive(inject)
        await asyncio.wait_for(asyncio.gather(*watchers), 180)
        return await run.verdict(
            "3 consumer churn",
            f"2 tracking replicas, one killed and started every {period:g} s for {duration:g} s",
            databases,
        )
    finally:
        await databases.close()

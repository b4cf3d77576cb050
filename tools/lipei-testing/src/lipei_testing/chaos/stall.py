"""Scenario 5: intake's PostgreSQL stalls (a proxy of our own stops forwarding) while claims are
drafted. Requests must answer 503 with Retry-After, never 500, and none may hang past the
gateway's timeout; nothing half-written may remain, and the outbox must agree with the state."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field

import httpx
from sqlalchemy import text

from lipei_testing.chaos.proxy import StallingProxy
from lipei_testing.chaos.report import Row
from lipei_testing.chaos.state import Databases
from lipei_testing.chaos.traffic import Policyholders
from lipei_testing.processes import ProcessPlatform

GATEWAY_TIMEOUT = 10.0  # the gateway's UPSTREAM_TIMEOUT_SECONDS


@dataclass
class Answer:
    key: str
    started: float
    took: float
    status: int | None  # None: the connection dropped
    retry_after: bool


@dataclass
class Drafts:
    holders: Policyholders
    answers: list[Answer] = field(default_factory=list)
    stored: dict[str, str] = field(default_factory=dict)  # key: claim id

    async def one(self, i: int, key: str) -> Answer:
        user = i % len(self.holders.headers)
        body = {
            "policy_id": f"P-chaos{self.holders.run}u{user}",
            "claim_type": "outpatient",
            "incident_date": "2026-11-01",
            "description": f"门诊 {i}",
            "claimed_amount": "80.00",
        }
        headers = {**self.holders.headers[user], "Idempotency-Key": key}
        started = time.monotonic()
        try:
            response = await self.holders.client.post("/api/v1/claims", json=body, headers=headers)
        except httpx.TransportError:
            answer = Answer(key, started, time.monotonic() - started, None, False)
        else:
            answer = Answer(
                key,
                started,
                time.monotonic() - started,
                response.status_code,
                "retry-after" in response.headers,
            )
            if response.status_code == 201:
                self.stored[key] = response.json()["claim_id"]
        self.answers.append(answer)
        return answer


async def database_stall(
    platform: ProcessPlatform, proxy: StallingProxy, *, stall: float, concurrency: int = 6
) -> Row:
    databases = Databases(platform.database_urls)
    run = uuid.uuid4().hex[:6]
    try:
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=60) as client:
            holders = Policyholders(client, run)
            await holders.sign_up()
            drafts = Drafts(holders)
            stop = asyncio.Event()
            counter = iter(range(10**9))

            async def client_loop() -> None:
                while not stop.is_set():
                    i = next(counter)
                    await drafts.one(i, f"chaos-{run}-{i}")
                    await asyncio.sleep(0.05)

            loops = [asyncio.create_task(client_loop()) for _ in range(concurrency)]
            await asyncio.sleep(3)
            stalled = time.monotonic()
            proxy.stall()
            await asyncio.sleep(stall)
            proxy.resume()
            resumed = time.monotonic()
            while True:  # the first claim stored after the stall
                if any(a.status == 201 and a.started > resumed for a in drafts.answers):
                    break
                await asyncio.sleep(0.1)
            recovered = time.monotonic() - resumed
            await asyncio.sleep(2)
            stop.set()
            await asyncio.gather(*loops)
            # Whatever was refused is sent again with its key: stored once, or now.
            refused = {a.key for a in drafts.answers if a.status != 201} - set(drafts.stored)
            for key in sorted(refused):
                answer = await drafts.one(int(key.rsplit("-", 1)[1]), key)
                if answer.status != 201:
                    raise AssertionError(f"{key} still refused after the stall: {answer}")
        return await _verdict(databases, drafts, run, stall, stalled, resumed, recovered)
    finally:
        await databases.close()


async def _verdict(
    databases: Databases,
    drafts: Drafts,
    run: str,
    stall: float,
    stalled: float,
    resumed: float,
    recovered: float,
) -> Row:
    claims = set(drafts.stored.values())
    async with databases.engines["intake_service"].connect() as conn:
        rows = await conn.execute(
            text("SELECT claim_id FROM claims WHERE idempotency_key LIKE :p"),
            {"p": f"chaos-{run}-%"},
        )
        in_db = list(rows.scalars())
        payloads = await conn.execute(
            text("SELECT payload FROM outbox WHERE event_type = 'claim.drafted'")
        )
        drafted = [json.loads(p)["claim_id"] for p in payloads.scalars()]
    drafted_ours = [c for c in drafted if c in set(in_db)]
    deadline = time.monotonic() + 120
    while True:
        tracked = await databases.tracked()
        if claims <= tracked or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    # Requests in flight when the stall began meet it too.
    window = (stalled - GATEWAY_TIMEOUT, resumed + GATEWAY_TIMEOUT)
    server = [a for a in drafts.answers if a.status is None or a.status >= 500]
    during = [a for a in server if window[0] <= a.started <= window[1]]
    bad = [a for a in server if a.status != 503 or not a.retry_after]
    hung = [a for a in drafts.answers if a.took > GATEWAY_TIMEOUT + 2]
    # Half-written: a claim without its event, or an event without its claim.
    half = len(set(in_db) ^ set(drafted_ours)) + (len(drafted_ours) - len(set(drafted_ours)))
    notes = []
    if bad:
        notes.append(f"{len(bad)} answers not 503 with Retry-After")
    if hung:
        notes.append(f"{len(hung)} requests hung past {GATEWAY_TIMEOUT + 2:g} s")
    if half:
        notes.append(f"{half} half-written")
    slowest = max(a.took for a in drafts.answers)
    return Row(
        scenario="5 database stall",
        done=(
            f"intake's PostgreSQL stalled {stall:g} s behind a proxy: {len(during)} answered 503 "
            f"with Retry-After, slowest answer {slowest:.1f} s, outbox = claims"
        ),
        volume=f"{len(claims)} claims",
        lost=len(claims - set(in_db)) + len(claims - tracked),
        twice=(len(in_db) - len(claims)) + await databases.applied_twice(),
        errors_outside=len(server) - len(during) + len(bad),
        errors_during=len(during),
        recover_seconds=recovered,
        database="postgresql",
        note="; ".join(notes),
    )

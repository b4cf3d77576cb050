"""The background loop: climbs due escalation ladders and sends due messages.

A message is claimed (pending → sending, committed) before the provider is called, so two
replicas never send the same row; the outcome is recorded with its delivery-log event in one
transaction. A claim left behind by a crash may or may not have reached the provider: after a
lease (wall clock) it is given up as failed and dead-lettered for a person to check, never sent
a second time."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from lipei.runtime import ServiceRuntime
from notify_service import store
from notify_service.channels.base import Outcome
from notify_service.channels.senders import Senders
from notify_service.domain.delivery_plan import plan
from notify_service.domain.escalation import EscalationPolicy
from notify_service.domain.quiet_hours import local_day_start
from notify_service.ladder import Ladder
from notify_service.outcomes import Outcomes
from notify_service.sending import send
from notify_service.settings import Settings
from notify_service.store import Record

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
INTERRUPTED = "interrupted while sending: it may or may not have reached the user"


class Dispatcher:
    """Each round: reminders take their due steps, stale claims are given up, and due
    messages are planned, claimed, sent and recorded a batch at a time."""

    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        policy: EscalationPolicy,
        senders: Senders,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.senders = senders
        self.ladder = Ladder(policy, runtime.outbox)
        self.outcomes = Outcomes(runtime.outbox, settings, self.ladder)

    async def run(self) -> None:
        """The claim lane and the bulk lane, each in a loop of its own: a reminder never waits
        for a batch of a regional alert to finish."""
        await asyncio.gather(self._loop(self.claim_round), self._loop(self.bulk_round))

    async def _loop(self, round_: Callable[[], Awaitable[None]]) -> None:
        while True:
            try:
                await round_()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatch round failed; trying again")
            await asyncio.sleep(self.settings.dispatch_poll_seconds)

    async def tick(self) -> None:
        """One round of each lane."""
        await self.claim_round()
        await self.bulk_round()

    async def claim_round(self) -> None:
        """Due steps, stale claims, then the claim lane's due messages."""
        await self.escalate_due()
        await self.release_stale_claims()
        await self.drain(("claim",))

    async def bulk_round(self) -> None:
        await self.drain(("bulk",))

    async def drain(self, lanes: tuple[str, ...]) -> None:
        """The lanes' due messages, a batch at a time until none is left."""
        while True:
            async with self.runtime.sessionmaker() as session:
                ids = await store.due_delivery_ids(
                    session, self._now(), self.settings.dispatch_batch, lanes
                )
            if ids:
                await self.process_batch(ids)
            if len(ids) < self.settings.dispatch_batch:
                return

    def _now(self) -> datetime:
        return self.runtime.clock.now()

    async def escalate_due(self) -> None:
        now = self._now()
        async with self.runtime.unit_of_work() as session:
            await self.ladder.climb_due(session, now)

    async def release_stale_claims(self) -> None:
        """A message left `sending` by a stopped process: its outcome is unknown, and sending
        it again could send it twice, so it is logged as failed and dead-lettered."""
        cutoff = datetime.now(UTC) - LEASE
        now = self._now()
        async with self.runtime.unit_of_work() as session:
            for row in await store.stale_claims(session, cutoff):
                # Two rounds may see the same stale claim; only the one that flips it
                # dead-letters it.
                if await store.interrupted(session, row.delivery_id, INTERRUPTED):
                    await self.outcomes.dead_letter(session, row, INTERRUPTED, now)

    async def process(self, delivery_id: str) -> None:
        await self.process_batch([delivery_id])

    async def process_batch(self, delivery_ids: list[str]) -> None:
        """Plan each message; claim those that go now (one transaction), send them side by side
        (at most `dispatch_concurrency` calls in flight, each channel at its pace), and record
        what happened to them (one transaction)."""
        claimed = await self._claim(delivery_ids)
        if not claimed:
            return
        limit = asyncio.Semaphore(self.settings.dispatch_concurrency)

        async def one(row: Record, address: str) -> tuple[Record, Outcome]:
            async with limit:
                return row, await send(self.senders, self.settings, row, address)

        results = await asyncio.gather(*(one(row, address) for row, address in claimed))
        async with self.runtime.unit_of_work() as session:
            await self.outcomes.record_many(session, list(results), self._now())

    async def _claim(self, delivery_ids: list[str]) -> list[tuple[Record, str]]:
        """pending → sending for each message its plan sends now, with its address; the others
        deferred or let go. A user's messages claimed earlier in the batch count against their
        daily cap as if sent."""
        now = self._now()
        going: list[tuple[Record, str]] = []
        in_batch: Counter[str] = Counter()
        async with self.runtime.unit_of_work() as session:
            rows = await store.pending_deliveries(session, delivery_ids)
            users = {row.user_id for row in rows}
            contacts = await store.recipients_of(session, users)
            sent_today = await store.sent_counts_since(session, users, local_day_start(now))
            for row in rows:
                decision = plan(
                    row,
                    contacts.get(row.user_id),
                    now=now,
                    sent_today=sent_today.get(row.user_id, 0) + in_batch[row.user_id],
                    default_cap=self.settings.default_daily_cap,
                    ops_phone=self.settings.ops_phone_number,
                )
                if decision.action != "send" or decision.address is None:
                    await self.outcomes.not_sent(session, row, decision, now)
                    continue
                in_batch[row.user_id] += 1
                going.append((row, decision.address))
            claimed = await store.claim_deliveries(
                session, [row for row, _ in going], claimed_at=datetime.now(UTC)
            )
        return [(row, address) for row, address in going if row.delivery_id in claimed]

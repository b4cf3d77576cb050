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
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatch round failed; trying again")
            await asyncio.sleep(self.settings.dispatch_poll_seconds)

    async def tick(self) -> None:
        """Due steps, stale claims, then due messages a batch at a time until none is left:
        each batch is chosen afresh, claim messages first, so a reminder that falls due while
        an alert fans out goes in the next batch."""
        await self.escalate_due()
        await self.release_stale_claims()
        while True:
            async with self.runtime.sessionmaker() as session:
                ids = await store.due_delivery_ids(
                    session, self._now(), self.settings.dispatch_batch
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
                await store.interrupted(session, row.delivery_id, INTERRUPTED)
                await self.outcomes.dead_letter(session, row, INTERRUPTED, now)

    async def process(self, delivery_id: str) -> None:
        await self.process_batch([delivery_id])

    async def process_batch(self, delivery_ids: list[str]) -> None:
        """Plan each message; claim those that go now (one transaction), send them side by side
        (at most `dispatch_concurrency` calls in flight, each channel at its pace), and record
        what happened to each (one transaction)."""
        claimed = await self._claim(delivery_ids)
        if not claimed:
            return
        limit = asyncio.Semaphore(self.settings.dispatch_concurrency)

        async def one(row: Record, address: str) -> Outcome:
            async with limit:
                return await send(self.senders, self.settings, row, address)

        outcomes = await asyncio.gather(*(one(row, address) for row, address in claimed))
        async with self.runtime.unit_of_work() as session:
            for (row, _), outcome in zip(claimed, outcomes, strict=True):
                await self.outcomes.record(session, row, outcome, self._now())

    async def _claim(self, delivery_ids: list[str]) -> list[tuple[Record, str]]:
        """pending → sending for each message its plan sends now, with its address; the others
        deferred or let go. A user's messages claimed earlier in the batch count against their
        daily cap as if sent."""
        now = self._now()
        day_start = local_day_start(now)
        claimed: list[tuple[Record, str]] = []
        in_batch: Counter[str] = Counter()
        async with self.runtime.unit_of_work() as session:
            for delivery_id in delivery_ids:
                row = await store.pending_delivery(session, delivery_id)
                if row is None:
                    continue
                sent_today = await store.sent_since(session, row.user_id, day_start)
                decision = plan(
                    row,
                    await store.recipient(session, row.user_id),
                    now=now,
                    sent_today=sent_today + in_batch[row.user_id],
                    default_cap=self.settings.default_daily_cap,
                    ops_phone=self.settings.ops_phone_number,
                )
                if decision.action != "send" or decision.address is None:
                    await self.outcomes.not_sent(session, row, decision, now)
                    continue
                if await store.claim_delivery(session, row, claimed_at=datetime.now(UTC)):
                    in_batch[row.user_id] += 1
                    claimed.append((row, decision.address))
        return claimed

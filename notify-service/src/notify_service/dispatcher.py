"""The background loop: climbs due escalation ladders and sends due messages.

A message is claimed (pending → sending, committed) before the provider is called, so two
replicas never send the same row; the outcome is recorded with its delivery-log event in one
transaction. A claim left behind by a crash may or may not have reached the provider: after a
lease (wall clock) it is given up as failed and dead-lettered for a person to check, never sent
a second time."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from lipei.runtime import ServiceRuntime
from notify_service import store
from notify_service.channels.senders import Senders
from notify_service.domain.delivery_plan import plan
from notify_service.domain.escalation import EscalationPolicy
from notify_service.domain.quiet_hours import local_day_start
from notify_service.ladder import Ladder
from notify_service.outcomes import Outcomes
from notify_service.sending import send
from notify_service.settings import Settings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50
INTERRUPTED = "interrupted while sending: it may or may not have reached the user"


class Dispatcher:
    """Each round: reminders take their due steps, stale claims are given up, and due
    messages are planned, claimed, sent and recorded one by one."""

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
        await self.escalate_due()
        await self.release_stale_claims()
        async with self.runtime.sessionmaker() as session:
            ids = await store.due_delivery_ids(session, self._now(), BATCH)
        for delivery_id in ids:
            await self.process(delivery_id)

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
        """Plan the message; if it goes now, claim it, send it, and record what happened."""
        now = self._now()
        async with self.runtime.unit_of_work() as session:
            row = await store.pending_delivery(session, delivery_id)
            if row is None:
                return
            decision = plan(
                row,
                await store.recipient(session, row.user_id),
                now=now,
                sent_today=await store.sent_since(session, row.user_id, local_day_start(now)),
                default_cap=self.settings.default_daily_cap,
                ops_phone=self.settings.ops_phone_number,
            )
            if decision.action != "send" or decision.address is None:
                await self.outcomes.not_sent(session, row, decision, now)
                return
            if not await store.claim_delivery(session, row, claimed_at=datetime.now(UTC)):
                return
        outcome = await send(self.senders, self.settings, row, decision.address)
        async with self.runtime.unit_of_work() as session:
            await self.outcomes.record(session, row, outcome, self._now())

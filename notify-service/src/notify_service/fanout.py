"""Regional alerts reaching every policyholder of their regions, a chunk at a time.

The alert's Kafka handler only records the fan-out, so the consumer goes straight on to the
claim events behind it. This loop then pages through intake's policyholders and writes each
chunk's inbox entries and messages (in the `bulk` lane) in a transaction of its own, together
with where it got to: a restart goes on from there, and the (event, channel, user) keys make a
chunk written twice add nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from lipei.runtime import ServiceRuntime
from notify_service import store
from notify_service.domain.notice import Notice
from notify_service.intake_client import IntakeClient, IntakeRefused
from notify_service.notices import Notices
from notify_service.settings import Settings
from notify_service.store import Record

log = logging.getLogger(__name__)

ALERT_TEMPLATE = "disaster_alert"
ALERT_CHANNELS = ("wechat", "sms")


class FanOutMoved(Exception):
    """Another replica wrote this chunk first: this transaction is rolled back."""


class FanOut:
    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        notices: Notices,
        intake: IntakeClient,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.notices = notices
        self.intake = intake

    async def run(self) -> None:
        while True:
            try:
                busy = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert fan-out round failed; trying again")
                busy = False
            if not busy:
                await asyncio.sleep(self.settings.dispatch_poll_seconds)

    async def step(self) -> bool:
        """One chunk of the oldest unfinished alert; False when there is none."""
        async with self.runtime.sessionmaker() as session:
            rows = await store.open_fanouts(session)
        if not rows:
            return False
        with contextlib.suppress(FanOutMoved):
            await self.chunk(rows[0])
        return True

    async def drain(self) -> None:
        """Every open fan-out to its end (tests, and a caller that cannot wait for the loop)."""
        while await self.step():
            pass

    async def chunk(self, row: Record) -> None:
        users, region_index, cursor = await self._next_users(row)
        now = self.runtime.clock.now()
        finished = region_index >= len(row.region_codes)
        expired = row.valid_until <= now
        notices = [
            Notice(
                source_event_id=row.source_event_id,
                user_id=user_id,
                template=ALERT_TEMPLATE,
                params=dict(row.params),
                trigger=row.trigger,
                claim_id=None,
            )
            for user_id in users
        ]
        reached = 0
        async with self.runtime.unit_of_work() as session:
            if not expired:  # nobody needs a warning that is over
                reached = await self.notices.notify_many(
                    session,
                    notices,
                    channels=ALERT_CHANNELS,
                    now=now,
                    expires_at=row.valid_until,
                    lane="bulk",
                )
            moved = await store.fanout_moved(
                session,
                row,
                region_index=len(row.region_codes) if expired else region_index,
                cursor=None if expired else cursor,
                reached=reached,
                finished_at=now if finished or expired else None,
            )
            if not moved:
                raise FanOutMoved(row.source_event_id)
        if finished:
            log.info("alert fan-out done: %d users", row.users_reached + reached)

    async def _next_users(self, row: Record) -> tuple[list[str], int, str | None]:
        """Up to a chunk of users from where the fan-out stands, and where it stands after."""
        region_index, cursor = row.region_index, row.cursor
        users: dict[str, None] = {}
        while region_index < len(row.region_codes) and len(users) < self.settings.alert_chunk:
            region = row.region_codes[region_index]
            try:
                page = await self.intake.policyholder_page(
                    region, cursor, self.settings.alert_chunk - len(users)
                )
            except IntakeRefused:
                log.warning("intake refused region %s of an alert; skipping it", region)
                page = None
            if page is not None:
                users.update(dict.fromkeys(page.user_ids))
            cursor = page.next_cursor if page is not None else None
            if cursor is None:
                region_index += 1
        return list(users), region_index, cursor

"""What became of a message, stored with its delivery-log event in one transaction: sent,
deferred, let go, retried with backoff, or given up and dead-lettered."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import (
    NOTIFICATIONS_TOPIC,
    NotificationFailed,
    NotificationSent,
    dead_letter_topic,
)
from lipei.messaging.outbox import Outbox
from notify_service import store
from notify_service.channels.base import Outcome
from notify_service.domain.delivery_plan import Plan
from notify_service.ladder import Ladder
from notify_service.settings import Settings
from notify_service.store import Record

DEAD_LETTER_TOPIC = dead_letter_topic(NOTIFICATIONS_TOPIC)
# However many attempts failed, the next one is tried within the hour.
MAX_BACKOFF = timedelta(hours=1)
LET_GO = {"skip": "skipped", "expire": "expired", "cancel": "cancelled"}


class Outcomes:
    """Stores a message's fate; a reminder's message that cannot reach the user brings the
    reminder's next step forward."""

    def __init__(self, outbox: Outbox, settings: Settings, ladder: Ladder) -> None:
        self.outbox = outbox
        self.settings = settings
        self.ladder = ladder

    async def not_sent(
        self, session: AsyncSession, row: Record, decision: Plan, now: datetime
    ) -> None:
        """The plan says not now (deferred) or not at all (skipped, expired, cancelled)."""
        if decision.action == "defer":
            await store.deferred(
                session, row.delivery_id, until=decision.until, reason=decision.reason
            )
            return
        status = LET_GO[decision.action]
        await store.settled(session, row.delivery_id, status=status, error=decision.reason)
        if decision.action == "skip":
            await self._log_failure(
                session, row, f"not sent: {decision.reason}", now, permanent=True
            )
            await self.ladder.unreachable(session, row, decision.reason or "not sent", now)

    async def record_many(
        self, session: AsyncSession, results: list[tuple[Record, Outcome]], now: datetime
    ) -> None:
        """`record` for a batch: the sent ones in one statement, the others one by one."""
        sent = [row for row, outcome in results if outcome.ok]
        await store.sent_many(session, [row.delivery_id for row in sent], at=now)
        for row in sent:
            await self.outbox.add(session, self._sent_event(row, now))
        for row, outcome in results:
            if not outcome.ok:
                await self.record(session, row, outcome, now)

    @staticmethod
    def _sent_event(row: Record, now: datetime) -> NotificationSent:
        return NotificationSent(
            notification_id=row.delivery_id,
            user_id=row.user_id,
            channel=row.channel,
            trigger=row.trigger,
            claim_id=row.claim_id,
            at=now,
        )

    async def record(
        self, session: AsyncSession, row: Record, outcome: Outcome, now: datetime
    ) -> None:
        """The provider's answer to the attempt that claimed `row`."""
        if outcome.ok:
            await store.sent(session, row.delivery_id, at=now)
            await self.outbox.add(session, self._sent_event(row, now))
            return
        error = outcome.error or "unknown error"
        if outcome.consent_refused:
            await store.wechat_refused(session, row.user_id, now)
        attempts = row.attempts + 1
        if outcome.permanent or attempts >= self.settings.delivery_max_attempts:
            await store.settled(session, row.delivery_id, status="failed", error=error)
            await self.dead_letter(session, row, error, now)
            await self.ladder.unreachable(session, row, error, now)
            return
        await store.retry_at(session, row.delivery_id, now + self._backoff(attempts), error)
        await self._log_failure(session, row, error, now, permanent=False)

    def _backoff(self, attempts: int) -> timedelta:
        """Doubling from the base after each failed attempt, up to an hour."""
        base = self.settings.delivery_retry_base_seconds
        return min(timedelta(seconds=base * 2 ** (attempts - 1)), MAX_BACKOFF)

    async def dead_letter(
        self, session: AsyncSession, row: Record, error: str, now: datetime
    ) -> None:
        """Given up for good: on the delivery log and on the dead-letter topic."""
        failed = await self._log_failure(session, row, error, now, permanent=True)
        await self.outbox.add(session, failed, topic=DEAD_LETTER_TOPIC)

    async def _log_failure(
        self, session: AsyncSession, row: Record, error: str, now: datetime, *, permanent: bool
    ) -> NotificationFailed:
        event = NotificationFailed(
            notification_id=row.delivery_id,
            user_id=row.user_id,
            channel=row.channel,
            trigger=row.trigger,
            claim_id=row.claim_id,
            at=now,
            error=error[:500],
            permanent=permanent,
        )
        await self.outbox.add(session, event)
        return event

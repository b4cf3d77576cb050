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
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import (
    NOTIFICATIONS_TOPIC,
    NotificationEscalated,
    NotificationFailed,
    NotificationSent,
    dead_letter_topic,
)
from lipei.messaging.outbox import enqueue
from lipei.runtime import ServiceRuntime
from notify_service.channels.base import Outcome, permanent
from notify_service.channels.senders import Senders
from notify_service.domain.delivery_plan import Plan, aware, plan
from notify_service.domain.escalation import (
    EscalationPolicy,
    Reminder,
    due_steps,
    escalation_reason,
    failed_for_good,
    next_due_at,
)
from notify_service.domain.quiet_hours import local_day_start
from notify_service.domain.templates import render, template
from notify_service.models import deliveries, recipients, reminders
from notify_service.notices import add_delivery
from notify_service.settings import Settings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50
DEAD_LETTER_TOPIC = dead_letter_topic(NOTIFICATIONS_TOPIC)


def reminder_state(row: Any) -> Reminder:
    """The escalation state of a stored reminder."""
    failed_at = row.last_step_failed_at
    return Reminder(
        started_at=aware(row.started_at),
        reached=row.reached,
        resolved=row.resolved_at is not None,
        last_step_failed_at=None if failed_at is None else aware(failed_at),
        last_step_failure=row.last_step_failure,
    )


class Dispatcher:
    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        policy: EscalationPolicy,
        senders: Senders,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.policy = policy
        self.senders = senders

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
            due = await session.execute(
                select(deliveries.c.delivery_id)
                .where(deliveries.c.status == "pending", deliveries.c.due_at <= self._now())
                .order_by(deliveries.c.due_at)
                .limit(BATCH)
            )
            ids = [r.delivery_id for r in due]
        for delivery_id in ids:
            await self.process(delivery_id)

    def _now(self) -> datetime:
        return self.runtime.clock.now()

    async def escalate_due(self) -> None:
        now = self._now()
        async with self.runtime.unit_of_work() as session:
            rows = await session.execute(
                select(reminders).where(
                    reminders.c.resolved_at.is_(None), reminders.c.next_due_at <= now
                )
            )
            for row in rows.fetchall():
                await self._escalate(session, row, now)

    async def _escalate(self, session: AsyncSession, row: Any, now: datetime) -> None:
        state = reminder_state(row)
        steps = due_steps(self.policy, state, now)
        ladder = [channel for channel, _ in self.policy.ladder()]
        previous = ladder[row.reached - 1] if row.reached else "wechat"
        for channel in steps:
            added = await add_delivery(
                session,
                source_event_id=row.source_event_id,
                user_id=row.user_id,
                channel=channel,
                template=row.template,
                params=dict(row.params),
                trigger=row.trigger,
                claim_id=row.claim_id,
                now=now,
                reminder_id=row.reminder_id,
            )
            if added:
                escalated = NotificationEscalated(
                    notification_id=row.reminder_id,
                    user_id=row.user_id,
                    channel=channel,
                    trigger=row.trigger,
                    claim_id=row.claim_id,
                    at=now,
                    from_channel=previous,
                    reason=escalation_reason(self.policy, state, channel)[:500],
                )
                await enqueue(session, escalated, source=self.settings.event_source, time=now)
            previous = channel
        reached = row.reached + len(steps)
        await session.execute(
            update(reminders)
            .where(reminders.c.reminder_id == row.reminder_id)
            .values(
                reached=reached,
                next_due_at=next_due_at(self.policy, Reminder(state.started_at, reached)),
                last_step_failed_at=None if steps else row.last_step_failed_at,
                last_step_failure=None if steps else row.last_step_failure,
            )
        )

    async def _gave_up(self, session: AsyncSession, row: Any, because: str, now: datetime) -> None:
        """A reminder's message will never reach the user: its next step is due now rather than
        after the hours meant for the user to act on a message they never got."""
        if row.reminder_id is None:
            return
        reminder = (
            await session.execute(
                select(reminders).where(reminders.c.reminder_id == row.reminder_id)
            )
        ).first()
        if reminder is None:
            return
        state = reminder_state(reminder)
        hastened = failed_for_good(self.policy, state, row.channel, now, because)
        if hastened == state:
            return
        await session.execute(
            update(reminders)
            .where(
                reminders.c.reminder_id == row.reminder_id,
                reminders.c.reached == state.reached,
                reminders.c.resolved_at.is_(None),
            )
            .values(
                last_step_failed_at=hastened.last_step_failed_at,
                last_step_failure=hastened.last_step_failure,
                next_due_at=next_due_at(self.policy, hastened),
            )
        )

    async def release_stale_claims(self) -> None:
        """A message left `sending` by a stopped process: its outcome is unknown, and sending
        it again could send it twice, so it is logged as failed and dead-lettered."""
        cutoff = datetime.now(UTC) - LEASE
        now = self._now()
        async with self.runtime.unit_of_work() as session:
            stale = await session.execute(
                select(deliveries).where(
                    deliveries.c.status == "sending", deliveries.c.claimed_at < cutoff
                )
            )
            for row in stale.fetchall():
                error = "interrupted while sending: it may or may not have reached the user"
                await session.execute(
                    update(deliveries)
                    .where(
                        deliveries.c.delivery_id == row.delivery_id,
                        deliveries.c.status == "sending",
                    )
                    .values(status="failed", last_error=error)
                )
                await self._dead_letter(session, row, error, now)

    async def process(self, delivery_id: str) -> None:
        now = self._now()
        async with self.runtime.unit_of_work() as session:
            row = (
                await session.execute(
                    select(deliveries).where(
                        deliveries.c.delivery_id == delivery_id, deliveries.c.status == "pending"
                    )
                )
            ).first()
            if row is None:
                return
            recipient = (
                await session.execute(select(recipients).where(recipients.c.user_id == row.user_id))
            ).first()
            decision = plan(
                row,
                recipient,
                now=now,
                sent_today=await self._sent_today(session, row.user_id, now),
                default_cap=self.settings.default_daily_cap,
                ops_phone=self.settings.ops_phone_number,
            )
            if decision.action != "send":
                await self._settle_unsent(session, row, decision, now)
                return
            claimed = await session.execute(
                update(deliveries)
                .where(deliveries.c.delivery_id == delivery_id, deliveries.c.status == "pending")
                .values(status="sending", claimed_at=datetime.now(UTC), attempts=row.attempts + 1)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                return
        assert decision.address is not None
        outcome = await self._send(row, decision.address)
        async with self.runtime.unit_of_work() as session:
            await self._record(session, row, outcome, self._now())

    async def _sent_today(self, session: AsyncSession, user_id: str, now: datetime) -> int:
        result = await session.execute(
            select(func.count())
            .select_from(deliveries)
            .where(
                deliveries.c.user_id == user_id,
                deliveries.c.status == "sent",
                deliveries.c.sent_at >= local_day_start(now),
            )
        )
        return int(result.scalar_one())

    async def _send(self, row: Any, address: str) -> Outcome:
        try:
            rendered = render(row.template, dict(row.params))
            notice = template(row.template)
        except ValueError as exc:
            return permanent(f"cannot render {row.template}: {exc}")
        if row.channel == "wechat" and notice.wechat_template_id:
            return await self.senders.wechat(
                openid=address,
                template_id=self.settings.template_id("wechat", notice.wechat_template_id),
                data=rendered.wechat,
            )
        if row.channel == "sms" and notice.sms_template_id:
            return await self.senders.sms(
                phone_number=address,
                template_id=self.settings.template_id("sms", notice.sms_template_id),
                params=rendered.sms,
            )
        if row.channel == "voice" and notice.voice_template_id:
            return await self.senders.voice(
                phone_number=address,
                template_id=self.settings.template_id("voice", notice.voice_template_id),
                params=rendered.voice,
            )
        return permanent(f"{row.template} has no {row.channel} form")

    async def _settle_unsent(
        self, session: AsyncSession, row: Any, decision: Plan, now: datetime
    ) -> None:
        where = deliveries.c.delivery_id == row.delivery_id
        if decision.action == "defer":
            await session.execute(
                update(deliveries)
                .where(where)
                .values(due_at=decision.until, last_error=decision.reason)
            )
            return
        status = {"skip": "skipped", "expire": "expired", "cancel": "cancelled"}[decision.action]
        await session.execute(
            update(deliveries).where(where).values(status=status, last_error=decision.reason)
        )
        if decision.action == "skip":
            await self._log_failure(
                session, row, f"not sent: {decision.reason}", now, permanent=True
            )
            await self._gave_up(session, row, decision.reason or "not sent", now)

    async def _record(
        self, session: AsyncSession, row: Any, outcome: Outcome, now: datetime
    ) -> None:
        where = deliveries.c.delivery_id == row.delivery_id
        attempts = row.attempts + 1
        if outcome.ok:
            await session.execute(
                update(deliveries).where(where).values(status="sent", sent_at=now, last_error=None)
            )
            await enqueue(
                session,
                NotificationSent(
                    notification_id=row.delivery_id,
                    user_id=row.user_id,
                    channel=row.channel,
                    trigger=row.trigger,
                    claim_id=row.claim_id,
                    at=now,
                ),
                source=self.settings.event_source,
                time=now,
            )
            return
        error = outcome.error or "unknown error"
        if outcome.consent_refused:
            await session.execute(
                update(recipients)
                .where(recipients.c.user_id == row.user_id)
                .values(wechat_refused_at=now)
            )
        if outcome.permanent or attempts >= self.settings.delivery_max_attempts:
            await session.execute(
                update(deliveries).where(where).values(status="failed", last_error=error)
            )
            await self._dead_letter(session, row, error, now)
            await self._gave_up(session, row, error, now)
            return
        backoff = timedelta(seconds=self.settings.delivery_retry_base_seconds * 2 ** (attempts - 1))
        await session.execute(
            update(deliveries)
            .where(where)
            .values(
                status="pending", due_at=now + min(backoff, timedelta(hours=1)), last_error=error
            )
        )
        await self._log_failure(session, row, error, now, permanent=False)

    async def _dead_letter(
        self, session: AsyncSession, row: Any, error: str, now: datetime
    ) -> None:
        """Given up for good: on the delivery log and on the dead-letter topic."""
        failed = await self._log_failure(session, row, error, now, permanent=True)
        await enqueue(
            session, failed, source=self.settings.event_source, topic=DEAD_LETTER_TOPIC, time=now
        )

    async def _log_failure(
        self, session: AsyncSession, row: Any, error: str, now: datetime, *, permanent: bool
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
        await enqueue(session, event, source=self.settings.event_source, time=now)
        return event

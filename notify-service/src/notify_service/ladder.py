"""Climbing stored reminders up the escalation ladder: each due step adds a message on its
channel and says so on the delivery log; a step that cannot reach the user brings the next
one forward."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import NotificationEscalated
from lipei.messaging.outbox import Outbox
from notify_service import store
from notify_service.domain.escalation import (
    EscalationPolicy,
    Reminder,
    due_steps,
    escalation_reason,
    failed_for_good,
    next_due_at,
)
from notify_service.domain.notice import Notice
from notify_service.store import Record


def reminder_state(row: Record) -> Reminder:
    """The escalation state of a stored reminder."""
    return Reminder(
        started_at=row.started_at,
        reached=row.reached,
        resolved=row.resolved_at is not None,
        last_step_failed_at=row.last_step_failed_at,
        last_step_failure=row.last_step_failure,
    )


def reminder_notice(row: Record) -> Notice:
    """The notice a reminder repeats on each channel it climbs to."""
    return Notice(
        source_event_id=row.source_event_id,
        user_id=row.user_id,
        template=row.template,
        params=dict(row.params),
        trigger=row.trigger,
        claim_id=row.claim_id,
    )


class Ladder:
    """The escalation policy applied to stored reminders, announcing each step taken."""

    def __init__(self, policy: EscalationPolicy, outbox: Outbox) -> None:
        self.policy = policy
        self.outbox = outbox

    async def climb_due(self, session: AsyncSession, now: datetime) -> None:
        """Every open reminder whose next step has come takes its due steps."""
        for row in await store.due_reminders(session, now):
            await self.climb(session, row, now)

    async def climb(self, session: AsyncSession, row: Record, now: datetime) -> None:
        state = reminder_state(row)
        steps = due_steps(self.policy, state, now)
        ladder = [channel for channel, _ in self.policy.ladder()]
        previous = ladder[row.reached - 1] if row.reached else "wechat"
        notice = reminder_notice(row)
        for channel in steps:
            added = await store.add_delivery(
                session, notice, channel=channel, now=now, reminder_id=row.reminder_id
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
                await self.outbox.add(session, escalated)
            previous = channel
        reached = row.reached + len(steps)
        await store.climbed(
            session,
            row,
            reached=reached,
            next_due_at=next_due_at(self.policy, Reminder(state.started_at, reached)),
        )

    async def unreachable(
        self, session: AsyncSession, delivery: Record, because: str, now: datetime
    ) -> None:
        """A reminder's message will never reach the user: its next step is due now rather
        than after the hours meant for the user to act on a message they never got."""
        if delivery.reminder_id is None:
            return
        row = await store.reminder(session, delivery.reminder_id)
        if row is None:
            return
        state = reminder_state(row)
        hastened = failed_for_good(self.policy, state, delivery.channel, now, because)
        if hastened == state:
            return
        await store.step_failed(
            session,
            delivery.reminder_id,
            reached=state.reached,
            failed_at=hastened.last_step_failed_at,
            failure=hastened.last_step_failure,
            next_due_at=next_due_at(self.policy, hastened),
        )

"""Turning a trigger into stored notices, inside the consuming transaction: an inbox entry and
one pending delivery per channel, each keyed by (event, channel, user) so that a redelivered
or republished event adds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import NotificationSent
from lipei.messaging.outbox import Outbox
from notify_service import store
from notify_service.domain.escalation import EscalationPolicy, Reminder, next_due_at, resolves
from notify_service.domain.notice import Notice
from notify_service.domain.templates import render

CHANNEL_STAGGER = timedelta(milliseconds=1)


class Notices:
    """Notices and reminders of a user, written with the events that announce them."""

    def __init__(self, outbox: Outbox, policy: EscalationPolicy) -> None:
        self.outbox = outbox
        self.policy = policy

    async def notify(
        self,
        session: AsyncSession,
        notice: Notice,
        *,
        channels: Iterable[str],
        now: datetime,
        expires_at: datetime | None = None,
    ) -> None:
        """The inbox entry plus a pending message on each channel."""
        # A notice that cannot be rendered fails here, not at send time.
        render(notice.template, notice.params)
        await self._add_to_inbox(session, notice, now)
        for channel in channels:
            await store.add_delivery(
                session, notice, channel=channel, now=now, expires_at=expires_at
            )

    async def notify_many(
        self,
        session: AsyncSession,
        notices: Sequence[Notice],
        *,
        channels: Iterable[str],
        now: datetime,
        expires_at: datetime | None,
        lane: str,
    ) -> int:
        """`notify` for many users of one notice text (a regional alert) in a few statements;
        a user who already has it gets nothing more. Returns how many users are new to it."""
        if not notices:
            return 0
        rendered = render(notices[0].template, notices[0].params)
        added = await store.add_to_inbox_many(
            session, notices, title=rendered.title, body=rendered.body, now=now
        )
        for notice, notification_id in added:
            await self._log_inbox(session, notice, notification_id, now)
        # Each channel due a moment before the next (none later than now): a user's WeChat
        # message (free, and read first) goes before their SMS, and a daily cap keeps it.
        # A message only on channels the user can be reached on now: most of a region gave no
        # phone number, and a row per user to skip would only slow the alert down.
        channels = list(channels)
        users = [n.user_id for n in notices]
        for order, channel in enumerate(channels):
            reachable = await store.reachable(session, users, channel)
            await store.add_deliveries(
                session,
                [n for n in notices if n.user_id in reachable],
                channel=channel,
                now=now,
                due_at=now - (len(channels) - 1 - order) * CHANNEL_STAGGER,
                expires_at=expires_at,
                lane=lane,
            )
        return len(added)

    async def start_reminder(
        self, session: AsyncSession, notice: Notice, *, event_at: datetime, now: datetime
    ) -> None:
        """Inbox + WeChat now; the escalation loop adds SMS and voice later unless the user
        acts. The notice is about a claim: acting on that claim answers it."""
        if await store.has_reminder(session, notice.source_event_id):
            return
        first_step = Reminder(started_at=now, reached=1)
        reminder_id = await store.add_reminder(
            session,
            notice,
            event_at=event_at,
            now=now,
            reached=first_step.reached,
            next_due_at=next_due_at(self.policy, first_step),
        )
        await self.notify(session, notice, channels=[], now=now)
        await store.add_delivery(
            session, notice, channel="wechat", now=now, reminder_id=reminder_id
        )

    async def resolve_reminders(
        self,
        session: AsyncSession,
        *,
        claim_id: str,
        acted_at: datetime,
        now: datetime,
        doc_type: str | None = None,
    ) -> int:
        """The user acted on the claim (or it moved on): stop its reminders and drop their
        messages that have not gone out yet. With `doc_type` (an upload), a reminder about
        another document's rejection keeps going."""
        stopped = [
            r.reminder_id
            for r in await store.open_reminders(session, claim_id)
            if resolves(r.event_at, acted_at)
            and (doc_type is None or dict(r.params).get("doc_type") in (None, doc_type))
        ]
        if stopped:
            await store.resolve_reminders(session, stopped, now)
        return len(stopped)

    async def _add_to_inbox(self, session: AsyncSession, notice: Notice, now: datetime) -> None:
        if await store.in_inbox(session, notice):
            return
        rendered = render(notice.template, notice.params)
        notification_id = await store.add_to_inbox(
            session, notice, title=rendered.title, body=rendered.body, now=now
        )
        await self._log_inbox(session, notice, notification_id, now)

    async def _log_inbox(
        self, session: AsyncSession, notice: Notice, notification_id: str, now: datetime
    ) -> None:
        """The inbox entry on the delivery log."""
        sent = NotificationSent(
            notification_id=notification_id,
            user_id=notice.user_id,
            channel="inbox",
            trigger=notice.trigger,
            claim_id=notice.claim_id,
            at=now,
        )
        await self.outbox.add(session, sent)

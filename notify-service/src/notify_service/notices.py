"""Turning a trigger into stored notices, inside the consuming transaction: an inbox entry and
one pending delivery per channel, each keyed by (event, channel, user) so that a redelivered
or republished event adds nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import NotificationSent
from lipei.messaging.outbox import enqueue
from notify_service.domain.delivery_plan import aware
from notify_service.domain.escalation import EscalationPolicy, Reminder, next_due_at, resolves
from notify_service.domain.templates import render
from notify_service.models import claim_owners, deliveries, inbox, reminders


def dedupe_key(source_event_id: str, channel: str, user_id: str) -> str:
    return f"{source_event_id}:{channel}:{user_id}"


async def add_delivery(
    session: AsyncSession,
    *,
    source_event_id: str,
    user_id: str,
    channel: str,
    template: str,
    params: dict[str, str],
    trigger: str,
    claim_id: str | None,
    now: datetime,
    reminder_id: str | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """A pending message, unless this event already gave this user one on this channel."""
    key = dedupe_key(source_event_id, channel, user_id)
    found = await session.execute(
        select(deliveries.c.delivery_id).where(deliveries.c.dedupe_key == key)
    )
    if found.first() is not None:
        return False
    await session.execute(
        deliveries.insert().values(
            delivery_id=str(uuid.uuid4()),
            dedupe_key=key,
            user_id=user_id,
            channel=channel,
            template=template,
            params=params,
            trigger=trigger,
            claim_id=claim_id,
            reminder_id=reminder_id,
            status="pending",
            due_at=now,
            expires_at=expires_at,
            attempts=0,
            created_at=now,
        )
    )
    return True


async def add_to_inbox(
    session: AsyncSession,
    *,
    source_event_id: str,
    user_id: str,
    template: str,
    params: dict[str, str],
    trigger: str,
    claim_id: str | None,
    now: datetime,
    event_source: str,
) -> bool:
    key = dedupe_key(source_event_id, "inbox", user_id)
    found = await session.execute(select(inbox.c.seq).where(inbox.c.dedupe_key == key))
    if found.first() is not None:
        return False
    rendered = render(template, params)
    notification_id = str(uuid.uuid4())
    await session.execute(
        inbox.insert().values(
            notification_id=notification_id,
            dedupe_key=key,
            user_id=user_id,
            template=template,
            title=rendered.title,
            body=rendered.body,
            claim_id=claim_id,
            created_at=now,
        )
    )
    await enqueue(
        session,
        NotificationSent(
            notification_id=notification_id,
            user_id=user_id,
            channel="inbox",
            trigger=trigger,
            claim_id=claim_id,
            at=now,
        ),
        source=event_source,
        time=now,
    )
    return True


async def notify(
    session: AsyncSession,
    *,
    source_event_id: str,
    user_id: str,
    template: str,
    params: dict[str, str],
    trigger: str,
    claim_id: str | None,
    channels: Iterable[str],
    now: datetime,
    event_source: str,
    expires_at: datetime | None = None,
) -> None:
    """The inbox entry plus a pending message on each channel."""
    render(template, params)  # a notice that cannot be rendered fails here, not at send time
    await add_to_inbox(
        session,
        source_event_id=source_event_id,
        user_id=user_id,
        template=template,
        params=params,
        trigger=trigger,
        claim_id=claim_id,
        now=now,
        event_source=event_source,
    )
    for channel in channels:
        await add_delivery(
            session,
            source_event_id=source_event_id,
            user_id=user_id,
            channel=channel,
            template=template,
            params=params,
            trigger=trigger,
            claim_id=claim_id,
            now=now,
            expires_at=expires_at,
        )


async def start_reminder(
    session: AsyncSession,
    *,
    policy: EscalationPolicy,
    source_event_id: str,
    user_id: str,
    claim_id: str,
    template: str,
    params: dict[str, str],
    trigger: str,
    event_at: datetime,
    now: datetime,
    event_source: str,
) -> None:
    """Inbox + WeChat now; the escalation loop adds SMS and voice later unless the user acts."""
    found = await session.execute(
        select(reminders.c.reminder_id).where(reminders.c.source_event_id == source_event_id)
    )
    if found.first() is not None:
        return
    reminder_id = str(uuid.uuid4())
    state = Reminder(started_at=now, reached=1)
    await session.execute(
        reminders.insert().values(
            reminder_id=reminder_id,
            source_event_id=source_event_id,
            user_id=user_id,
            claim_id=claim_id,
            template=template,
            params=params,
            trigger=trigger,
            event_at=event_at,
            started_at=now,
            reached=state.reached,
            next_due_at=next_due_at(policy, state),
        )
    )
    await notify(
        session,
        source_event_id=source_event_id,
        user_id=user_id,
        template=template,
        params=params,
        trigger=trigger,
        claim_id=claim_id,
        channels=[],
        now=now,
        event_source=event_source,
    )
    await add_delivery(
        session,
        source_event_id=source_event_id,
        user_id=user_id,
        channel="wechat",
        template=template,
        params=params,
        trigger=trigger,
        claim_id=claim_id,
        now=now,
        reminder_id=reminder_id,
    )


async def resolve_reminders(
    session: AsyncSession,
    *,
    claim_id: str,
    acted_at: datetime,
    now: datetime,
    doc_type: str | None = None,
) -> int:
    """The user acted on the claim (or it moved on): stop its reminders and drop their messages
    that have not gone out yet. With `doc_type` (an upload), a reminder about another
    document's rejection keeps going."""
    rows = await session.execute(
        select(reminders.c.reminder_id, reminders.c.event_at, reminders.c.params).where(
            reminders.c.claim_id == claim_id, reminders.c.resolved_at.is_(None)
        )
    )
    stopped = [
        r.reminder_id
        for r in rows
        if resolves(aware(r.event_at), acted_at)
        and (doc_type is None or dict(r.params).get("doc_type") in (None, doc_type))
    ]
    if not stopped:
        return 0
    await session.execute(
        update(reminders)
        .where(reminders.c.reminder_id.in_(stopped))
        .values(resolved_at=now, next_due_at=None)
    )
    await session.execute(
        update(deliveries)
        .where(deliveries.c.reminder_id.in_(stopped), deliveries.c.status == "pending")
        .values(status="cancelled")
    )
    return len(stopped)


async def remember_owner(session: AsyncSession, *, claim_id: str, user_id: str) -> None:
    found = await session.execute(
        select(claim_owners.c.user_id).where(claim_owners.c.claim_id == claim_id)
    )
    if found.first() is None:
        await session.execute(claim_owners.insert().values(claim_id=claim_id, user_id=user_id))


async def owner_of(session: AsyncSession, claim_id: str) -> str | None:
    found = await session.execute(
        select(claim_owners.c.user_id).where(claim_owners.c.claim_id == claim_id)
    )
    row = found.first()
    return None if row is None else str(row.user_id)

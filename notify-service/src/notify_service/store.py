"""Every read and write of notify's tables, in the caller's transaction.

Messages and inbox entries are keyed by (event, channel, user): adding one that exists adds
nothing, so redelivered or republished events are harmless."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notify_service.domain.notice import Notice
from notify_service.models import (
    alert_fanouts,
    claim_owners,
    deliveries,
    inbox,
    recipients,
    reminders,
)

# A stored row, read by column name.
Record = Row[*tuple[Any, ...]]
# Dispatch order: claim reminders and claim news, then regional alerts.
LANES = ("claim", "bulk")
# Bound parameters per `IN (...)` (SQLite allows 32,766; PostgreSQL 65,535).
KEYS_PER_QUERY = 900


class RecipientChanges(TypedDict, total=False):
    """Recipient columns to change; those left out keep their value."""

    wechat_openid: str
    wechat_refused_at: datetime | None
    phone_number: str
    wechat_on: bool
    sms_on: bool
    voice_on: bool
    quiet_start: str
    quiet_end: str
    daily_cap: int


def dedupe_key(source_event_id: str, channel: str, user_id: str) -> str:
    return f"{source_event_id}:{channel}:{user_id}"


async def _exists(session: AsyncSession, query: Any) -> bool:
    return (await session.execute(query)).first() is not None


# --- recipients ------------------------------------------------------------------------------


async def recipient(session: AsyncSession, user_id: str) -> Record | None:
    found = await session.execute(select(recipients).where(recipients.c.user_id == user_id))
    return found.first()


async def save_recipient(
    session: AsyncSession, user_id: str, changes: RecipientChanges, now: datetime
) -> None:
    """Apply `changes`; a new recipient starts from the defaults."""
    if await recipient(session, user_id) is None:
        await session.execute(
            recipients.insert().values(
                user_id=user_id,
                wechat_on=True,
                sms_on=True,
                voice_on=True,
                quiet_start="21:00",
                quiet_end="08:00",
                updated_at=now,
                **changes,
            )
        )
    else:
        await session.execute(
            recipients.update()
            .where(recipients.c.user_id == user_id)
            .values(updated_at=now, **changes)
        )


async def wechat_refused(session: AsyncSession, user_id: str, now: datetime) -> None:
    """WeChat said the user refused: it stays off for them until a fresh openid."""
    await session.execute(
        update(recipients).where(recipients.c.user_id == user_id).values(wechat_refused_at=now)
    )


# --- claim owners ----------------------------------------------------------------------------


async def remember_owner(session: AsyncSession, *, claim_id: str, user_id: str) -> None:
    known = select(claim_owners.c.user_id).where(claim_owners.c.claim_id == claim_id)
    if not await _exists(session, known):
        await session.execute(claim_owners.insert().values(claim_id=claim_id, user_id=user_id))


async def owner_of(session: AsyncSession, claim_id: str) -> str | None:
    found = await session.execute(
        select(claim_owners.c.user_id).where(claim_owners.c.claim_id == claim_id)
    )
    row = found.first()
    return None if row is None else str(row.user_id)


# --- inbox -----------------------------------------------------------------------------------


async def in_inbox(session: AsyncSession, notice: Notice) -> bool:
    key = dedupe_key(notice.source_event_id, "inbox", notice.user_id)
    return await _exists(session, select(inbox.c.seq).where(inbox.c.dedupe_key == key))


async def add_to_inbox(
    session: AsyncSession, notice: Notice, *, title: str, body: str, now: datetime
) -> str:
    """Stores the rendered notice; returns its notification id."""
    notification_id = str(uuid.uuid4())
    await session.execute(
        inbox.insert().values(
            notification_id=notification_id,
            dedupe_key=dedupe_key(notice.source_event_id, "inbox", notice.user_id),
            user_id=notice.user_id,
            template=notice.template,
            title=title,
            body=body,
            claim_id=notice.claim_id,
            created_at=now,
        )
    )
    return notification_id


async def add_to_inbox_many(
    session: AsyncSession, notices: Sequence[Notice], *, title: str, body: str, now: datetime
) -> list[tuple[Notice, str]]:
    """`add_to_inbox` for many notices of one rendered text, skipping those already in;
    returns each new one with its notification id."""
    keys = [dedupe_key(n.source_event_id, "inbox", n.user_id) for n in notices]
    known = await _existing_keys(session, inbox.c.dedupe_key, keys)
    added = [
        (n, str(uuid.uuid4())) for n, key in zip(notices, keys, strict=True) if key not in known
    ]
    if added:
        await session.execute(
            inbox.insert(),
            [
                {
                    "notification_id": notification_id,
                    "dedupe_key": dedupe_key(n.source_event_id, "inbox", n.user_id),
                    "user_id": n.user_id,
                    "template": n.template,
                    "title": title,
                    "body": body,
                    "claim_id": n.claim_id,
                    "created_at": now,
                }
                for n, notification_id in added
            ],
        )
    return added


async def inbox_page(
    session: AsyncSession, user_id: str, *, before: int | None, limit: int
) -> Sequence[Record]:
    """Newest first, below `before` (a `seq`) when given; `limit` rows at most."""
    query = select(inbox).where(inbox.c.user_id == user_id)
    if before is not None:
        query = query.where(inbox.c.seq < before)
    return (await session.execute(query.order_by(inbox.c.seq.desc()).limit(limit))).all()


# --- reminders -------------------------------------------------------------------------------


async def has_reminder(session: AsyncSession, source_event_id: str) -> bool:
    query = select(reminders.c.reminder_id).where(reminders.c.source_event_id == source_event_id)
    return await _exists(session, query)


async def add_reminder(
    session: AsyncSession,
    notice: Notice,
    *,
    event_at: datetime,
    now: datetime,
    reached: int,
    next_due_at: datetime | None,
) -> str:
    """A reminder about the notice's claim (every reminder is about one); returns its id."""
    reminder_id = str(uuid.uuid4())
    await session.execute(
        reminders.insert().values(
            reminder_id=reminder_id,
            source_event_id=notice.source_event_id,
            user_id=notice.user_id,
            claim_id=notice.claim_id,
            template=notice.template,
            params=notice.params,
            trigger=notice.trigger,
            event_at=event_at,
            started_at=now,
            reached=reached,
            next_due_at=next_due_at,
        )
    )
    return reminder_id


async def reminder(session: AsyncSession, reminder_id: str) -> Record | None:
    found = await session.execute(select(reminders).where(reminders.c.reminder_id == reminder_id))
    return found.first()


async def open_reminders(session: AsyncSession, claim_id: str) -> Sequence[Record]:
    """The claim's reminders still waiting for the user."""
    found = await session.execute(
        select(reminders.c.reminder_id, reminders.c.event_at, reminders.c.params).where(
            reminders.c.claim_id == claim_id, reminders.c.resolved_at.is_(None)
        )
    )
    return found.all()


async def due_reminders(session: AsyncSession, now: datetime) -> Sequence[Record]:
    found = await session.execute(
        select(reminders).where(reminders.c.resolved_at.is_(None), reminders.c.next_due_at <= now)
    )
    return found.fetchall()


async def resolve_reminders(session: AsyncSession, reminder_ids: list[str], now: datetime) -> None:
    """Stop the reminders and drop their messages that have not gone out yet."""
    await session.execute(
        update(reminders)
        .where(reminders.c.reminder_id.in_(reminder_ids))
        .values(resolved_at=now, next_due_at=None)
    )
    await session.execute(
        update(deliveries)
        .where(deliveries.c.reminder_id.in_(reminder_ids), deliveries.c.status == "pending")
        .values(status="cancelled")
    )


async def climbed(
    session: AsyncSession, row: Record, *, reached: int, next_due_at: datetime | None
) -> None:
    """The reminder took its due steps (none: only its next due time moves)."""
    took_steps = reached != row.reached
    await session.execute(
        update(reminders)
        .where(reminders.c.reminder_id == row.reminder_id)
        .values(
            reached=reached,
            next_due_at=next_due_at,
            last_step_failed_at=None if took_steps else row.last_step_failed_at,
            last_step_failure=None if took_steps else row.last_step_failure,
        )
    )


async def step_failed(
    session: AsyncSession,
    reminder_id: str,
    *,
    reached: int,
    failed_at: datetime | None,
    failure: str | None,
    next_due_at: datetime | None,
) -> None:
    """The step last taken cannot reach the user; unless the reminder moved on meanwhile."""
    await session.execute(
        update(reminders)
        .where(
            reminders.c.reminder_id == reminder_id,
            reminders.c.reached == reached,
            reminders.c.resolved_at.is_(None),
        )
        .values(last_step_failed_at=failed_at, last_step_failure=failure, next_due_at=next_due_at)
    )


# --- deliveries ------------------------------------------------------------------------------


async def add_delivery(
    session: AsyncSession,
    notice: Notice,
    *,
    channel: str,
    now: datetime,
    reminder_id: str | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """A pending message, unless this event already gave this user one on this channel."""
    key = dedupe_key(notice.source_event_id, channel, notice.user_id)
    if await _exists(
        session, select(deliveries.c.delivery_id).where(deliveries.c.dedupe_key == key)
    ):
        return False
    await session.execute(
        deliveries.insert().values(
            _delivery_values(notice, channel, now, reminder_id=reminder_id, expires_at=expires_at)
        )
    )
    return True


def _delivery_values(
    notice: Notice,
    channel: str,
    now: datetime,
    *,
    reminder_id: str | None = None,
    expires_at: datetime | None = None,
    lane: str = "claim",
) -> dict[str, Any]:
    return {
        "delivery_id": str(uuid.uuid4()),
        "dedupe_key": dedupe_key(notice.source_event_id, channel, notice.user_id),
        "user_id": notice.user_id,
        "channel": channel,
        "template": notice.template,
        "params": notice.params,
        "trigger": notice.trigger,
        "claim_id": notice.claim_id,
        "reminder_id": reminder_id,
        "status": "pending",
        "lane": lane,
        "due_at": now,
        "expires_at": expires_at,
        "attempts": 0,
        "created_at": now,
    }


async def _existing_keys(session: AsyncSession, column: Any, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        found.update(r[0] for r in await session.execute(select(column).where(column.in_(chunk))))
    return found


async def add_deliveries(
    session: AsyncSession,
    notices: Sequence[Notice],
    *,
    channel: str,
    now: datetime,
    due_at: datetime,
    expires_at: datetime | None,
    lane: str,
) -> int:
    """`add_delivery` for many notices in a few statements; returns how many were new."""
    keys = [dedupe_key(n.source_event_id, channel, n.user_id) for n in notices]
    known = await _existing_keys(session, deliveries.c.dedupe_key, keys)
    rows = [
        {**_delivery_values(n, channel, now, expires_at=expires_at, lane=lane), "due_at": due_at}
        for n, key in zip(notices, keys, strict=True)
        if key not in known
    ]
    if rows:
        await session.execute(deliveries.insert(), rows)
    return len(rows)


async def due_delivery_ids(
    session: AsyncSession, now: datetime, limit: int, lanes: Sequence[str] = LANES
) -> list[str]:
    """Due messages of the lanes, in the lanes' order: the claim lane's first."""
    ids: list[str] = []
    for lane in lanes:
        if len(ids) >= limit:
            break
        found = await session.execute(
            select(deliveries.c.delivery_id)
            .where(
                deliveries.c.status == "pending",
                deliveries.c.lane == lane,
                deliveries.c.due_at <= now,
            )
            .order_by(deliveries.c.due_at)
            .limit(limit - len(ids))
        )
        ids.extend(r.delivery_id for r in found)
    return ids


async def pending_deliveries(session: AsyncSession, delivery_ids: list[str]) -> list[Record]:
    """Those of the messages still pending, in the order asked."""
    found: dict[str, Record] = {}
    for start in range(0, len(delivery_ids), KEYS_PER_QUERY):
        chunk = delivery_ids[start : start + KEYS_PER_QUERY]
        rows = await session.execute(
            select(deliveries).where(
                deliveries.c.delivery_id.in_(chunk), deliveries.c.status == "pending"
            )
        )
        found.update((r.delivery_id, r) for r in rows)
    return [found[i] for i in delivery_ids if i in found]


async def recipients_of(session: AsyncSession, user_ids: set[str]) -> dict[str, Record]:
    found: dict[str, Record] = {}
    users = sorted(user_ids)
    for start in range(0, len(users), KEYS_PER_QUERY):
        chunk = users[start : start + KEYS_PER_QUERY]
        rows = await session.execute(select(recipients).where(recipients.c.user_id.in_(chunk)))
        found.update((r.user_id, r) for r in rows)
    return found


async def sent_counts_since(
    session: AsyncSession, user_ids: set[str], since: datetime
) -> dict[str, int]:
    """`sent_since` for many users at once."""
    counts: dict[str, int] = {}
    users = sorted(user_ids)
    for start in range(0, len(users), KEYS_PER_QUERY):
        chunk = users[start : start + KEYS_PER_QUERY]
        rows = await session.execute(
            select(deliveries.c.user_id, func.count())
            .where(
                deliveries.c.user_id.in_(chunk),
                deliveries.c.status == "sent",
                deliveries.c.sent_at >= since,
            )
            .group_by(deliveries.c.user_id)
        )
        counts.update((str(user), int(count)) for user, count in rows)
    return counts


async def reachable(session: AsyncSession, user_ids: list[str], channel: str) -> set[str]:
    """The users with a way to get a message on `channel` now (a WeChat subscription, a
    phone number) and the channel on."""
    wanted = {
        "wechat": (
            recipients.c.wechat_openid.is_not(None),
            recipients.c.wechat_refused_at.is_(None),
            recipients.c.wechat_on.is_(True),
        ),
        "sms": (recipients.c.phone_number.is_not(None), recipients.c.sms_on.is_(True)),
        "voice": (recipients.c.phone_number.is_not(None), recipients.c.voice_on.is_(True)),
    }[channel]
    found: set[str] = set()
    for start in range(0, len(user_ids), KEYS_PER_QUERY):
        chunk = user_ids[start : start + KEYS_PER_QUERY]
        rows = await session.execute(
            select(recipients.c.user_id).where(recipients.c.user_id.in_(chunk), *wanted)
        )
        found.update(r[0] for r in rows)
    return found


async def claim_deliveries(
    session: AsyncSession, rows: Sequence[Record], *, claimed_at: datetime
) -> set[str]:
    """`claim_delivery` for many: returns the ids this call claimed (not another replica)."""
    claimed: set[str] = set()
    for start in range(0, len(rows), KEYS_PER_QUERY):
        chunk = rows[start : start + KEYS_PER_QUERY]
        ids = [r.delivery_id for r in chunk]
        await session.execute(
            update(deliveries)
            .where(deliveries.c.delivery_id.in_(ids), deliveries.c.status == "pending")
            .values(status="sending", claimed_at=claimed_at, attempts=deliveries.c.attempts + 1)
        )
        mine = await session.execute(
            select(deliveries.c.delivery_id).where(
                deliveries.c.delivery_id.in_(ids),
                deliveries.c.status == "sending",
                deliveries.c.claimed_at == claimed_at,
            )
        )
        claimed.update(r[0] for r in mine)
    return claimed


async def stale_claims(session: AsyncSession, claimed_before: datetime) -> Sequence[Record]:
    found = await session.execute(
        select(deliveries).where(
            deliveries.c.status == "sending", deliveries.c.claimed_at < claimed_before
        )
    )
    return found.fetchall()


async def interrupted(session: AsyncSession, delivery_id: str, error: str) -> bool:
    """A claim given up: failed, unless its outcome was recorded meanwhile or another round
    gave it up first. True when this call did."""
    result = await session.execute(
        update(deliveries)
        .where(deliveries.c.delivery_id == delivery_id, deliveries.c.status == "sending")
        .values(status="failed", last_error=error)
    )
    return bool(getattr(result, "rowcount", 0))


async def _set(session: AsyncSession, delivery_id: str, **values: Any) -> None:
    await session.execute(
        update(deliveries).where(deliveries.c.delivery_id == delivery_id).values(**values)
    )


async def deferred(
    session: AsyncSession, delivery_id: str, *, until: datetime | None, reason: str | None
) -> None:
    await _set(session, delivery_id, due_at=until, last_error=reason)


async def settled(
    session: AsyncSession, delivery_id: str, *, status: str, error: str | None
) -> None:
    """Done with for good: skipped, expired, cancelled or failed."""
    await _set(session, delivery_id, status=status, last_error=error)


async def sent(session: AsyncSession, delivery_id: str, *, at: datetime) -> None:
    await _set(session, delivery_id, status="sent", sent_at=at, last_error=None)


async def sent_many(session: AsyncSession, delivery_ids: list[str], *, at: datetime) -> None:
    for start in range(0, len(delivery_ids), KEYS_PER_QUERY):
        chunk = delivery_ids[start : start + KEYS_PER_QUERY]
        await session.execute(
            update(deliveries)
            .where(deliveries.c.delivery_id.in_(chunk))
            .values(status="sent", sent_at=at, last_error=None)
        )


async def retry_at(session: AsyncSession, delivery_id: str, due_at: datetime, error: str) -> None:
    await _set(session, delivery_id, status="pending", due_at=due_at, last_error=error)


# --- regional alert fan-outs -----------------------------------------------------------------


async def add_fanout(
    session: AsyncSession,
    *,
    source_event_id: str,
    region_codes: list[str],
    params: dict[str, str],
    trigger: str,
    valid_until: datetime,
    now: datetime,
) -> bool:
    """An alert to fan out, unless this event already started one."""
    known = select(alert_fanouts.c.source_event_id).where(
        alert_fanouts.c.source_event_id == source_event_id
    )
    if await _exists(session, known):
        return False
    await session.execute(
        alert_fanouts.insert().values(
            source_event_id=source_event_id,
            region_codes=region_codes,
            params=params,
            trigger=trigger,
            valid_until=valid_until,
            region_index=0,
            cursor=None,
            users_reached=0,
            created_at=now,
        )
    )
    return True


async def open_fanouts(session: AsyncSession) -> Sequence[Record]:
    found = await session.execute(
        select(alert_fanouts)
        .where(alert_fanouts.c.finished_at.is_(None))
        .order_by(alert_fanouts.c.created_at)
    )
    return found.all()


async def fanout_moved(
    session: AsyncSession,
    row: Record,
    *,
    region_index: int,
    cursor: str | None,
    reached: int,
    finished_at: datetime | None,
) -> bool:
    """Where the fan-out got to, unless another replica moved it first (False then)."""
    moved = await session.execute(
        update(alert_fanouts)
        .where(
            alert_fanouts.c.source_event_id == row.source_event_id,
            alert_fanouts.c.region_index == row.region_index,
            alert_fanouts.c.cursor.is_(None)
            if row.cursor is None
            else alert_fanouts.c.cursor == row.cursor,
        )
        .values(
            region_index=region_index,
            cursor=cursor,
            users_reached=row.users_reached + reached,
            finished_at=finished_at,
        )
    )
    return getattr(moved, "rowcount", 0) == 1

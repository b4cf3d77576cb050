"""Every query on the conversation tables: butlers, assignments, messages, waits, complaints,
reviews and disputes. Writes happen in the caller's transaction (with the outbox event)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service.domain.assignment import ButlerLoad
from butler_service.models import (
    assignment_moves,
    butlers,
    complaints,
    conversation_days,
    conversations,
    disputes,
    messages,
    reviews,
    waits,
)

# --- butlers and assignment -------------------------------------------------------------------


async def butler(session: AsyncSession, butler_id: str) -> Row[Any] | None:
    return (await session.execute(select(butlers).where(butlers.c.butler_id == butler_id))).first()


async def all_butlers(session: AsyncSession) -> Sequence[Row[Any]]:
    return (await session.execute(select(butlers).order_by(butlers.c.butler_id))).all()


async def put_butler(
    session: AsyncSession,
    *,
    butler_id: str,
    display_name: str,
    capacity: int,
    active: bool,
    now: datetime,
) -> bool:
    """Creates or updates the account; True when it was created."""
    values = {"display_name": display_name, "capacity": capacity, "active": active}
    updated = await session.execute(
        butlers.update().where(butlers.c.butler_id == butler_id).values(**values, updated_at=now)
    )
    if getattr(updated, "rowcount", 0):
        return False
    await session.execute(butlers.insert().values(butler_id=butler_id, updated_at=now, **values))
    return True


async def loads(session: AsyncSession) -> list[ButlerLoad]:
    """Every butler with the number of users assigned to them."""
    counts = (
        select(conversations.c.butler_id, func.count().label("users"))
        .group_by(conversations.c.butler_id)
        .subquery()
    )
    rows = await session.execute(
        select(butlers, func.coalesce(counts.c.users, 0).label("users"))
        .outerjoin(counts, counts.c.butler_id == butlers.c.butler_id)
        .order_by(butlers.c.butler_id)
    )
    return [ButlerLoad(r.butler_id, r.capacity, r.active, int(r.users)) for r in rows]


async def conversation(
    session: AsyncSession, user_id: str, *, for_update: bool = False
) -> Row[Any] | None:
    query = select(conversations).where(conversations.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def open_conversation(
    session: AsyncSession, *, user_id: str, butler_id: str | None, now: datetime
) -> None:
    await session.execute(
        conversations.insert().values(
            user_id=user_id, butler_id=butler_id, assigned_at=now if butler_id else None
        )
    )
    await record_move(
        session,
        user_id=user_id,
        from_butler=None,
        to_butler=butler_id,
        reason="first_contact",
        now=now,
    )


async def assign(
    session: AsyncSession,
    *,
    user_id: str,
    from_butler: str | None,
    to_butler: str | None,
    reason: str,
    now: datetime,
) -> None:
    await session.execute(
        conversations.update()
        .where(conversations.c.user_id == user_id)
        .values(butler_id=to_butler, assigned_at=now if to_butler else None)
    )
    await record_move(
        session,
        user_id=user_id,
        from_butler=from_butler,
        to_butler=to_butler,
        reason=reason,
        now=now,
    )


async def record_move(
    session: AsyncSession,
    *,
    user_id: str,
    from_butler: str | None,
    to_butler: str | None,
    reason: str,
    now: datetime,
) -> None:
    await session.execute(
        assignment_moves.insert().values(
            user_id=user_id,
            from_butler_id=from_butler,
            to_butler_id=to_butler,
            reason=reason,
            at=now,
        )
    )


async def moves_of(session: AsyncSession, user_id: str) -> Sequence[Row[Any]]:
    return (
        await session.execute(
            select(assignment_moves)
            .where(assignment_moves.c.user_id == user_id)
            .order_by(assignment_moves.c.id)
        )
    ).all()


async def users_of(session: AsyncSession, butler_id: str | None) -> list[str]:
    """The users of a butler (None: users no butler holds), oldest assignment first."""
    where = (
        conversations.c.butler_id.is_(None)
        if butler_id is None
        else conversations.c.butler_id == butler_id
    )
    rows = await session.execute(
        select(conversations.c.user_id).where(where).order_by(conversations.c.user_id)
    )
    return [r.user_id for r in rows]


async def set_waiting(
    session: AsyncSession,
    *,
    user_id: str,
    waiting_since: datetime | None,
    reply_due_at: datetime | None,
    last_message_at: datetime,
) -> None:
    await session.execute(
        conversations.update()
        .where(conversations.c.user_id == user_id)
        .values(
            waiting_since=waiting_since,
            reply_due_at=reply_due_at,
            last_message_at=last_message_at,
        )
    )


async def waiting(
    session: AsyncSession, *, butler_id: str | None, offset: int, limit: int
) -> Sequence[Row[Any]]:
    """Users waiting for a reply, the one nearest to breaching first (all of them for ops)."""
    query = select(conversations).where(conversations.c.waiting_since.is_not(None))
    if butler_id is not None:
        query = query.where(conversations.c.butler_id == butler_id)
    query = query.order_by(
        conversations.c.reply_due_at, conversations.c.waiting_since, conversations.c.user_id
    )
    return (await session.execute(query.offset(offset).limit(limit))).all()


async def overdue_waits(session: AsyncSession, now: datetime) -> Sequence[Any]:
    """Users still waiting past their reply time (late, though not yet answered)."""
    return (
        await session.execute(
            select(conversations.c.butler_id).where(
                conversations.c.waiting_since.is_not(None), conversations.c.reply_due_at < now
            )
        )
    ).all()


# --- messages and conversation days ---------------------------------------------------------


async def add_message(session: AsyncSession, **values: Any) -> None:
    await session.execute(messages.insert().values(**values))


async def messages_page(
    session: AsyncSession, user_id: str, *, before_seq: int, limit: int
) -> Sequence[Row[Any]]:
    """Newest first; `before_seq` 0 for the first page (keyset on the message's sequence)."""
    query = select(messages).where(messages.c.user_id == user_id)
    if before_seq:
        query = query.where(messages.c.seq < before_seq)
    return (await session.execute(query.order_by(messages.c.seq.desc()).limit(limit))).all()


async def last_message(
    session: AsyncSession, user_id: str, *, author: str | None = None
) -> Row[Any] | None:
    query = select(messages).where(messages.c.user_id == user_id)
    if author is not None:
        query = query.where(messages.c.author == author)
    return (await session.execute(query.order_by(messages.c.seq.desc()).limit(1))).first()


async def messages_between(
    session: AsyncSession, user_ids: Sequence[str], start: datetime, end: datetime
) -> Sequence[Row[Any]]:
    """The users' messages in [start, end), oldest first."""
    if not user_ids:
        return []
    return (
        await session.execute(
            select(messages)
            .where(
                messages.c.user_id.in_(list(user_ids)),
                messages.c.at >= start,
                messages.c.at < end,
            )
            .order_by(messages.c.seq)
        )
    ).all()


async def count_day(
    session: AsyncSession, *, user_id: str, day: date, butler_id: str | None, answered: bool
) -> None:
    """One more message in the user's conversation of `day`; a butler's reply makes that
    butler the one who answered it."""
    key = and_(conversation_days.c.user_id == user_id, conversation_days.c.day == day)
    row = (await session.execute(select(conversation_days).where(key).with_for_update())).first()
    if row is None:
        await session.execute(
            conversation_days.insert().values(
                user_id=user_id, day=day, butler_id=butler_id, messages=1
            )
        )
        return
    values: dict[str, Any] = {"messages": row.messages + 1}
    if answered or row.butler_id is None:
        values["butler_id"] = butler_id
    await session.execute(conversation_days.update().where(key).values(**values))


async def day_conversation(session: AsyncSession, user_id: str, day: date) -> Row[Any] | None:
    return (
        await session.execute(
            select(conversation_days).where(
                conversation_days.c.user_id == user_id, conversation_days.c.day == day
            )
        )
    ).first()


async def day_conversations(session: AsyncSession, day: date) -> Sequence[Row[Any]]:
    return (
        await session.execute(select(conversation_days).where(conversation_days.c.day == day))
    ).all()


async def conversations_per_butler(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(conversation_days.c.butler_id, func.count().label("n")).group_by(
            conversation_days.c.butler_id
        )
    )
    return {r.butler_id: int(r.n) for r in rows if r.butler_id is not None}


async def users_per_butler(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(conversations.c.butler_id, func.count().label("n")).group_by(
            conversations.c.butler_id
        )
    )
    return {r.butler_id: int(r.n) for r in rows if r.butler_id is not None}


# --- waits ----------------------------------------------------------------------------------


async def add_wait(session: AsyncSession, **values: Any) -> None:
    await session.execute(waits.insert().values(**values))


async def all_waits(session: AsyncSession) -> Sequence[Any]:
    return (
        await session.execute(select(waits.c.butler_id, waits.c.reply_seconds, waits.c.in_time))
    ).all()


# --- complaints -----------------------------------------------------------------------------


async def add_complaint(session: AsyncSession, **values: Any) -> None:
    await session.execute(complaints.insert().values(**values))


async def complaint(
    session: AsyncSession, complaint_id: str, *, for_update: bool = False
) -> Row[Any] | None:
    query = select(complaints).where(complaints.c.complaint_id == complaint_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def resolve_complaint(
    session: AsyncSession, complaint_id: str, *, at: datetime, by: str, resolution_enc: str
) -> None:
    await session.execute(
        complaints.update()
        .where(complaints.c.complaint_id == complaint_id)
        .values(resolved_at=at, resolved_by=by, resolution_enc=resolution_enc)
    )


async def complaints_page(
    session: AsyncSession, *, open_only: bool, offset: int, limit: int
) -> Sequence[Row[Any]]:
    query = select(complaints)
    if open_only:
        query = query.where(complaints.c.resolved_at.is_(None))
    query = query.order_by(complaints.c.opened_at, complaints.c.complaint_id)
    return (await session.execute(query.offset(offset).limit(limit))).all()


async def complaints_between(
    session: AsyncSession, start: datetime, end: datetime
) -> Sequence[Row[Any]]:
    return (
        await session.execute(
            select(complaints)
            .where(complaints.c.opened_at >= start, complaints.c.opened_at < end)
            .order_by(complaints.c.opened_at)
        )
    ).all()


async def complaints_per_butler(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(complaints.c.butler_id, func.count().label("n")).group_by(complaints.c.butler_id)
    )
    return {r.butler_id: int(r.n) for r in rows if r.butler_id is not None}


# --- reviews and disputes -------------------------------------------------------------------


async def add_review(session: AsyncSession, **values: Any) -> None:
    await session.execute(reviews.insert().values(**values))


async def all_reviews(session: AsyncSession) -> Sequence[Any]:
    return (await session.execute(select(reviews.c.butler_id, reviews.c.normalized))).all()


async def dispute(session: AsyncSession, claim_id: str) -> Row[Any] | None:
    return (await session.execute(select(disputes).where(disputes.c.claim_id == claim_id))).first()


async def add_dispute(session: AsyncSession, **values: Any) -> None:
    await session.execute(disputes.insert().values(**values))


async def dispute_totals(session: AsyncSession) -> dict[str, tuple[int, Decimal]]:
    """Per butler: disputes won back (wholly or partly) and the amount recovered."""
    won = or_(disputes.c.outcome == "overturned", disputes.c.outcome == "partly_overturned")
    rows = await session.execute(
        select(
            disputes.c.butler_id,
            func.sum(case((won, 1), else_=0)).label("won"),
            func.coalesce(func.sum(disputes.c.recovered_amount), 0).label("amount"),
        ).group_by(disputes.c.butler_id)
    )
    return {
        r.butler_id: (int(r.won or 0), Decimal(str(r.amount)))
        for r in rows
        if r.butler_id is not None
    }

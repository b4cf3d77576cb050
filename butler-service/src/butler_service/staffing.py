"""Butler accounts: ops puts one; an active butler takes the users no butler holds, and an
inactive butler's users move to the others (every move is recorded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from butler_service import store
from butler_service.context import Context
from butler_service.domain import assignment


@dataclass(frozen=True)
class Account:
    butler_id: str
    display_name: str
    capacity: int
    active: bool
    users: int
    moved_users: int


async def put_butler(
    ctx: Context, *, butler_id: str, display_name: str, capacity: int, active: bool
) -> Account:
    now = ctx.now()
    async with ctx.runtime.unit_of_work() as session:
        await store.put_butler(
            session,
            butler_id=butler_id,
            display_name=display_name,
            capacity=capacity,
            active=active,
            now=now,
        )
        if active:
            moved = await _take_unassigned(session, now=now)
        else:
            moved = await _move_away(session, butler_id, now=now)
        users = len(await store.users_of(session, butler_id))
    return Account(butler_id, display_name, capacity, active, users, moved)


async def _move_away(session: AsyncSession, butler_id: str, *, now: datetime) -> int:
    users = await store.users_of(session, butler_id)
    moves = assignment.rehome(users, butler_id, await store.loads(session))
    for move in moves:
        await store.assign(
            session,
            user_id=move.user_id,
            from_butler=move.from_butler,
            to_butler=move.to_butler,
            reason="butler_inactive",
            now=now,
        )
    return len(moves)


async def _take_unassigned(session: AsyncSession, *, now: datetime) -> int:
    """Users who wrote while no butler was active get one now, spread by room."""
    waiting = await store.users_of(session, None)
    if not waiting:
        return 0
    loads = {b.butler_id: b for b in await store.loads(session)}
    for user_id in waiting:
        chosen = assignment.choose(loads.values())
        if chosen is None:
            return 0
        await store.assign(
            session,
            user_id=user_id,
            from_butler=None,
            to_butler=chosen,
            reason="butler_available",
            now=now,
        )
        load = loads[chosen]
        loads[chosen] = assignment.ButlerLoad(
            load.butler_id, load.capacity, load.active, load.users + 1
        )
    return len(waiting)

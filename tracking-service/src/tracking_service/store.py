"""Reading and writing tracked claims: state row, timeline, status events, reported breaches.

Every write happens in the caller's transaction, so a state change, its timeline entries and
its outgoing events are committed together (outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import ClaimDeadlineBreached, ClaimStatusChanged
from lipei.messaging import Outbox
from lipei.reads import ReadSession
from tracking_service.domain import deadlines, guidance, stats
from tracking_service.domain.state import ClaimState, Transition
from tracking_service.models import deadline_breaches, timeline, tracked_claims


@dataclass(frozen=True)
class Note:
    """A timeline entry that is not a status change (e.g. a document verdict)."""

    at: datetime
    title: str
    detail: str | None
    cause_id: str


def _decision_fields(state: ClaimState, to: str) -> dict[str, object]:
    """What the insurer decided, for readers that tell the user (amounts, materials).

    A rejection's reason stays off this topic: it is the insurer's free text and may name a
    diagnosis, and this topic is read beyond the claim's insurer. The progress screen, seen only
    by the claim's owner, gives it.
    """
    if to == "materials_requested":
        return {"materials": state.requested_materials}
    if to == "approved" and state.approved_amount is not None:
        return {"approved_amount": f"{state.approved_amount:.2f}"}
    if to == "paid" and state.paid_amount is not None:
        return {"paid_amount": f"{state.paid_amount:.2f}", "paid_at": state.paid_at}
    return {}


def _deadline_fields(
    state: ClaimState, now: datetime, policy: deadlines.DeadlinePolicy
) -> list[dict[str, object]]:
    """The legal clocks as they stand after the change, for readers that show them (the
    butler's claim assistance)."""
    return [
        {"kind": c.kind, "due_at": c.due_at, "met": c.met, "paused": c.paused}
        for c in deadlines.clocks(state, now, policy)
    ]


class ClaimStore:
    def __init__(self, *, policy: deadlines.DeadlinePolicy, outbox: Outbox) -> None:
        self.policy = policy
        self.outbox = outbox

    async def load(self, session: AsyncSession, claim_id: str) -> ClaimState | None:
        row = (
            await session.execute(
                select(tracked_claims.c.state)
                .where(tracked_claims.c.claim_id == claim_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else ClaimState.model_validate(row.state)

    async def owned(self, session: ReadSession, claim_id: str, user_id: str) -> ClaimState | None:
        """The claim as its owner may read it; None for another user's claim."""
        row = (
            await session.execute(
                select(tracked_claims.c.state).where(
                    tracked_claims.c.claim_id == claim_id, tracked_claims.c.user_id == user_id
                )
            )
        ).first()
        return None if row is None else ClaimState.model_validate(row.state)

    async def timeline_entries(self, session: ReadSession, claim_id: str) -> Sequence[Row[Any]]:
        """The claim's timeline, oldest entry first."""
        result = await session.execute(
            select(timeline).where(timeline.c.claim_id == claim_id).order_by(timeline.c.id)
        )
        return result.all()

    async def open_claims(self, session: AsyncSession) -> list[ClaimState]:
        """Claims not yet paid or withdrawn (a rejected claim may still be disputed)."""
        rows = await session.execute(
            select(tracked_claims.c.state).where(
                tracked_claims.c.status.notin_(("paid", "withdrawn"))
            )
        )
        return [ClaimState.model_validate(row.state) for row in rows]

    async def active_between(
        self, session: AsyncSession, start: datetime, end: datetime
    ) -> list[ClaimState]:
        """Claims opened before `end` and changed since `start`: every claim with something
        that happened in [start, end)."""
        rows = await session.execute(
            select(tracked_claims.c.state).where(
                tracked_claims.c.opened_at < end, tracked_claims.c.updated_at >= start
            )
        )
        return [ClaimState.model_validate(row.state) for row in rows]

    async def breaches_between(
        self, session: AsyncSession, start: datetime, end: datetime
    ) -> list[stats.Breach]:
        """Legal deadlines breached, each once, whose due time falls in [start, end)."""
        rows = await session.execute(
            select(deadline_breaches.c.kind, deadline_breaches.c.due_at).where(
                deadline_breaches.c.due_at >= start, deadline_breaches.c.due_at < end
            )
        )
        return [stats.Breach(kind=row.kind, due_at=row.due_at) for row in rows]

    async def create(
        self, session: AsyncSession, state: ClaimState, *, cause_id: str, now: datetime
    ) -> None:
        await session.execute(
            tracked_claims.insert().values(
                claim_id=state.claim_id,
                user_id=state.user_id,
                insurer_code=state.insurer_code,
                claim_type=state.claim_type,
                status=state.status,
                opened_at=state.opened_at,
                updated_at=now,
                next_due_at=None,
                state=state.model_dump(mode="json"),
            )
        )
        title, detail = guidance.transition_entry(
            Transition(
                from_status=None,
                to_status="draft",
                at=state.opened_at,
                cause_id=cause_id,
                cause_type="claim.drafted",
            ),
            state,
        )
        await self._timeline(
            session, state.claim_id, "draft", state.opened_at, title, detail, cause_id
        )

    async def save(
        self,
        session: AsyncSession,
        state: ClaimState,
        *,
        now: datetime,
        transitions: Sequence[Transition] = (),
        notes: Sequence[Note] = (),
    ) -> None:
        """Persist `state` with its new timeline entries, status events and any missed clock."""
        action = guidance.next_action(state)
        for t in transitions:
            title, detail = guidance.transition_entry(t, state)
            await self._timeline(
                session, state.claim_id, t.to_status, t.at, title, detail, t.cause_id
            )
            await self.outbox.add(
                session,
                ClaimStatusChanged.model_validate(
                    {
                        "claim_id": state.claim_id,
                        "user_id": state.user_id,
                        "from": t.from_status,
                        "to": t.to_status,
                        "at": t.at,
                        "next_action": action,
                        "cause": t.cause_type,
                        "deadlines": _deadline_fields(state, now, self.policy),
                        **_decision_fields(state, t.to_status),
                    }
                ),
                time=now,
            )
        for note in notes:
            await self._timeline(
                session,
                state.claim_id,
                state.status,
                note.at,
                note.title,
                note.detail,
                note.cause_id,
            )
        state = await self._report_breaches(session, state, now)
        due = deadlines.next_due(state, now, self.policy)
        await session.execute(
            tracked_claims.update()
            .where(tracked_claims.c.claim_id == state.claim_id)
            .values(
                status=state.status,
                updated_at=now,
                next_due_at=due,
                state=state.model_dump(mode="json"),
            )
        )

    async def _report_breaches(
        self, session: AsyncSession, state: ClaimState, now: datetime
    ) -> ClaimState:
        missed = deadlines.newly_breached(state, now, self.policy)
        if not missed:
            return state
        state = state.model_copy(deep=True)
        for clock in missed:
            # The primary key refuses a second report of the same clock (IntegrityError).
            await session.execute(
                deadline_breaches.insert().values(
                    claim_id=state.claim_id,
                    kind=clock.kind,
                    due_at=clock.due_at,
                    reported_at=now,
                )
            )
            await self.outbox.add(
                session,
                ClaimDeadlineBreached(
                    claim_id=state.claim_id,
                    user_id=state.user_id,
                    insurer_code=state.insurer_code,
                    kind=clock.kind,
                    due_at=clock.due_at,
                ),
                time=now,
            )
            state.breached.append(clock.kind)
        return state

    async def _timeline(
        self,
        session: AsyncSession,
        claim_id: str,
        status: str,
        at: datetime,
        title: str,
        detail: str | None,
        cause_id: str,
    ) -> None:
        await session.execute(
            timeline.insert().values(
                claim_id=claim_id,
                status=status,
                at=at,
                title=title,
                detail=detail,
                cause_id=cause_id,
            )
        )

    async def due_claim_ids(self, session: AsyncSession, now: datetime, limit: int) -> list[str]:
        rows = await session.execute(
            select(tracked_claims.c.claim_id)
            .where(tracked_claims.c.next_due_at <= now)
            .order_by(tracked_claims.c.next_due_at)
            .limit(limit)
        )
        return [r.claim_id for r in rows]

"""Quality reading: complaints (open until ops resolves them), the day's QA sample, reviews
and the scoreboard per butler. Everything ops reads here is masked (ID, card, phone numbers)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service import store
from butler_service.context import Context
from butler_service.conversation import checked_text
from butler_service.domain import sampling, scores
from butler_service.domain.errors import Conflict, Invalid, NotFound
from butler_service.domain.masking import mask
from butler_service.domain.service_hours import china_day_bounds
from butler_service.schemas import (
    ComplaintView,
    QaSample,
    ReviewOut,
    SampledConversation,
    SampledMessage,
    ScoreLine,
)
from lipei.events import ConversationComplaintOpened
from lipei.timestamps import iso


async def open_complaint(ctx: Context, *, user_id: str, text: str, claim_id: str | None) -> str:
    text = checked_text(text)
    now = ctx.now()
    complaint_id = str(uuid.uuid4())
    async with ctx.runtime.unit_of_work() as session:
        found = await store.conversation(session, user_id)
        butler_id = found.butler_id if found is not None else None
        await store.add_complaint(
            session,
            complaint_id=complaint_id,
            user_id=user_id,
            butler_id=butler_id,
            claim_id=claim_id,
            text_enc=ctx.seal(text, row_id=complaint_id),
            opened_at=now,
        )
        await ctx.runtime.outbox.add(
            session,
            ConversationComplaintOpened(
                user_id=user_id,
                complaint_id=complaint_id,
                butler_id=butler_id,
                claim_id=claim_id,
                opened_at=now,
            ),
        )
    return complaint_id


def complaint_view(ctx: Context, row: Row[Any]) -> ComplaintView:
    return ComplaintView(
        complaint_id=row.complaint_id,
        user_id=row.user_id,
        butler_id=row.butler_id,
        claim_id=row.claim_id,
        text=mask(ctx.unseal(row.text_enc, row_id=row.complaint_id)),
        status="resolved" if row.resolved_at is not None else "open",
        opened_at=iso(row.opened_at) or "",
        resolved_at=iso(row.resolved_at),
    )


async def resolve_complaint(
    ctx: Context, *, complaint_id: str, by: str, note: str
) -> ComplaintView:
    now = ctx.now()
    async with ctx.runtime.unit_of_work() as session:
        found = await store.complaint(session, complaint_id, for_update=True)
        if found is None:
            raise NotFound("complaint")
        if found.resolved_at is not None:
            raise Conflict("this complaint is already resolved", kind="complaint-resolved")
        await store.resolve_complaint(
            session,
            complaint_id,
            at=now,
            by=by,
            resolution_enc=ctx.seal(note, row_id=complaint_id),
        )
        resolved = await store.complaint(session, complaint_id)
    assert resolved is not None
    return complaint_view(ctx, resolved)


async def sample(ctx: Context, *, day: date, rate: float) -> QaSample:
    start, end = china_day_bounds(day)
    async with ctx.runtime.sessionmaker() as session:
        days = {r.user_id: r for r in await store.day_conversations(session, day)}
        complaints: dict[str, Row[Any]] = {}
        for row in await store.complaints_between(session, start, end):
            complaints[row.user_id] = row  # the day's latest complaint of each user
        chosen = sampling.sample(day, days, complained=complaints, rate=rate)
        rows = await store.messages_between(session, chosen, start, end)
    by_user: dict[str, list[SampledMessage]] = {u: [] for u in chosen}
    for r in rows:
        by_user[r.user_id].append(
            SampledMessage(
                message_id=r.message_id,
                author=r.author,
                text=mask(ctx.unseal(r.text_enc, row_id=r.message_id)),
                at=iso(r.at) or "",
            )
        )
    items = []
    for user_id in chosen:
        complaint = complaints.get(user_id)
        answered = days.get(user_id)
        butler_id = answered.butler_id if answered is not None else None
        if butler_id is None and complaint is not None:
            butler_id = complaint.butler_id
        items.append(
            SampledConversation(
                user_id=user_id,
                butler_id=butler_id,
                messages=by_user[user_id],
                complaint=complaint_view(ctx, complaint) if complaint is not None else None,
            )
        )
    return QaSample(date=day.isoformat(), rate=rate, items=items)


async def _reviewed_butler(session: AsyncSession, user_id: str, day: date) -> str | None:
    """The butler who answered the user's conversation that day (404 without one)."""
    found = await store.day_conversation(session, user_id, day)
    if found is not None:
        return str(found.butler_id) if found.butler_id is not None else None
    start, end = china_day_bounds(day)
    for row in await store.complaints_between(session, start, end):
        if row.user_id == user_id:
            return str(row.butler_id) if row.butler_id is not None else None
    raise NotFound("conversation")


async def review(
    ctx: Context,
    *,
    reviewer: str,
    user_id: str,
    day: date,
    criteria: list[scores.Criterion],
    note: str,
) -> ReviewOut:
    try:
        normalized = round(scores.normalized(criteria), 4)
    except scores.ScoreError as exc:
        raise Invalid("scores", str(exc)) from None
    review_id = str(uuid.uuid4())
    async with ctx.runtime.unit_of_work() as session:
        butler_id = await _reviewed_butler(session, user_id, day)
        await store.add_review(
            session,
            review_id=review_id,
            user_id=user_id,
            day=day,
            butler_id=butler_id,
            scores=[c.__dict__ for c in criteria],
            normalized=normalized,
            note_enc=ctx.seal(note, row_id=review_id) if note else None,
            reviewer=reviewer,
            at=ctx.now(),
        )
    return ReviewOut(
        review_id=review_id,
        user_id=user_id,
        date=day.isoformat(),
        butler_id=butler_id,
        normalized_score=normalized,
    )


@dataclass(frozen=True)
class _Totals:
    users: dict[str, int]
    conversations: dict[str, int]
    complaints: dict[str, int]
    disputes: dict[str, tuple[int, Decimal]]


async def scoreboard(ctx: Context) -> list[ScoreLine]:
    now = ctx.now()
    async with ctx.runtime.sessionmaker() as session:
        accounts = await store.all_butlers(session)
        totals = _Totals(
            users=await store.users_per_butler(session),
            conversations=await store.conversations_per_butler(session),
            complaints=await store.complaints_per_butler(session),
            disputes=await store.dispute_totals(session),
        )
        answered = await store.all_waits(session)
        late = await store.overdue_waits(session, now)
        reviewed = await store.all_reviews(session)
    lines = {a.butler_id: scores.Line(a.butler_id, a.display_name) for a in accounts}
    waits = [scores.Wait(w.butler_id, w.reply_seconds, bool(w.in_time)) for w in answered]
    waits += [scores.Wait(w.butler_id, None, False) for w in late]
    scores.count_waits(lines, waits)
    for r in reviewed:
        if r.butler_id in lines:
            lines[r.butler_id].review_scores.append(float(r.normalized))
    return [
        _line(line, totals, active=bool(a.active))
        for a, line in zip(accounts, lines.values(), strict=True)
    ]


def _line(line: scores.Line, totals: _Totals, *, active: bool) -> ScoreLine:
    won, recovered = totals.disputes.get(line.butler_id, (0, Decimal("0")))
    mean = line.mean_review_score
    share = line.replied_in_time_share
    return ScoreLine(
        butler_id=line.butler_id,
        display_name=line.display_name,
        active=active,
        users=totals.users.get(line.butler_id, 0),
        conversations=totals.conversations.get(line.butler_id, 0),
        median_first_reply_seconds=line.median_first_reply_seconds,
        replied_in_time_share=round(share, 4) if share is not None else None,
        reviews=len(line.review_scores),
        mean_normalized_score=round(mean, 4) if mean is not None else None,
        complaints=totals.complaints.get(line.butler_id, 0),
        disputes_overturned=won,
        amount_recovered=f"{recovered:.2f}",
    )

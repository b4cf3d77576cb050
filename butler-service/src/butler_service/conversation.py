"""The conversation: a user's messages, a butler's replies, the assistant's answers out of
hours, and the reply clock that puts a waiting user in their butler's inbox.

Each change is one transaction with its `conversation.message.posted` event (never the text)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service import claims_store, store
from butler_service.context import Context
from butler_service.domain import assignment
from butler_service.domain.errors import Invalid, NotFound
from butler_service.domain.service_hours import china_date, reply_due
from butler_service.domain.text import TextRefused, clean_text
from butler_service.knowledge.index import Hit
from butler_service.schemas import Author
from lipei.events import ConversationMessagePosted
from lipei.timestamps import iso


@dataclass(frozen=True)
class Posted:
    message_id: str
    at: datetime


@dataclass(frozen=True)
class Card:
    butler_id: str
    display_name: str
    online: bool


def checked_text(text: str) -> str:
    try:
        return clean_text(text)
    except TextRefused as exc:
        raise Invalid("text", str(exc)) from None


async def _conversation(ctx: Context, session: AsyncSession, user_id: str) -> Row[Any]:
    """The user's conversation, opened at first contact with the active butler that has the
    most room; a user no butler could take gets one as soon as one is active."""
    now = ctx.now()
    found = await store.conversation(session, user_id, for_update=True)
    if found is not None and found.butler_id is not None:
        return found
    chosen = assignment.choose(await store.loads(session))
    if found is None:
        await store.open_conversation(session, user_id=user_id, butler_id=chosen, now=now)
    elif chosen is not None:
        await store.assign(
            session,
            user_id=user_id,
            from_butler=None,
            to_butler=chosen,
            reason="first_contact",
            now=now,
        )
    opened = await store.conversation(session, user_id)
    assert opened is not None
    return opened


async def _in_unit(ctx: Context, work: Any) -> Any:
    """Run `work(session)` in one transaction, once more if a first contact raced another."""
    for attempt in (1, 2):
        try:
            async with ctx.runtime.unit_of_work() as session:
                return await work(session)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def my_butler(ctx: Context, *, user_id: str) -> Card:
    async def work(session: AsyncSession) -> Card:
        found = await _conversation(ctx, session, user_id)
        account = await store.butler(session, found.butler_id) if found.butler_id else None
        if account is None:
            raise NotFound("butler")
        return Card(
            butler_id=account.butler_id,
            display_name=account.display_name,
            online=bool(account.active) and ctx.hours.is_open(ctx.now()),
        )

    card: Card = await _in_unit(ctx, work)
    return card


async def _own_claim(session: AsyncSession, user_id: str, claim_id: str | None) -> None:
    if claim_id is not None and await claims_store.owner_of(session, claim_id) != user_id:
        raise NotFound("claim")


async def _add(
    ctx: Context,
    session: AsyncSession,
    *,
    user_id: str,
    author: str,
    butler_id: str | None,
    text: str,
    claim_id: str | None = None,
    article_id: str | None = None,
) -> Posted:
    now = ctx.now()
    message_id = str(uuid.uuid4())
    await store.add_message(
        session,
        message_id=message_id,
        user_id=user_id,
        author=author,
        butler_id=butler_id,
        claim_id=claim_id,
        article_id=article_id,
        text_enc=ctx.seal(text, row_id=message_id),
        at=now,
    )
    await store.count_day(
        session,
        user_id=user_id,
        day=china_date(now),
        butler_id=butler_id,
        answered=author == "butler",
    )
    await ctx.runtime.outbox.add(
        session,
        ConversationMessagePosted(
            user_id=user_id,
            message_id=message_id,
            author=author,  # type: ignore[arg-type]
            at=now,
            butler_id=butler_id,
            claim_id=claim_id,
        ),
    )
    return Posted(message_id, now)


def confident(ctx: Context, hits: list[Hit]) -> Hit | None:
    """The best article when it is sure enough to answer without a butler: a high enough
    score, well ahead of the runner-up."""
    settings = ctx.settings
    if not hits or hits[0].score < settings.butler_assistant_min_score:
        return None
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if hits[0].score < settings.butler_assistant_min_lead * runner_up:
        return None
    return hits[0]


async def post_user_message(
    ctx: Context, *, user_id: str, text: str, claim_id: str | None
) -> Posted:
    text = checked_text(text)
    hits = [] if ctx.hours.is_open(ctx.now()) else await ctx.knowledge.search(text, k=2)
    answer = confident(ctx, hits)

    async def work(session: AsyncSession) -> Posted:
        found = await _conversation(ctx, session, user_id)
        await _own_claim(session, user_id, claim_id)
        posted = await _add(
            ctx,
            session,
            user_id=user_id,
            author="user",
            butler_id=found.butler_id,
            text=text,
            claim_id=claim_id,
        )
        since = found.waiting_since or posted.at
        await store.set_waiting(
            session,
            user_id=user_id,
            waiting_since=since,
            reply_due_at=reply_due(ctx.hours, since, ctx.settings.butler_reply_minutes),
            last_message_at=posted.at,
        )
        if answer is not None:
            # The user stays in the butler's inbox: the assistant answers, the butler follows up.
            await _add(
                ctx,
                session,
                user_id=user_id,
                author="assistant",
                butler_id=found.butler_id,
                text=answer.article.answer,
                article_id=answer.article.article_id,
            )
        return posted

    posted: Posted = await _in_unit(ctx, work)
    return posted


async def post_reply(
    ctx: Context, *, butler_id: str, user_id: str, text: str, claim_id: str | None
) -> tuple[Posted, float | None]:
    """A butler's reply; returns it with the service-hours seconds the user waited (None when
    the user was not waiting)."""
    text = checked_text(text)
    async with ctx.runtime.unit_of_work() as session:
        found = await store.conversation(session, user_id, for_update=True)
        if found is None or found.butler_id != butler_id:
            raise NotFound("user")
        await _own_claim(session, user_id, claim_id)
        posted = await _add(
            ctx,
            session,
            user_id=user_id,
            author="butler",
            butler_id=butler_id,
            text=text,
            claim_id=claim_id,
        )
        waited = None
        if found.waiting_since is not None:
            waited = ctx.hours.elapsed(found.waiting_since, posted.at).total_seconds()
            await store.add_wait(
                session,
                user_id=user_id,
                butler_id=butler_id,
                started_at=found.waiting_since,
                due_at=found.reply_due_at,
                replied_at=posted.at,
                reply_seconds=waited,
                in_time=posted.at <= found.reply_due_at,
            )
        await store.set_waiting(
            session,
            user_id=user_id,
            waiting_since=None,
            reply_due_at=None,
            last_message_at=posted.at,
        )
    if waited is not None:  # counted once the reply is committed
        ctx.runtime.metrics.butler_replied(waited)
    return posted, waited


@dataclass(frozen=True)
class Shown:
    message_id: str
    author: Author
    text: str
    claim_id: str | None
    at: str


async def messages(
    ctx: Context, session: AsyncSession, *, user_id: str, before_seq: int, limit: int
) -> tuple[list[Shown], int | None]:
    """A page of the conversation, newest first, and the key the next page starts before."""
    rows = await store.messages_page(session, user_id, before_seq=before_seq, limit=limit + 1)
    shown = [
        Shown(
            message_id=r.message_id,
            author=r.author,
            text=ctx.unseal(r.text_enc, row_id=r.message_id),
            claim_id=r.claim_id,
            at=iso(r.at) or "",
        )
        for r in rows[:limit]
    ]
    return shown, rows[limit - 1].seq if len(rows) > limit else None

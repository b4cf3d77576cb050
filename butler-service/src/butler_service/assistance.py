"""What a butler reads beside a conversation: the inbox (users waiting for a reply, nearest to
breaching first, then users whose claims need the butler), the user's claims, and suggested
answers for the user's latest question."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service import claims_store, store
from butler_service.context import Context
from butler_service.domain.claims import ClaimView, Verdict, attention
from butler_service.schemas import (
    ClaimAssist,
    ClaimAttention,
    DeadlineView,
    DisputeView,
    DocumentView,
    InboxItem,
    Reason,
    Suggestion,
    Suggestions,
)
from butler_service.scope import Viewer, visible_user
from lipei.paging import Page
from lipei.timestamps import iso


def dispute_view(row: Row[Any]) -> DisputeView:
    return DisputeView(
        claim_id=row.claim_id,
        user_id=row.user_id,
        butler_id=row.butler_id,
        outcome=row.outcome,
        recovered_amount=f"{row.recovered_amount:.2f}",
        recorded_at=iso(row.at) or "",
    )


async def _claims_needing(
    session: AsyncSession, user_ids: list[str]
) -> dict[str, list[ClaimAttention]]:
    views = await claims_store.views_of(session, user_ids)
    documents = await claims_store.documents_of(session, [v.claim_id for v in views])
    found: dict[str, list[ClaimAttention]] = {}
    for view in views:
        disputed = await store.dispute(session, view.claim_id) is not None
        reasons = attention(view, documents[view.claim_id], disputed=disputed)
        if reasons:
            found.setdefault(view.user_id, []).append(
                ClaimAttention(claim_id=view.claim_id, status=view.status, reasons=reasons)
            )
    return found


async def inbox(ctx: Context, who: Viewer, page: Page) -> tuple[list[InboxItem], bool]:
    """One page of the inbox and whether another follows. A butler's whole list is put
    together (it is bounded by their capacity); ops pages through every waiting user."""
    now = ctx.now()
    async with ctx.runtime.sessionmaker() as session:
        if who.is_ops:
            rows = list(
                await store.waiting(
                    session, butler_id=None, offset=page.start, limit=page.limit + 1
                )
            )
            users = [r.user_id for r in rows]
            quiet: list[str] = []
        else:
            rows = list(
                await store.waiting(session, butler_id=who.butler_id, offset=0, limit=100_000)
            )
            waiting_ids = {r.user_id for r in rows}
            quiet = [
                u for u in await store.users_of(session, who.butler_id) if u not in waiting_ids
            ]
            users = [r.user_id for r in rows] + quiet
        needing = await _claims_needing(session, users)
        entries: list[tuple[str, Row[Any] | None]] = [(r.user_id, r) for r in rows]
        entries += [(u, None) for u in quiet if u in needing]
        if not who.is_ops:
            entries = entries[page.start : page.start + page.limit + 1]
        items = [
            await _item(ctx, session, u, r, needing.get(u, []), now)
            for u, r in entries[: page.limit]
        ]
    return items, len(entries) > page.limit


async def _item(
    ctx: Context,
    session: AsyncSession,
    user_id: str,
    row: Row[Any] | None,
    claims: list[ClaimAttention],
    now: Any,
) -> InboxItem:
    last = await store.last_message(session, user_id, author="user")
    owner = row if row is not None else await store.conversation(session, user_id)
    return InboxItem(
        user_id=user_id,
        butler_id=owner.butler_id if owner is not None else None,
        last_message=ctx.unseal(last.text_enc, row_id=last.message_id) if last else None,
        waiting_since=iso(row.waiting_since) if row is not None else None,
        reply_due_at=iso(row.reply_due_at) if row is not None else None,
        overdue=row is not None and row.reply_due_at < now,
        claims=claims,
    )


def _assist(view: ClaimView, documents: list[Verdict], dispute: Row[Any] | None) -> ClaimAssist:
    return ClaimAssist(
        claim_id=view.claim_id,
        claim_type=view.claim_type,
        insurer_code=view.insurer_code,
        status=view.status,
        next_action=view.next_action,
        claimed_amount=view.claimed_amount,
        approved_amount=view.approved_amount,
        paid_amount=view.paid_amount,
        incident_date=view.incident_date,
        documents=[
            DocumentView(
                document_id=d.document_id,
                doc_type=d.doc_type,
                status=d.status,
                reasons=[
                    Reason(code=r.get("code", ""), message=r.get("message", "")) for r in d.reasons
                ],
                fields=d.fields,
                fields_to_review=d.fields_to_review,
            )
            for d in documents
        ],
        deadlines=[
            DeadlineView(
                kind=d.kind,
                due_at=iso(d.due_at) or "",
                met=d.met,
                paused=d.paused,
                breached=d.breached,
            )
            for d in view.deadlines
        ],
        assessment=view.assessment,
        dispute=dispute_view(dispute) if dispute is not None else None,
        attention=attention(view, documents, disputed=dispute is not None),
    )


async def user_claims(ctx: Context, who: Viewer, user_id: str) -> list[ClaimAssist]:
    async with ctx.runtime.sessionmaker() as session:
        await visible_user(session, who, user_id)
        views = await claims_store.views_of(session, [user_id])
        documents = await claims_store.documents_of(session, [v.claim_id for v in views])
        return [
            _assist(v, documents[v.claim_id], await store.dispute(session, v.claim_id))
            for v in views
        ]


async def suggestions(ctx: Context, who: Viewer, user_id: str) -> Suggestions:
    async with ctx.runtime.sessionmaker() as session:
        await visible_user(session, who, user_id)
        last = await store.last_message(session, user_id, author="user")
    if last is None:
        return Suggestions(question=None, items=[])
    question = ctx.unseal(last.text_enc, row_id=last.message_id)
    hits = await ctx.knowledge.search(question, k=3)
    return Suggestions(
        question=question,
        items=[
            Suggestion(
                article_id=h.article.article_id,
                question=h.article.question,
                answer=h.article.answer,
                score=h.score,
            )
            for h in hits
        ],
    )

"""Queries on the articles table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service.knowledge.index import Article
from butler_service.models import articles


async def revisions(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(articles.c.article_id, articles.c.revision))
    return {r.article_id: int(r.revision) for r in rows}


async def all_articles(session: AsyncSession) -> list[Article]:
    rows = await session.execute(select(articles).order_by(articles.c.article_id))
    return [
        Article(r.article_id, r.question, r.answer, tuple(r.tags), int(r.revision)) for r in rows
    ]


async def add_missing(session: AsyncSession, starter: Sequence[Article], now: datetime) -> int:
    """Insert the starter articles not stored yet (an article ops edited keeps the edit)."""
    present = set(await revisions(session))
    missing = [a for a in starter if a.article_id not in present]
    for article in missing:
        await session.execute(
            articles.insert().values(
                article_id=article.article_id,
                question=article.question,
                answer=article.answer,
                tags=list(article.tags),
                revision=1,
                updated_at=now,
            )
        )
    return len(missing)


async def put(
    session: AsyncSession,
    *,
    article_id: str,
    question: str,
    answer: str,
    tags: list[str],
    now: datetime,
) -> tuple[int, bool]:
    """Create or replace an article; returns its new revision and whether it was created."""
    row = (
        await session.execute(
            select(articles.c.revision).where(articles.c.article_id == article_id).with_for_update()
        )
    ).first()
    values = {"question": question, "answer": answer, "tags": tags, "updated_at": now}
    if row is None:
        await session.execute(articles.insert().values(article_id=article_id, revision=1, **values))
        return 1, True
    revision = int(row.revision) + 1
    await session.execute(
        articles.update()
        .where(articles.c.article_id == article_id)
        .values(revision=revision, **values)
    )
    return revision, False

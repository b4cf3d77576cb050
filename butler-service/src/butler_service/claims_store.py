"""The claims read model: one JSON view per claim and one row per document, written by the
event handlers and read for claim assistance and the inbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service.domain.claims import ClaimView, Verdict
from butler_service.models import claim_documents, claims


async def view(
    session: AsyncSession, claim_id: str, *, for_update: bool = False
) -> ClaimView | None:
    query = select(claims.c.state).where(claims.c.claim_id == claim_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return None if row is None else ClaimView.model_validate(row.state)


async def save(session: AsyncSession, claim: ClaimView, *, now: datetime) -> None:
    state = claim.model_dump(mode="json")
    updated = await session.execute(
        claims.update()
        .where(claims.c.claim_id == claim.claim_id)
        .values(user_id=claim.user_id, state=state, updated_at=now)
    )
    if not getattr(updated, "rowcount", 0):
        await session.execute(
            claims.insert().values(
                claim_id=claim.claim_id, user_id=claim.user_id, state=state, updated_at=now
            )
        )


async def views_of(session: AsyncSession, user_ids: Sequence[str]) -> list[ClaimView]:
    """The claims of these users, newest first."""
    if not user_ids:
        return []
    rows = await session.execute(
        select(claims.c.state)
        .where(claims.c.user_id.in_(list(user_ids)))
        .order_by(claims.c.updated_at.desc(), claims.c.claim_id)
    )
    return [ClaimView.model_validate(r.state) for r in rows]


async def owner_of(session: AsyncSession, claim_id: str) -> str | None:
    row = (
        await session.execute(select(claims.c.user_id).where(claims.c.claim_id == claim_id))
    ).first()
    return None if row is None else str(row.user_id)


async def documents_of(session: AsyncSession, claim_ids: Sequence[str]) -> dict[str, list[Verdict]]:
    """Each claim's documents, oldest verdict first."""
    found: dict[str, list[Verdict]] = {c: [] for c in claim_ids}
    if not claim_ids:
        return found
    rows = await session.execute(
        select(claim_documents)
        .where(claim_documents.c.claim_id.in_(list(claim_ids)))
        .order_by(claim_documents.c.updated_at, claim_documents.c.document_id)
    )
    for r in rows:
        found[r.claim_id].append(
            Verdict(
                document_id=r.document_id,
                doc_type=r.doc_type,
                status=r.status,
                reasons=list(r.reasons),
                fields=dict(r.fields),
                fields_to_review=list(r.fields_to_review),
            )
        )
    return found


async def put_document(
    session: AsyncSession, claim_id: str, verdict: Verdict, *, now: datetime
) -> None:
    """Record a document's verdict; an upload seen after its verdict leaves the verdict."""
    current = (
        await session.execute(
            select(claim_documents.c.status)
            .where(claim_documents.c.document_id == verdict.document_id)
            .with_for_update()
        )
    ).first()
    values = {
        "claim_id": claim_id,
        "doc_type": verdict.doc_type,
        "status": verdict.status,
        "reasons": verdict.reasons,
        "fields": verdict.fields,
        "fields_to_review": verdict.fields_to_review,
        "updated_at": now,
    }
    if current is None:
        await session.execute(
            claim_documents.insert().values(document_id=verdict.document_id, **values)
        )
    elif verdict.status != "processing":
        await session.execute(
            claim_documents.update()
            .where(claim_documents.c.document_id == verdict.document_id)
            .values(**values)
        )


async def document_keyed(
    session: AsyncSession,
    document_id: str,
    *,
    fields: dict[str, str],
    fields_to_review: list[str],
) -> None:
    """A person keyed fields of the document in (its verdict, and its place among the claim's
    documents, stay)."""
    await session.execute(
        claim_documents.update()
        .where(claim_documents.c.document_id == document_id)
        .values(fields=fields, fields_to_review=fields_to_review)
    )

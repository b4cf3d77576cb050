"""Kafka entrypoints: OCR verdicts on documents and tracking's status changes."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_service.lifecycle import mirrored_status
from intake_service.models import claims, documents
from lipei.events import ClaimStatusChanged, DocumentAccepted, DocumentRejected
from lipei.messaging import Envelope, Subscriptions
from lipei.messaging.consumer import PermanentError

log = logging.getLogger(__name__)

subscriptions = Subscriptions()


async def _known_document(
    session: AsyncSession, event: DocumentAccepted | DocumentRejected
) -> None:
    found = (
        await session.execute(
            select(documents.c.document_id).where(
                documents.c.document_id == event.document_id,
                documents.c.claim_id == event.claim_id,
            )
        )
    ).first()
    if found is None:
        raise PermanentError(f"verdict for an unknown document {event.document_id}")


@subscriptions.on(DocumentAccepted)
async def on_document_accepted(session: AsyncSession, event: DocumentAccepted, _: Envelope) -> None:
    await _known_document(session, event)
    await session.execute(
        documents.update()
        .where(documents.c.document_id == event.document_id)
        .values(
            status="accepted",
            reasons="[]",
            masked_fields=json.dumps(event.masked_fields, ensure_ascii=False),
            sealed_fields=event.sealed_fields,
            decided_at=event.accepted_at,
        )
    )


@subscriptions.on(DocumentRejected)
async def on_document_rejected(session: AsyncSession, event: DocumentRejected, _: Envelope) -> None:
    await _known_document(session, event)
    await session.execute(
        documents.update()
        .where(documents.c.document_id == event.document_id)
        .values(
            status="rejected",
            reasons=json.dumps([r.model_dump() for r in event.reasons], ensure_ascii=False),
            masked_fields=json.dumps(event.masked_fields, ensure_ascii=False),
            sealed_fields=None,
            decided_at=event.rejected_at,
        )
    )


@subscriptions.on(ClaimStatusChanged)
async def on_status_changed(session: AsyncSession, event: ClaimStatusChanged, _: Envelope) -> None:
    row = (
        await session.execute(select(claims.c.status).where(claims.c.claim_id == event.claim_id))
    ).first()
    if row is None:
        log.info("status change for a claim intake does not hold: %s", event.claim_id)
        return
    status = mirrored_status(row.status, event.to)
    if status != row.status:
        await session.execute(
            claims.update().where(claims.c.claim_id == event.claim_id).values(status=status)
        )

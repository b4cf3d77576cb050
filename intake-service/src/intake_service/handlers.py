"""Kafka entrypoints: OCR verdicts on documents and tracking's status changes."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from intake_service import store
from intake_service.domain.lifecycle import mirrored_status
from lipei.events import ClaimStatusChanged, DocumentAccepted, DocumentRejected
from lipei.messaging import Envelope, Subscriptions
from lipei.messaging.consumer import PermanentError

log = logging.getLogger(__name__)

subscriptions = Subscriptions()


async def _known_document(
    session: AsyncSession, event: DocumentAccepted | DocumentRejected
) -> None:
    if not await store.document_known(
        session, claim_id=event.claim_id, document_id=event.document_id
    ):
        raise PermanentError(f"verdict for an unknown document {event.document_id}")


@subscriptions.on(DocumentAccepted)
async def on_document_accepted(session: AsyncSession, event: DocumentAccepted, _: Envelope) -> None:
    await _known_document(session, event)
    await store.record_verdict(
        session,
        event.document_id,
        status="accepted",
        reasons=[],
        masked_fields=event.masked_fields,
        sealed_fields=event.sealed_fields,
        decided_at=event.accepted_at,
        fields_to_review=list(event.fields_to_review),
    )


@subscriptions.on(DocumentRejected)
async def on_document_rejected(session: AsyncSession, event: DocumentRejected, _: Envelope) -> None:
    await _known_document(session, event)
    await store.record_verdict(
        session,
        event.document_id,
        status="rejected",
        reasons=[r.model_dump() for r in event.reasons],
        masked_fields=event.masked_fields,
        sealed_fields=None,
        decided_at=event.rejected_at,
    )


@subscriptions.on(ClaimStatusChanged)
async def on_status_changed(session: AsyncSession, event: ClaimStatusChanged, _: Envelope) -> None:
    current = await store.claim_status(session, event.claim_id)
    if current is None:
        log.info("status change for a claim intake does not hold: %s", event.claim_id)
        return
    status = mirrored_status(current, event.to)
    if status != current:
        await store.set_claim_status(session, event.claim_id, status)

"""Kafka entrypoint: an uploaded document becomes `document.accepted` or `document.rejected`.

The image is fetched and read before any transaction opens (OCR takes about a second, and no
pooled database connection waits on it); a short transaction then records the verdict's event.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import (
    ClaimDocumentUploaded,
    DocumentAccepted,
    DocumentRejected,
    Reason,
)
from lipei.messaging import Envelope, Subscriptions
from lipei.messaging.consumer import PermanentError
from lipei.runtime import ServiceRuntime
from lipei.sealing import seal_json
from lipei.storage import ObjectStorage, StorageError
from ocr_service.ocr.pipeline import OcrResult
from ocr_service.ocr.quality import Reason as QualityReason
from ocr_service.ocr.sensitive import mask_fields
from ocr_service.reading import DocumentReader
from ocr_service.settings import Settings

log = logging.getLogger(__name__)

DAMAGED_MESSAGE = "文件已损坏或不完整，请重新上传"


@dataclass(frozen=True, slots=True)
class Reading:
    result: OcrResult
    read_at: datetime


def subscriptions(
    runtime: ServiceRuntime, storage: ObjectStorage, reader: DocumentReader, settings: Settings
) -> Subscriptions:
    subs = Subscriptions()

    async def read(event: ClaimDocumentUploaded, envelope: Envelope) -> Reading:
        try:
            data = await storage.get(event.storage_key)
        except StorageError as exc:
            raise PermanentError(f"document {event.document_id} is not in storage: {exc}") from exc
        now = runtime.clock.now()
        if hashlib.sha256(data).hexdigest() == event.sha256.lower():
            result = await reader.read(
                data, event.doc_type, content_type=event.content_type, today=now.date()
            )
        else:
            # Not the bytes the user uploaded (damaged or replaced in storage): never read them.
            log.error("claim %s document %s: sha256 mismatch", event.claim_id, event.document_id)
            damaged = {"code": QualityReason.UNREADABLE.value, "message": DAMAGED_MESSAGE}
            result = OcrResult(event.doc_type, "reject", [damaged], {})
        return Reading(result, now)

    @subs.on_prepared(ClaimDocumentUploaded, read)
    async def on_uploaded(
        session: AsyncSession, event: ClaimDocumentUploaded, envelope: Envelope, reading: Reading
    ) -> None:
        result, now = reading.result, reading.read_at
        common: dict[str, Any] = {
            "claim_id": event.claim_id,
            "document_id": event.document_id,
            "user_id": event.user_id,
            "doc_type": event.doc_type,
            "detected_doc_type": result.doc_type,
            "masked_fields": mask_fields(result.doc_type, result.fields),
            "sealed_fields": (
                seal_json(settings.fields_public_key, result.fields)
                if result.fields and settings.fields_public_key
                else None
            ),
            "timings_ms": result.timings_ms,
        }
        verdict: DocumentAccepted | DocumentRejected
        if result.accepted:
            verdict = DocumentAccepted(
                **common, fields_to_review=result.fields_to_review, accepted_at=now
            )
        else:
            verdict = DocumentRejected(
                **common, reasons=[Reason(**r) for r in result.reasons], rejected_at=now
            )
        log.info(
            "claim %s document %s: %s %s",
            event.claim_id,
            event.document_id,
            result.verdict,
            ",".join(r["code"] for r in result.reasons),
        )
        await runtime.outbox.add(session, verdict, time=now)

    return subs

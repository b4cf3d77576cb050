"""A claim's documents: uploading them, listing them, and the checklist built from them."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from intake_service import store
from intake_service.container import Intake
from intake_service.domain import rules
from intake_service.domain.errors import UnknownDocType
from intake_service.domain.records import Document
from intake_service.domain.uploads import check_file_name, check_upload
from intake_service.services.lookups import owned_claim
from lipei.events import ClaimDocumentUploaded

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}

# Reads at most the given number of bytes of the uploaded file.
ReadUpTo = Callable[[int], Awaitable[bytes]]


async def upload_document(
    *, intake: Intake, user_id: str, claim_id: str, doc_type: str, file_name: str, read: ReadUpTo
) -> Document:
    """Stores the file, judged by its bytes, and hands it to OCR; the claim's signature no
    longer holds. A refused or failed upload leaves no file behind."""
    async with intake.runtime.sessionmaker() as s:
        claim = await owned_claim(s, claim_id=claim_id, user_id=user_id)
    rules.check_uploadable(claim)
    if doc_type not in intake.guide.doc_types:
        raise UnknownDocType(doc_type)
    check_file_name(file_name)
    settings = intake.settings
    # One byte past the limit is enough to know the file is too large.
    data = await read(settings.max_upload_bytes + 1)
    checked = check_upload(
        data, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels
    )
    document_id = str(uuid.uuid4())
    document = Document(
        document_id=document_id,
        claim_id=claim_id,
        doc_type=doc_type,
        # A server-made name: the client's file name never reaches the storage.
        storage_key=f"claims/{claim_id}/{document_id}.{EXTENSIONS[checked.content_type]}",
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=checked.content_type,
        size_bytes=len(data),
        status="processing",
        reasons=(),
        masked_fields={},
        sealed_fields=None,
        uploaded_at=intake.runtime.clock.now(),
        decided_at=None,
        supplement_pending=False,  # set in the transaction, from the claim's status then
    )
    await intake.storage.put(document.storage_key, data, checked.content_type)
    try:
        return await _record_upload(intake, user_id, document)
    except BaseException:
        await intake.storage.delete(document.storage_key)
        raise


async def _record_upload(intake: Intake, user_id: str, document: Document) -> Document:
    async with intake.runtime.unit_of_work() as s:
        # Read again: the claim may have moved on while the file was being stored.
        claim = await owned_claim(s, claim_id=document.claim_id, user_id=user_id)
        rules.check_uploadable(claim)
        stored = dataclasses.replace(
            document, supplement_pending=claim.status == "materials_requested"
        )
        await store.insert_document(s, stored)
        # New material changes what was signed: the signature no longer holds.
        await store.void_signature(s, claim.claim_id)
        await intake.runtime.outbox.add(
            s,
            ClaimDocumentUploaded(
                claim_id=claim.claim_id,
                user_id=user_id,
                document_id=stored.document_id,
                doc_type=stored.doc_type,
                storage_key=stored.storage_key,
                sha256=stored.sha256,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                uploaded_at=stored.uploaded_at,
            ),
            time=stored.uploaded_at,
        )
    return stored


async def list_documents(*, intake: Intake, user_id: str, claim_id: str) -> list[Document]:
    async with intake.runtime.sessionmaker() as s:
        await owned_claim(s, claim_id=claim_id, user_id=user_id)
        return await store.claim_documents(s, claim_id)


async def claim_checklist(*, intake: Intake, user_id: str, claim_id: str) -> dict[str, Any]:
    """Every material of the claim type with its state, and all that is still needed."""
    async with intake.runtime.sessionmaker() as s:
        claim = await owned_claim(s, claim_id=claim_id, user_id=user_id)
        docs = await store.claim_documents(s, claim_id)
        policy = await store.get_policy(s, claim.policy_id)
    return rules.checklist(intake.guide, claim, policy, docs)

"""Uploading claim documents, their OCR verdicts, and the checklist built from them."""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from intake_service.checklist import build_checklist
from intake_service.context import (
    Intake,
    claim_documents,
    document_out,
    document_states,
    owned_claim,
)
from intake_service.lifecycle import can_upload
from intake_service.models import claims, documents
from intake_service.uploads import UploadRefused, check_file_name, check_upload
from lipei.app import RuntimeDep
from lipei.events import ClaimDocumentUploaded
from lipei.messaging import enqueue
from lipei.web import CallerDep, Problem, require_user

log = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def router(intake: Intake) -> APIRouter:
    r = APIRouter(tags=["documents"])
    settings = intake.settings

    @r.post("/api/v1/claims/{claim_id}/documents", status_code=202)
    async def upload(
        claim_id: str,
        caller: CallerDep,
        runtime: RuntimeDep,
        file: Annotated[UploadFile, File()],
        doc_type: Annotated[str, Form(max_length=40)],
    ) -> dict[str, Any]:
        user_id = require_user(caller)
        async with runtime.sessionmaker() as s:
            claim = await owned_claim(s, claim_id, user_id)
        if not can_upload(claim.status):
            raise Problem(
                409, f"documents cannot be added to a {claim.status} claim", type="not-editable"
            )
        if doc_type not in intake.guide.doc_types:
            raise Problem(
                422,
                f"unknown document type {doc_type!r}",
                type="unknown-doc-type",
                errors=[{"field": "doc_type", "message": "unknown document type"}],
            )
        try:
            check_file_name(file.filename or "")
            # One byte past the limit is enough to know the file is too large.
            data = await file.read(settings.max_upload_bytes + 1)
            checked = check_upload(
                data, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels
            )
        except UploadRefused as refused:
            raise Problem(
                refused.status,
                refused.detail,
                type=refused.code,
                errors=[{"field": "file", "message": refused.detail}],
            ) from refused
        document_id = str(uuid.uuid4())
        # A server-made name: the client's file name never reaches the storage.
        storage_key = f"claims/{claim_id}/{document_id}.{EXTENSIONS[checked.content_type]}"
        sha256 = hashlib.sha256(data).hexdigest()
        now = runtime.clock.now()
        await intake.storage.put(storage_key, data, checked.content_type)
        try:
            async with runtime.unit_of_work() as s:
                claim = await owned_claim(s, claim_id, user_id)
                if not can_upload(claim.status):
                    raise Problem(
                        409,
                        f"documents cannot be added to a {claim.status} claim",
                        type="not-editable",
                    )
                await s.execute(
                    documents.insert().values(
                        document_id=document_id,
                        claim_id=claim_id,
                        doc_type=doc_type,
                        storage_key=storage_key,
                        sha256=sha256,
                        content_type=checked.content_type,
                        size_bytes=len(data),
                        status="processing",
                        reasons="[]",
                        masked_fields="{}",
                        uploaded_at=now,
                        supplement_pending=claim.status == "materials_requested",
                    )
                )
                # New material changes what was signed: the signature no longer holds.
                await s.execute(
                    claims.update()
                    .where(claims.c.claim_id == claim_id)
                    .values(signed_hash=None, signed_at=None)
                )
                await enqueue(
                    s,
                    ClaimDocumentUploaded(
                        claim_id=claim_id,
                        user_id=user_id,
                        document_id=document_id,
                        doc_type=doc_type,
                        storage_key=storage_key,
                        sha256=sha256,
                        content_type=checked.content_type,
                        size_bytes=len(data),
                        uploaded_at=now,
                    ),
                    source=settings.event_source,
                    time=now,
                )
        except BaseException:
            await intake.storage.delete(storage_key)
            raise
        return {"document_id": document_id, "doc_type": doc_type, "status": "processing"}

    @r.get("/api/v1/claims/{claim_id}/documents")
    async def list_documents(
        claim_id: str, caller: CallerDep, runtime: RuntimeDep
    ) -> dict[str, Any]:
        user_id = require_user(caller)
        async with runtime.sessionmaker() as s:
            await owned_claim(s, claim_id, user_id)
            rows = await claim_documents(s, claim_id)
        # A claim has a handful of documents: one page holds them all.
        return {"items": [document_out(row) for row in rows], "next_cursor": None}

    @r.get("/api/v1/claims/{claim_id}/checklist")
    async def checklist(claim_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
        user_id = require_user(caller)
        async with runtime.sessionmaker() as s:
            claim = await owned_claim(s, claim_id, user_id)
            rows = await claim_documents(s, claim_id)
            materials = await intake.materials(s, claim)
        return {"claim_id": claim_id, **build_checklist(materials, document_states(rows))}

    return r

"""HTTP routes of a claim's documents: uploads, their OCR verdicts, and the checklist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from intake_service import views
from intake_service.dependencies import IntakeDep
from intake_service.schemas import ChecklistOut, DocumentList, UploadAccepted
from intake_service.services import documents
from lipei.web import CallerDep, require_user

router = APIRouter(tags=["documents"])


@router.post("/api/v1/claims/{claim_id}/documents", status_code=202)
async def upload(
    claim_id: str,
    caller: CallerDep,
    intake: IntakeDep,
    file: Annotated[UploadFile, File()],
    doc_type: Annotated[str, Form(max_length=40)],
) -> UploadAccepted:
    uploaded = await documents.upload_document(
        intake=intake,
        user_id=require_user(caller),
        claim_id=claim_id,
        doc_type=doc_type,
        file_name=file.filename or "",
        read=file.read,
    )
    return views.upload(uploaded)


@router.get("/api/v1/claims/{claim_id}/documents")
async def list_documents(claim_id: str, caller: CallerDep, intake: IntakeDep) -> DocumentList:
    found = await documents.list_documents(
        intake=intake, user_id=require_user(caller), claim_id=claim_id
    )
    return views.documents(found)


@router.get("/api/v1/claims/{claim_id}/checklist")
async def checklist(claim_id: str, caller: CallerDep, intake: IntakeDep) -> ChecklistOut:
    built = await documents.claim_checklist(
        intake=intake, user_id=require_user(caller), claim_id=claim_id
    )
    return views.checklist(claim_id, built)

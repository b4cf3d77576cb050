"""HTTP routes insurers call through the gateway's signed partner API: packages and documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from intake_service import views
from intake_service.dependencies import IntakeDep
from intake_service.schemas import PackageOut
from intake_service.services import partner
from lipei.web import CallerDep, require_insurer

router = APIRouter(tags=["partner"])

DOCUMENT_BYTES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the document's bytes; X-Content-SHA256 is their sha256",
        "content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}},
    }
}


@router.get("/partner/v1/claims/{claim_id}/package")
async def package(claim_id: str, caller: CallerDep, intake: IntakeDep) -> PackageOut:
    built = await partner.package(
        intake=intake, insurer_code=require_insurer(caller), claim_id=claim_id
    )
    return views.package(built)


@router.get(
    "/partner/v1/claims/{claim_id}/documents/{document_id}",
    response_class=Response,
    responses=DOCUMENT_BYTES,
)
async def document(
    claim_id: str,
    document_id: str,
    caller: CallerDep,
    intake: IntakeDep,
    expires: Annotated[int, Query()],
    signature: Annotated[str, Query(max_length=128)],
) -> Response:
    """The link itself is the credential (the gateway passes it on unsigned): it names the
    claim's insurer, the document and its expiry under our HMAC."""
    found = await partner.document_file(
        intake=intake,
        claim_id=claim_id,
        document_id=document_id,
        expires=expires,
        signature=signature,
        caller_insurer=caller.insurer_code,
    )
    return Response(
        found.data,
        media_type=found.document.content_type,
        headers={
            "X-Content-SHA256": found.document.sha256,
            "Cache-Control": "private, no-store",
        },
    )

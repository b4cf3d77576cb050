"""What insurers fetch through the gateway's signed partner API: packages and document bytes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_service.context import Intake, claim_documents
from intake_service.links import link_valid
from intake_service.models import claims, documents
from intake_service.submission import claim_package
from lipei.app import RuntimeDep
from lipei.storage import StorageError
from lipei.web import CallerDep, Problem, require_insurer


async def _insurers_claim(session: AsyncSession, claim_id: str, insurer_code: str) -> Row[Any]:
    row = (
        await session.execute(
            select(claims).where(
                claims.c.claim_id == claim_id, claims.c.insurer_code == insurer_code
            )
        )
    ).first()
    # A draft was never sent: to the insurer it does not exist yet.
    if row is None or row.submitted_at is None:
        raise Problem(404, "no such claim", type="claim-not-found")
    return row


def router(intake: Intake) -> APIRouter:
    r = APIRouter(tags=["partner"])

    @r.get("/partner/v1/claims/{claim_id}/package")
    async def package(claim_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
        insurer_code = require_insurer(caller)
        async with runtime.sessionmaker() as s:
            claim = await _insurers_claim(s, claim_id, insurer_code)
            docs = await claim_documents(s, claim_id)
            built = await claim_package(s, intake, claim, docs, now=runtime.clock.now())
        return {"type": built.event_type, **built.model_dump(mode="json")}

    @r.get("/partner/v1/claims/{claim_id}/documents/{document_id}")
    async def document(
        claim_id: str,
        document_id: str,
        caller: CallerDep,
        runtime: RuntimeDep,
        expires: Annotated[int, Query()],
        signature: Annotated[str, Query(max_length=128)],
    ) -> Response:
        """The link itself is the credential (the gateway passes it on unsigned): it names the
        claim's insurer, the document and its expiry under our HMAC."""
        now = int(runtime.clock.now().timestamp())
        async with runtime.sessionmaker() as s:
            claim = (await s.execute(select(claims).where(claims.c.claim_id == claim_id))).first()
            doc = (
                await s.execute(
                    select(documents).where(
                        documents.c.document_id == document_id,
                        documents.c.claim_id == claim_id,
                    )
                )
            ).first()
        if claim is None or not link_valid(
            intake.settings.document_link_secret,
            claim.insurer_code,
            claim_id,
            document_id,
            expires,
            signature,
            now=now,
        ):
            raise Problem(
                403,
                "this download link is not valid or has expired; fetch the package again",
                type="link-invalid",
            )
        if caller.insurer_code is not None and caller.insurer_code != claim.insurer_code:
            raise Problem(404, "no such claim", type="claim-not-found")
        if doc is None:
            raise Problem(404, "no such document", type="document-not-found")
        try:
            data = await intake.storage.get(doc.storage_key)
        except StorageError as exc:
            raise Problem(404, "the document's file is gone", type="document-not-found") from exc
        return Response(
            data,
            media_type=doc.content_type,
            headers={"X-Content-SHA256": doc.sha256, "Cache-Control": "private, no-store"},
        )

    return r

"""HTTP routes of the policyholder's claim: draft, sign, submit (and supplement), withdraw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from intake_service import views
from intake_service.dependencies import IntakeDep
from intake_service.schemas import (
    ClaimList,
    ClaimOut,
    DraftIn,
    SignatureIn,
    SignatureOut,
    WithdrawIn,
)
from intake_service.services import claims
from lipei.etags import conditional_json
from lipei.hot_reads import HotRoute
from lipei.paging import PageDep
from lipei.web import Caller, CallerDep, require_user

router = APIRouter(tags=["claims"])


@router.post("/api/v1/claims", status_code=201)
async def create_claim(
    body: DraftIn,
    caller: CallerDep,
    intake: IntakeDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> ClaimOut:
    drafted = await claims.draft_claim(
        intake=intake,
        user_id=require_user(caller),
        draft=body,
        idempotency_key=idempotency_key,
    )
    return views.claim(drafted)


@router.get("/api/v1/claims")
async def list_claims(caller: CallerDep, intake: IntakeDep, page: PageDep) -> ClaimList:
    listing = await claims.list_claims(intake=intake, user_id=require_user(caller), page=page)
    return views.claims(listing)


@router.get(
    "/api/v1/claims/{claim_id}",
    response_model=ClaimOut,
    responses={304: {"description": "unchanged since the ETag named in If-None-Match"}},
)
async def get_claim(request: Request, claim_id: str, caller: CallerDep) -> Response:
    """The claim, with an ETag: polling with If-None-Match answers 304 while it is unchanged."""
    return await read_claim(request, caller, {"claim_id": claim_id})


async def read_claim(request: Request, caller: Caller, params: dict[str, str]) -> Response:
    """`get_claim`, also served ahead of FastAPI's routing (`HOT_READS`)."""
    found = await claims.get_claim(
        intake=request.app.state.intake, user_id=require_user(caller), claim_id=params["claim_id"]
    )
    return conditional_json(request, views.claim(found))


# The read the mini-program polls.
HOT_READS = (HotRoute("/api/v1/claims/{claim_id}", read_claim),)


@router.post("/api/v1/claims/{claim_id}/signature")
async def sign(
    claim_id: str, body: SignatureIn, caller: CallerDep, intake: IntakeDep
) -> SignatureOut:
    signed = await claims.sign_claim(
        intake=intake,
        user_id=require_user(caller),
        claim_id=claim_id,
        agreed=body.agreed,
        with_image=body.signature_image is not None,
    )
    return views.signature(signed)


@router.post("/api/v1/claims/{claim_id}/submit")
async def submit(claim_id: str, caller: CallerDep, intake: IntakeDep) -> ClaimOut:
    submitted = await claims.submit_claim(
        intake=intake, user_id=require_user(caller), claim_id=claim_id
    )
    return views.claim(submitted)


@router.post("/api/v1/claims/{claim_id}/withdraw")
async def withdraw(
    claim_id: str, caller: CallerDep, intake: IntakeDep, body: WithdrawIn | None = None
) -> ClaimOut:
    withdrawn = await claims.withdraw_claim(
        intake=intake,
        user_id=require_user(caller),
        claim_id=claim_id,
        reason=body.reason if body else None,
    )
    return views.claim(withdrawn)

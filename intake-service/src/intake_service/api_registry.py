"""HTTP routes of the claim guide, insurers and policies: what a claim is checked against."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam

from intake_service import views
from intake_service.dependencies import IntakeDep
from intake_service.schemas import (
    INSURER_CODE,
    ClaimTypeList,
    InsurerIn,
    InsurerOut,
    PartnerSecret,
    PolicyholderList,
    PolicyIn,
    PolicyList,
    PolicyOut,
)
from intake_service.services import registry
from lipei.paging import PageDep
from lipei.web import CallerDep, require_ops, require_user

router = APIRouter()


@router.get("/api/v1/claim-types", tags=["guide"])
async def claim_types(
    page: PageDep,
    caller: CallerDep,
    intake: IntakeDep,
    policy_id: Annotated[
        str | None,
        Query(max_length=64, description="the guide as this policy's product asks for it"),
    ] = None,
) -> ClaimTypeList:
    # Anyone may read the guide; a policy's own guide only its holder.
    user_id = require_user(caller) if policy_id is not None else None
    types = await registry.claim_types(intake=intake, user_id=user_id, policy_id=policy_id)
    return views.claim_types(types, page)


@router.put(
    "/ops/v1/insurers/{insurer_code}",
    tags=["ops"],
    responses={
        201: {
            "description": "registered: the answer carries the partner secret once",
            "model": InsurerOut,
        }
    },
    # `partner_secret` is left out of the answer unless one was just issued.
    response_model_exclude_unset=True,
)
async def put_insurer(
    insurer_code: Annotated[str, PathParam(pattern=INSURER_CODE)],
    body: InsurerIn,
    caller: CallerDep,
    intake: IntakeDep,
    response: Response,
) -> InsurerOut:
    require_ops(caller)
    registered = await registry.register_insurer(
        intake=intake, insurer_code=insurer_code, insurer=body
    )
    if registered.created:
        response.status_code = 201
    return views.insurer(registered)


@router.get("/internal/v1/insurers/{insurer_code}/partner-secret", tags=["internal"])
async def partner_secret(insurer_code: str, caller: CallerDep, intake: IntakeDep) -> PartnerSecret:
    secret = await registry.partner_secret(intake=intake, insurer_code=insurer_code)
    return PartnerSecret(insurer_code=insurer_code, partner_secret=secret)


@router.put("/ops/v1/policies/{policy_id}", tags=["ops"])
async def put_policy(
    policy_id: str, body: PolicyIn, caller: CallerDep, intake: IntakeDep
) -> PolicyOut:
    require_ops(caller)
    stored = await registry.put_policy(intake=intake, policy_id=policy_id, body=body)
    return views.policy(stored)


@router.get("/api/v1/policies", tags=["policies"])
async def my_policies(caller: CallerDep, intake: IntakeDep, page: PageDep) -> PolicyList:
    listing = await registry.users_policies(intake=intake, user_id=require_user(caller), page=page)
    return views.policies(listing)


@router.get("/internal/v1/policyholders", tags=["internal"])
async def policyholders(
    caller: CallerDep,
    intake: IntakeDep,
    region_code: Annotated[str, Query(pattern=r"^\d{6}$")],
    page: PageDep,
) -> PolicyholderList:
    listing = await registry.policyholders(intake=intake, region_code=region_code, page=page)
    return views.policyholders(listing)

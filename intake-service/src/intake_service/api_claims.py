"""The policyholder's claim: draft, sign, submit (and supplement), withdraw."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_service.at_rest import Payee, claim_values
from intake_service.cards import luhn_valid
from intake_service.checklist import build_checklist
from intake_service.china_time import china_today
from intake_service.context import (
    Intake,
    Page,
    claim_documents,
    claim_out,
    current_content_hash,
    document_states,
    owned_claim,
    page_params,
)
from intake_service.lifecycle import EDITABLE, can_withdraw
from intake_service.models import claims, documents, policies
from intake_service.paging import next_cursor
from intake_service.signature import signature_valid
from intake_service.submission import claim_package, ready_insurer
from lipei.app import RuntimeDep
from lipei.events import (
    ClaimDrafted,
    ClaimMaterialsSupplemented,
    ClaimSigned,
    ClaimSubmitted,
    ClaimWithdrawn,
    insurer_topic,
)
from lipei.messaging import enqueue
from lipei.web import CallerDep, Problem, require_user


class PayeeIn(BaseModel):
    account_name: str = Field(min_length=1, max_length=100)
    bank_card_number: str = Field(min_length=12, max_length=23)

    @field_validator("bank_card_number")
    @classmethod
    def _luhn(cls, value: str) -> str:
        digits = value.replace(" ", "")
        if not luhn_valid(digits):
            raise ValueError("this is not a valid bank card number (check digit mismatch)")
        return digits


class DraftIn(BaseModel):
    policy_id: str = Field(min_length=1, max_length=64)
    claim_type: str = Field(min_length=1, max_length=32)
    incident_date: date
    description: str = Field(default="", max_length=2000)
    claimed_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    payee: PayeeIn | None = None


class SignatureIn(BaseModel):
    agreed: bool
    signature_image: str | None = Field(default=None, max_length=500_000)


class WithdrawIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


def _refuse(field: str, detail: str, type: str) -> Problem:
    return Problem(422, detail, type=type, errors=[{"field": field, "message": detail}])


def _raise_if_raced(result: Any) -> None:
    """A parallel request moved the claim first (e.g. a double-tapped submit): only one wins."""
    if getattr(result, "rowcount", 1) != 1:
        raise Problem(409, "the claim changed meanwhile; reload it", type="claim-changed")


def router(intake: Intake) -> APIRouter:
    r = APIRouter(tags=["claims"])
    source = intake.settings.event_source

    async def _check_policy(s: AsyncSession, body: DraftIn, user_id: str, today: date) -> Any:
        policy = (
            await s.execute(select(policies).where(policies.c.policy_id == body.policy_id))
        ).first()
        if policy is None or policy.holder_user_id != user_id:
            raise _refuse("policy_id", "no such policy among yours", "unknown-policy")
        if intake.guide.get(body.claim_type) is None:
            raise _refuse(
                "claim_type", f"unknown claim type {body.claim_type!r}", "unknown-claim-type"
            )
        if body.claim_type not in json.loads(policy.coverage):
            raise _refuse(
                "claim_type",
                f"policy {policy.policy_id} does not cover {body.claim_type} claims",
                "claim-type-not-covered",
            )
        if not policy.valid_from <= body.incident_date <= policy.valid_to:
            raise _refuse(
                "incident_date",
                f"the incident date is outside the policy period "
                f"{policy.valid_from.isoformat()} to {policy.valid_to.isoformat()}",
                "incident-date-not-covered",
            )
        if body.incident_date > today:
            raise _refuse(
                "incident_date", "the incident date is in the future", "incident-in-future"
            )
        return policy

    async def _by_idempotency_key(s: AsyncSession, user_id: str, key: str) -> Row[Any] | None:
        return (
            await s.execute(
                select(claims).where(claims.c.user_id == user_id, claims.c.idempotency_key == key)
            )
        ).first()

    def _replay(existing: Row[Any], request_hash: str) -> dict[str, Any]:
        if existing.request_hash != request_hash:
            raise Problem(
                422,
                "this Idempotency-Key was already used for a different request",
                type="idempotency-key-reused",
                errors=[{"field": "Idempotency-Key", "message": "used with another body"}],
            )
        return claim_out(intake, existing)

    @r.post("/api/v1/claims", status_code=201)
    async def create_claim(
        body: DraftIn,
        caller: CallerDep,
        runtime: RuntimeDep,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> dict[str, Any]:
        user_id = require_user(caller)
        now = runtime.clock.now()
        request_hash = hashlib.sha256(
            json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
        if idempotency_key:
            async with runtime.sessionmaker() as s:
                existing = await _by_idempotency_key(s, user_id, idempotency_key)
            if existing is not None:
                return _replay(existing, request_hash)
        claim_id = str(uuid.uuid4())
        try:
            async with runtime.unit_of_work() as s:
                policy = await _check_policy(s, body, user_id, china_today(now))
                await s.execute(
                    claims.insert().values(
                        claim_id=claim_id,
                        user_id=user_id,
                        policy_id=body.policy_id,
                        insurer_code=policy.insurer_code,
                        claim_type=body.claim_type,
                        incident_date=body.incident_date,
                        claimed_amount=body.claimed_amount,
                        **claim_values(
                            intake.keys,
                            claim_id,
                            description=body.description,
                            payee=Payee(body.payee.account_name, body.payee.bank_card_number)
                            if body.payee
                            else None,
                        ),
                        status="draft",
                        idempotency_key=idempotency_key or None,
                        request_hash=request_hash,
                        has_signature_image=False,
                        created_at=now,
                    )
                )
                await enqueue(
                    s,
                    ClaimDrafted(
                        claim_id=claim_id,
                        user_id=user_id,
                        policy_id=body.policy_id,
                        insurer_code=policy.insurer_code,
                        claim_type=body.claim_type,
                        incident_date=body.incident_date,
                        claimed_amount=body.claimed_amount,
                        drafted_at=now,
                    ),
                    source=source,
                    time=now,
                )
                row = (await s.execute(select(claims).where(claims.c.claim_id == claim_id))).one()
        except IntegrityError:
            # The same key raced in from a parallel request: answer as that request did.
            async with runtime.sessionmaker() as s:
                existing = await _by_idempotency_key(s, user_id, idempotency_key or "")
            if existing is None:
                raise
            return _replay(existing, request_hash)
        return claim_out(intake, row)

    @r.get("/api/v1/claims")
    async def list_claims(
        caller: CallerDep, runtime: RuntimeDep, page: Annotated[Page, Depends(page_params)]
    ) -> dict[str, Any]:
        user_id = require_user(caller)
        async with runtime.sessionmaker() as s:
            rows = (
                await s.execute(
                    select(claims)
                    .where(claims.c.user_id == user_id)
                    .order_by(claims.c.created_at.desc(), claims.c.claim_id)
                    .offset(page.offset)
                    .limit(page.limit + 1)
                )
            ).all()
        return {
            "items": [claim_out(intake, row) for row in rows[: page.limit]],
            "next_cursor": next_cursor(page.offset, page.limit, len(rows)),
        }

    @r.get("/api/v1/claims/{claim_id}")
    async def get_claim(claim_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
        user_id = require_user(caller)
        async with runtime.sessionmaker() as s:
            row = await owned_claim(s, claim_id, user_id)
        return claim_out(intake, row)

    @r.post("/api/v1/claims/{claim_id}/signature")
    async def sign(
        claim_id: str, body: SignatureIn, caller: CallerDep, runtime: RuntimeDep
    ) -> dict[str, Any]:
        user_id = require_user(caller)
        if not body.agreed:
            raise _refuse("agreed", "the declaration must be agreed to sign", "not-agreed")
        now = runtime.clock.now()
        async with runtime.unit_of_work() as s:
            claim = await owned_claim(s, claim_id, user_id)
            if claim.status not in EDITABLE:
                raise Problem(409, f"a {claim.status} claim cannot be signed", type="not-editable")
            docs = await claim_documents(s, claim_id)
            checklist = build_checklist(await intake.materials(s, claim), document_states(docs))
            if not checklist["complete"]:
                raise Problem(
                    409,
                    "the claim is not complete yet; sign once every material is accepted",
                    type="claim-incomplete",
                    still_needed=checklist["still_needed"],
                )
            if any(d.status == "processing" for d in docs):
                raise Problem(
                    409,
                    "some documents are still being checked; sign once they are done",
                    type="documents-processing",
                )
            digest = current_content_hash(intake, claim, docs)
            await s.execute(
                claims.update()
                .where(claims.c.claim_id == claim_id)
                .values(
                    signed_hash=digest,
                    signed_at=now,
                    has_signature_image=body.signature_image is not None,
                )
            )
            await enqueue(
                s,
                ClaimSigned(claim_id=claim_id, user_id=user_id, content_hash=digest, signed_at=now),
                source=source,
                time=now,
            )
        return {"claim_id": claim_id, "content_hash": digest, "signed_at": now.isoformat()}

    @r.post("/api/v1/claims/{claim_id}/submit")
    async def submit(claim_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
        user_id = require_user(caller)
        now = runtime.clock.now()
        async with runtime.unit_of_work() as s:
            claim = await owned_claim(s, claim_id, user_id)
            if claim.status not in EDITABLE:
                raise Problem(
                    409, f"a {claim.status} claim cannot be submitted", type="not-submittable"
                )
            docs = await claim_documents(s, claim_id)
            checklist = build_checklist(await intake.materials(s, claim), document_states(docs))
            if not checklist["complete"]:
                titles = "、".join(item["title"] for item in checklist["still_needed"])
                raise Problem(
                    409,
                    f"the claim is not complete; still needed: {titles}",
                    type="claim-incomplete",
                    still_needed=checklist["still_needed"],
                )
            if claim.signed_hash is None:
                raise Problem(409, "sign the claim before submitting it", type="signature-required")
            if not signature_valid(claim.signed_hash, current_content_hash(intake, claim, docs)):
                raise Problem(
                    409,
                    "the claim changed after it was signed; please sign it again",
                    type="signature-void",
                )
            pending = [d for d in docs if d.supplement_pending]
            supplementing = claim.status == "materials_requested"
            if supplementing and not pending:
                raise Problem(
                    409,
                    "upload the requested materials before submitting again",
                    type="no-supplement",
                )
            await ready_insurer(s, claim.insurer_code)
            submitted_at = claim.submitted_at or now
            new_status = "under_review" if supplementing else "submitted"
            moved = await s.execute(
                claims.update()
                .where(claims.c.claim_id == claim_id, claims.c.status == claim.status)
                .values(status=new_status, submitted_at=submitted_at)
            )
            _raise_if_raced(moved)
            if supplementing:
                await s.execute(
                    documents.update()
                    .where(documents.c.claim_id == claim_id)
                    .values(supplement_pending=False)
                )
                await enqueue(
                    s,
                    ClaimMaterialsSupplemented(
                        claim_id=claim_id,
                        user_id=user_id,
                        document_ids=[d.document_id for d in pending],
                        doc_types=sorted({d.doc_type for d in pending}),
                        supplemented_at=now,
                    ),
                    source=source,
                    time=now,
                )
            else:
                await enqueue(
                    s,
                    ClaimSubmitted(
                        claim_id=claim_id,
                        user_id=user_id,
                        insurer_code=claim.insurer_code,
                        claim_type=claim.claim_type,
                        claimed_amount=claim.claimed_amount,
                        submitted_at=now,
                    ),
                    source=source,
                    time=now,
                )
            claim = await owned_claim(s, claim_id, user_id)
            package = await claim_package(s, intake, claim, docs, now=now)
            await enqueue(
                s, package, source=source, topic=insurer_topic(claim.insurer_code), time=now
            )
        return claim_out(intake, claim)

    @r.post("/api/v1/claims/{claim_id}/withdraw")
    async def withdraw(
        claim_id: str, caller: CallerDep, runtime: RuntimeDep, body: WithdrawIn | None = None
    ) -> dict[str, Any]:
        user_id = require_user(caller)
        now = runtime.clock.now()
        async with runtime.unit_of_work() as s:
            claim = await owned_claim(s, claim_id, user_id)
            if not can_withdraw(claim.status):
                raise Problem(
                    409,
                    f"a {claim.status} claim can no longer be withdrawn",
                    type="not-withdrawable",
                )
            moved = await s.execute(
                claims.update()
                .where(claims.c.claim_id == claim_id, claims.c.status == claim.status)
                .values(status="withdrawn")
            )
            _raise_if_raced(moved)
            await enqueue(
                s,
                ClaimWithdrawn(
                    claim_id=claim_id,
                    user_id=user_id,
                    reason=body.reason if body else None,
                    withdrawn_at=now,
                ),
                source=source,
                time=now,
            )
            claim = await owned_claim(s, claim_id, user_id)
        return claim_out(intake, claim)

    return r

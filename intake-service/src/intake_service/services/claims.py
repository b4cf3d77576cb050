"""The policyholder's claim: draft, read, sign, submit (and supplement), withdraw."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from datetime import datetime

from intake_service import store
from intake_service.at_rest import claim_values, open_claim
from intake_service.container import Intake
from intake_service.domain import rules
from intake_service.domain.errors import ClaimChanged, IdempotencyKeyReused, NotAgreed
from intake_service.domain.records import Claim, Document, Listing, OpenClaim, Payee, Signature
from intake_service.domain.signature import claim_hash
from intake_service.schemas import DraftIn
from intake_service.services.lookups import owned_claim
from intake_service.services.outgoing import outgoing
from lipei.clock import china_today
from lipei.events import (
    AssessmentFacts,
    ClaimDrafted,
    ClaimMaterialsSupplemented,
    ClaimSigned,
    ClaimSubmitted,
    ClaimWithdrawn,
)
from lipei.paging import Page


def _request_hash(draft: DraftIn) -> str:
    return hashlib.sha256(
        json.dumps(draft.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()


async def _by_key(intake: Intake, user_id: str, key: str) -> Claim | None:
    async with intake.runtime.sessionmaker() as s:
        return await store.claim_by_idempotency_key(s, user_id=user_id, key=key)


def _replay(intake: Intake, existing: Claim, request_hash: str) -> OpenClaim:
    """The claim a retried request made, if it is the same request."""
    if existing.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return open_claim(intake.keys, existing)


async def draft_claim(
    *, intake: Intake, user_id: str, draft: DraftIn, idempotency_key: str | None
) -> OpenClaim:
    """A new draft; a retry with the same Idempotency-Key answers with the claim it made."""
    request_hash = _request_hash(draft)
    if idempotency_key:
        existing = await _by_key(intake, user_id, idempotency_key)
        if existing is not None:
            return _replay(intake, existing, request_hash)
    try:
        return await _insert_draft(
            intake, user_id, draft, idempotency_key=idempotency_key, request_hash=request_hash
        )
    except store.IdempotencyKeyTaken:
        # The same key raced in from a parallel request: answer as that request did.
        existing = await _by_key(intake, user_id, idempotency_key or "")
        if existing is None:
            raise
        return _replay(intake, existing, request_hash)


async def _insert_draft(
    intake: Intake,
    user_id: str,
    draft: DraftIn,
    *,
    idempotency_key: str | None,
    request_hash: str,
) -> OpenClaim:
    now = intake.runtime.clock.now()
    claim_id = str(uuid.uuid4())
    payee = Payee(draft.payee.account_name, draft.payee.bank_card_number) if draft.payee else None
    async with intake.runtime.unit_of_work() as s:
        policy = rules.check_draft(
            await store.get_policy(s, draft.policy_id),
            user_id=user_id,
            claim_type=draft.claim_type,
            incident_date=draft.incident_date,
            guide=intake.guide,
            today=china_today(now),
        )
        claim = Claim(
            claim_id=claim_id,
            user_id=user_id,
            policy_id=draft.policy_id,
            insurer_code=policy.insurer_code,
            claim_type=draft.claim_type,
            incident_date=draft.incident_date,
            claimed_amount=draft.claimed_amount,
            **claim_values(intake.keys, claim_id, description=draft.description, payee=payee),
            status="draft",
            idempotency_key=idempotency_key or None,
            request_hash=request_hash,
            signed_hash=None,
            signed_at=None,
            has_signature_image=False,
            submitted_at=None,
            created_at=now,
        )
        await store.insert_claim(s, claim)
        await intake.runtime.outbox.add(
            s,
            ClaimDrafted(
                claim_id=claim_id,
                user_id=user_id,
                policy_id=draft.policy_id,
                insurer_code=policy.insurer_code,
                claim_type=draft.claim_type,
                incident_date=draft.incident_date,
                claimed_amount=draft.claimed_amount,
                drafted_at=now,
            ),
            time=now,
        )
    return OpenClaim(claim, draft.description, payee)


async def list_claims(*, intake: Intake, user_id: str, page: Page) -> Listing[OpenClaim]:
    """The user's claims, newest first."""
    async with intake.runtime.sessionmaker() as s:
        found = await store.users_claims(
            s, user_id=user_id, offset=page.start, limit=page.limit + 1
        )
    return Listing(
        [open_claim(intake.keys, c) for c in found[: page.limit]], page.next_cursor(len(found))
    )


async def get_claim(*, intake: Intake, user_id: str, claim_id: str) -> OpenClaim:
    async with intake.runtime.reader() as s:
        claim = await owned_claim(s, claim_id=claim_id, user_id=user_id)
    return open_claim(intake.keys, claim)


async def sign_claim(
    *, intake: Intake, user_id: str, claim_id: str, agreed: bool, with_image: bool
) -> Signature:
    """Signs the claim as it stands: complete, every document checked."""
    if not agreed:
        raise NotAgreed()
    now = intake.runtime.clock.now()
    async with intake.runtime.unit_of_work() as s:
        claim = await owned_claim(s, claim_id=claim_id, user_id=user_id)
        rules.check_signable_status(claim)
        docs = await store.claim_documents(s, claim_id)
        policy = await store.get_policy(s, claim.policy_id)
        rules.check_signable(rules.checklist(intake.guide, claim, policy, docs), docs)
        digest = claim_hash(open_claim(intake.keys, claim), docs)
        await store.mark_signed(
            s, claim_id=claim_id, signed_hash=digest, signed_at=now, has_signature_image=with_image
        )
        await intake.runtime.outbox.add(
            s,
            ClaimSigned(claim_id=claim_id, user_id=user_id, content_hash=digest, signed_at=now),
            time=now,
        )
    return Signature(claim_id, digest, now)


def _submission_event(
    filed: Claim,
    supplements: list[Document] | None,
    now: datetime,
    facts: AssessmentFacts,
) -> ClaimSubmitted | ClaimMaterialsSupplemented:
    if supplements is None:
        return ClaimSubmitted(
            claim_id=filed.claim_id,
            user_id=filed.user_id,
            insurer_code=filed.insurer_code,
            claim_type=filed.claim_type,
            claimed_amount=filed.claimed_amount,
            submitted_at=now,
            policy_id=filed.policy_id,
            assessment=facts,
        )
    return ClaimMaterialsSupplemented(
        claim_id=filed.claim_id,
        user_id=filed.user_id,
        document_ids=[d.document_id for d in supplements],
        doc_types=sorted({d.doc_type for d in supplements}),
        supplemented_at=now,
    )


async def submit_claim(*, intake: Intake, user_id: str, claim_id: str) -> OpenClaim:
    """Sends the signed claim to its insurer; after a request for materials, sends them."""
    now = intake.runtime.clock.now()
    async with intake.runtime.unit_of_work() as s:
        claim = await owned_claim(s, claim_id=claim_id, user_id=user_id)
        rules.check_submittable_status(claim)
        docs = await store.claim_documents(s, claim_id)
        policy = await store.get_policy(s, claim.policy_id)
        rules.check_complete(rules.checklist(intake.guide, claim, policy, docs))
        rules.check_signed(claim)
        opened = open_claim(intake.keys, claim)
        rules.check_signature_holds(claim, claim_hash(opened, docs))
        supplements = rules.supplements(claim, docs)
        filed = dataclasses.replace(
            claim,
            status="submitted" if supplements is None else "under_review",
            submitted_at=claim.submitted_at or now,
        )
        # Built before the claim moves: an insurer without a key refuses the submission.
        sent = await outgoing(intake, s, filed, docs, now)
        if not await store.move_claim(
            s, claim, status=filed.status, submitted_at=filed.submitted_at
        ):
            raise ClaimChanged()
        if supplements is not None:
            await store.clear_supplements(s, claim_id)
        event = _submission_event(filed, supplements, now, sent.facts)
        await intake.runtime.outbox.add(s, event, time=now)
        await intake.runtime.outbox.add(s, sent.package, topic=sent.topic, time=now)
    return dataclasses.replace(opened, claim=filed)


async def withdraw_claim(
    *, intake: Intake, user_id: str, claim_id: str, reason: str | None
) -> OpenClaim:
    now = intake.runtime.clock.now()
    async with intake.runtime.unit_of_work() as s:
        claim = await owned_claim(s, claim_id=claim_id, user_id=user_id)
        rules.check_withdrawable(claim)
        if not await store.move_claim(s, claim, status="withdrawn"):
            raise ClaimChanged()
        await intake.runtime.outbox.add(
            s,
            ClaimWithdrawn(claim_id=claim_id, user_id=user_id, reason=reason, withdrawn_at=now),
            time=now,
        )
    return open_claim(intake.keys, dataclasses.replace(claim, status="withdrawn"))

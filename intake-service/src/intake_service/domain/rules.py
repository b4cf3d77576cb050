"""What a claim must satisfy at each filing step, checked on records already loaded.

Each check raises the domain error that says what is wrong (errors.py); the services call them in
the order the policyholder should hear about problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from intake_service.domain.checklist import DocumentState, build_checklist
from intake_service.domain.errors import (
    ClaimIncomplete,
    ClaimNotEditable,
    ClaimTypeNotCovered,
    DocumentsProcessing,
    IncidentDateNotCovered,
    IncidentInFuture,
    InsurerNotReady,
    NoSupplement,
    NotSubmittable,
    NotWithdrawable,
    SignatureRequired,
    SignatureVoid,
    UnknownClaimType,
    UnknownPolicy,
)
from intake_service.domain.guide import ClaimType, Guide
from intake_service.domain.lifecycle import EDITABLE, can_upload, can_withdraw
from intake_service.domain.records import Claim, Document, Insurer, Policy
from intake_service.domain.signature import signature_valid

Checklist = dict[str, Any]


def check_draft(
    policy: Policy | None,
    *,
    user_id: str,
    claim_type: str,
    incident_date: date,
    guide: Guide,
    today: date,
) -> Policy:
    """The policy a new claim is filed under: the user's own, covering this type and date."""
    if policy is None or policy.holder_user_id != user_id:
        raise UnknownPolicy()
    if guide.get(claim_type) is None:
        raise UnknownClaimType(claim_type, field="claim_type")
    if claim_type not in policy.coverage:
        raise ClaimTypeNotCovered(f"policy {policy.policy_id} does not cover {claim_type} claims")
    if not policy.valid_from <= incident_date <= policy.valid_to:
        raise IncidentDateNotCovered(
            f"the incident date is outside the policy period "
            f"{policy.valid_from.isoformat()} to {policy.valid_to.isoformat()}"
        )
    if incident_date > today:
        raise IncidentInFuture()
    return policy


def materials(guide: Guide, claim: Claim, policy: Policy | None) -> ClaimType:
    """The claim type's materials as the claim's policy product asks for them."""
    found = guide.get(
        claim.claim_type,
        insurer_code=policy.insurer_code if policy else "",
        product_name=policy.product_name if policy else "",
    )
    if found is None:
        raise UnknownClaimType(claim.claim_type)
    return found


def document_states(documents: Sequence[Document]) -> list[DocumentState]:
    return [
        DocumentState(
            document_id=d.document_id,
            doc_type=d.doc_type,
            status=d.status,
            uploaded_at=d.uploaded_at,
            reasons=d.reasons,
        )
        for d in documents
    ]


def checklist(
    guide: Guide, claim: Claim, policy: Policy | None, documents: Sequence[Document]
) -> Checklist:
    return build_checklist(materials(guide, claim, policy), document_states(documents))


def check_uploadable(claim: Claim) -> None:
    if not can_upload(claim.status):
        raise ClaimNotEditable(f"documents cannot be added to a {claim.status} claim")


def check_signable_status(claim: Claim) -> None:
    if claim.status not in EDITABLE:
        raise ClaimNotEditable(f"a {claim.status} claim cannot be signed")


def check_signable(checklist: Checklist, documents: Sequence[Document]) -> None:
    if not checklist["complete"]:
        raise ClaimIncomplete(
            "the claim is not complete yet; sign once every material is accepted",
            still_needed=checklist["still_needed"],
        )
    if any(d.status == "processing" for d in documents):
        raise DocumentsProcessing()


def check_submittable_status(claim: Claim) -> None:
    if claim.status not in EDITABLE:
        raise NotSubmittable(f"a {claim.status} claim cannot be submitted")


def check_complete(checklist: Checklist) -> None:
    if not checklist["complete"]:
        titles = "、".join(item["title"] for item in checklist["still_needed"])
        raise ClaimIncomplete(
            f"the claim is not complete; still needed: {titles}",
            still_needed=checklist["still_needed"],
        )


def check_signed(claim: Claim) -> None:
    if claim.signed_hash is None:
        raise SignatureRequired()


def check_signature_holds(claim: Claim, current_hash: str) -> None:
    if not signature_valid(claim.signed_hash, current_hash):
        raise SignatureVoid()


def supplements(claim: Claim, documents: Sequence[Document]) -> list[Document] | None:
    """The documents a resubmission supplements, or None for a first submission."""
    if claim.status != "materials_requested":
        return None
    pending = [d for d in documents if d.supplement_pending]
    if not pending:
        raise NoSupplement()
    return pending


def insurer_key(insurer: Insurer | None, insurer_code: str) -> str:
    """The public key of the claim's insurer, if it can receive packages (registered with one)."""
    if insurer is None or not insurer.public_key:
        raise InsurerNotReady(insurer_code)
    return insurer.public_key


def check_withdrawable(claim: Claim) -> None:
    if not can_withdraw(claim.status):
        raise NotWithdrawable(f"a {claim.status} claim can no longer be withdrawn")

"""Records as the API shows them (schemas.py): card and ID numbers masked, amounts and times as
text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from intake_service import schemas
from intake_service.domain.amounts import money, ratio
from intake_service.domain.cards import mask_name, mask_number
from intake_service.domain.guide import ClaimType
from intake_service.domain.records import (
    Document,
    InsurerRegistration,
    Keying,
    Listing,
    OpenClaim,
    OpenPolicy,
    Policyholder,
    Signature,
)
from lipei.events import ClaimPackage
from lipei.paging import Page
from lipei.timestamps import iso, utc


def claim(opened: OpenClaim) -> schemas.ClaimOut:
    stored, payee = opened.claim, opened.payee
    return schemas.ClaimOut(
        claim_id=stored.claim_id,
        policy_id=stored.policy_id,
        insurer_code=stored.insurer_code,
        claim_type=stored.claim_type,
        incident_date=stored.incident_date,
        description=opened.description,
        claimed_amount=money(stored.claimed_amount),
        payee=schemas.PayeeOut(
            account_name=payee.account_name,
            bank_card_masked=mask_number(payee.bank_card_number),
        )
        if payee
        else None,
        status=stored.status,
        signed=stored.signed_hash is not None,
        signed_at=iso(stored.signed_at),
        submitted_at=iso(stored.submitted_at),
        created_at=utc(stored.created_at).isoformat(),
    )


def claims(listing: Listing[OpenClaim]) -> schemas.ClaimList:
    return schemas.ClaimList(
        items=[claim(c) for c in listing.items], next_cursor=listing.next_cursor
    )


def signature(signed: Signature) -> schemas.SignatureOut:
    return schemas.SignatureOut(
        claim_id=signed.claim_id,
        content_hash=signed.content_hash,
        signed_at=utc(signed.signed_at).isoformat(),
    )


def document(doc: Document) -> schemas.DocumentOut:
    return schemas.DocumentOut(
        document_id=doc.document_id,
        doc_type=doc.doc_type,
        status=doc.status,
        reasons=[schemas.ReasonOut(**r) for r in doc.reasons],
        fields=doc.masked_fields,
        fields_to_review=list(doc.fields_to_review),
        keyed_fields=list(doc.keyed_fields),
        content_type=doc.content_type,
        size_bytes=doc.size_bytes,
        sha256=doc.sha256,
        uploaded_at=utc(doc.uploaded_at).isoformat(),
    )


def documents(docs: Sequence[Document]) -> schemas.DocumentList:
    # A claim has a handful of documents: one page holds them all.
    return schemas.DocumentList(items=[document(d) for d in docs], next_cursor=None)


def keyings(found: Sequence[Keying]) -> schemas.KeyingList:
    return schemas.KeyingList(
        items=[
            schemas.KeyingOut(
                keying_id=k.keying_id,
                document_id=k.document_id,
                fields=list(k.field_names),
                keyed_by=k.keyed_by,
                keyed_role=k.keyed_role,
                keyed_at=utc(k.keyed_at).isoformat(),
            )
            for k in found
        ],
        next_cursor=None,
    )


def upload(doc: Document) -> schemas.UploadAccepted:
    return schemas.UploadAccepted(
        document_id=doc.document_id, doc_type=doc.doc_type, status=doc.status
    )


def checklist(claim_id: str, built: dict[str, Any]) -> schemas.ChecklistOut:
    return schemas.ChecklistOut.model_validate({"claim_id": claim_id, **built})


def claim_types(types: Sequence[ClaimType], page: Page) -> schemas.ClaimTypeList:
    window = types[page.start : page.start + page.limit + 1]
    return schemas.ClaimTypeList(
        items=[schemas.ClaimTypeOut.model_validate(t.as_dict()) for t in window[: page.limit]],
        next_cursor=page.next_cursor(len(window)),
    )


def insurer(registered: InsurerRegistration) -> schemas.InsurerOut:
    out = schemas.InsurerOut(
        insurer_code=registered.insurer_code,
        name=registered.name,
        public_key=registered.public_key,
        ready_for_packages=registered.public_key is not None,
    )
    if registered.partner_secret is not None:
        # Only set when issued: the answer leaves the field out otherwise.
        out.partner_secret = registered.partner_secret
    if registered.instant_claims is not None:
        delegated = registered.instant_claims
        out.instant_claims = schemas.InstantClaimsOut(
            claim_types=list(delegated.claim_types), max_amount=money(delegated.max_amount)
        )
    return out


def policy(opened: OpenPolicy) -> schemas.PolicyOut:
    stored = opened.policy
    return schemas.PolicyOut(
        policy_id=stored.policy_id,
        holder_user_id=stored.holder_user_id,
        insurer_code=stored.insurer_code,
        product_name=stored.product_name,
        insured_name=opened.insured_name,
        insured_name_masked=mask_name(opened.insured_name),
        insured_id_number_masked=mask_number(opened.insured_id_number, 3, 4),
        coverage=list(stored.coverage),
        region_code=stored.region_code,
        valid_from=stored.valid_from,
        valid_to=stored.valid_to,
        sum_insured=money(stored.sum_insured),
        deductible=money(stored.deductible),
        reimbursement_ratio=ratio(stored.reimbursement_ratio),
    )


def policies(listing: Listing[OpenPolicy]) -> schemas.PolicyList:
    return schemas.PolicyList(
        items=[policy(p) for p in listing.items], next_cursor=listing.next_cursor
    )


def policyholders(listing: Listing[Policyholder]) -> schemas.PolicyholderList:
    return schemas.PolicyholderList(
        next_cursor=listing.next_cursor,
        items=[
            schemas.PolicyholderOut(
                user_id=h.user_id,
                policy_id=h.policy_id,
                insured_name=h.insured_name,
                region_code=h.region_code,
            )
            for h in listing.items
        ],
    )


def package(built: ClaimPackage) -> schemas.PackageOut:
    return schemas.PackageOut.model_validate(
        {"type": built.event_type, **built.model_dump(mode="json")}
    )

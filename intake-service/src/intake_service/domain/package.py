"""The claim package for an insurer: everything it needs to decide, with every sensitive value
(names, ID and card numbers, diagnoses, addresses, free text) sealed to the insurer's key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intake_service.domain.cards import mask_number
from lipei.events import ClaimPackage
from lipei.sealing import seal_json

LinkMaker = Callable[[str], tuple[str, int]]  # document id → (download path, expires unix)


@dataclass(frozen=True)
class PackageDocument:
    document_id: str
    doc_type: str
    sha256: str
    content_type: str
    size_bytes: int
    masked_fields: dict[str, str]
    fields: dict[str, Any]  # the full fields: sealed, never plain
    # per field, `ocr` (read) or `keyed` (by a person); and what is still left to key
    field_sources: dict[str, str] = field(default_factory=dict)
    fields_to_review: list[str] = field(default_factory=list)


def build_package(
    *,
    claim: dict[str, Any],
    policy: dict[str, Any],
    payee: dict[str, str] | None,
    documents: list[PackageDocument],
    insurer_public_key: str,
    make_link: LinkMaker,
    submitted_at: datetime,
) -> ClaimPackage:
    def sealed(value: Any) -> str:
        return seal_json(insurer_public_key, value)

    form = {
        "claim_type": claim["claim_type"],
        "incident_date": claim["incident_date"],
        "claimed_amount": claim["claimed_amount"],
        "sealed": sealed({"description": claim["description"]}),
    }
    policy_out = {
        "policy_id": policy["policy_id"],
        "product_name": policy["product_name"],
        "region_code": policy["region_code"],
        "coverage": policy["coverage"],
        "valid_from": policy["valid_from"],
        "valid_to": policy["valid_to"],
        "sum_insured": policy["sum_insured"],
        "deductible": policy["deductible"],
        "reimbursement_ratio": policy["reimbursement_ratio"],
        "sealed": sealed(
            {
                "insured_name": policy["insured_name"],
                "insured_id_number": policy["insured_id_number"],
            }
        ),
    }
    payee_out = None
    if payee is not None:
        payee_out = {
            "bank_card_masked": mask_number(payee["bank_card_number"]),
            "sealed": sealed(payee),
        }
    docs_out = []
    for doc in documents:
        path, expires = make_link(doc.document_id)
        docs_out.append(
            {
                "document_id": doc.document_id,
                "doc_type": doc.doc_type,
                "sha256": doc.sha256,
                "content_type": doc.content_type,
                "size_bytes": doc.size_bytes,
                "masked_fields": doc.masked_fields,
                "sealed_fields": sealed(doc.fields),
                "field_sources": doc.field_sources,
                "fields_to_review": doc.fields_to_review,
                "download_url": path,
                "download_expires_at": expires,
            }
        )
    return ClaimPackage(
        claim_id=claim["claim_id"],
        insurer_code=claim["insurer_code"],
        claim_type=claim["claim_type"],
        submitted_at=submitted_at,
        form=form,
        policy=policy_out,
        payee=payee_out,
        documents=docs_out,
    )

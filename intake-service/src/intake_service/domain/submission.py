"""Assembling a claim's package for its insurer from the records intake holds."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake_service.domain.amounts import money, ratio
from intake_service.domain.field_keys import FieldKeys
from intake_service.domain.links import document_path
from intake_service.domain.package import PackageDocument, build_package
from intake_service.domain.records import Document, OpenClaim, OpenPolicy
from lipei.events import ClaimPackage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DownloadLinks:
    """How the package's document links are signed, and how long they live."""

    secret: str
    ttl_seconds: int


def _opened(field_keys: FieldKeys, doc: Document, sealed: str | None) -> dict[str, Any]:
    if not sealed:
        return {}
    try:
        fields = field_keys.open(sealed)
    except Exception:
        # Sealed to a key no longer in the ring: the insurer still gets the document itself
        # through its link.
        log.warning("cannot open the sealed fields of document %s", doc.document_id)
        return {}
    return fields if isinstance(fields, dict) else {}


def read_fields(field_keys: FieldKeys, doc: Document) -> dict[str, Any]:
    """The fields as OCR read them."""
    return _opened(field_keys, doc, doc.sealed_fields)


def keyed_values(field_keys: FieldKeys, doc: Document) -> dict[str, Any]:
    """The fields as a person keyed them."""
    return _opened(field_keys, doc, doc.keyed_sealed)


def document_fields(field_keys: FieldKeys, doc: Document) -> dict[str, Any]:
    """The document's fields as the claim uses them: what OCR read, and over it what a person
    keyed (a person keys a field OCR could not place, or corrects one it read)."""
    return {**read_fields(field_keys, doc), **keyed_values(field_keys, doc)}


def field_sources(fields: dict[str, Any], doc: Document) -> dict[str, str]:
    """Who gave each value: `keyed` by a person or `ocr`."""
    return {name: "keyed" if name in doc.keyed_fields else "ocr" for name in sorted(fields)}


def _policy_part(opened: OpenPolicy) -> dict[str, Any]:
    policy = opened.policy
    return {
        "policy_id": policy.policy_id,
        "product_name": policy.product_name,
        "region_code": policy.region_code,
        "coverage": list(policy.coverage),
        "valid_from": policy.valid_from.isoformat(),
        "valid_to": policy.valid_to.isoformat(),
        "sum_insured": money(policy.sum_insured),
        "deductible": money(policy.deductible),
        "reimbursement_ratio": ratio(policy.reimbursement_ratio),
        "insured_name": opened.insured_name,
        "insured_id_number": opened.insured_id_number,
    }


def claim_package(
    *,
    claim: OpenClaim,
    policy: OpenPolicy,
    insurer_key: str,
    documents: Sequence[Document],
    field_keys: FieldKeys,
    links: DownloadLinks,
    now: datetime,
) -> ClaimPackage:
    stored = claim.claim
    expires = int(now.timestamp()) + links.ttl_seconds

    def make_link(document_id: str) -> tuple[str, int]:
        path = document_path(
            links.secret, stored.insurer_code, stored.claim_id, document_id, expires
        )
        return path, expires

    payee = claim.payee
    return build_package(
        claim={
            "claim_id": stored.claim_id,
            "insurer_code": stored.insurer_code,
            "claim_type": stored.claim_type,
            "incident_date": stored.incident_date.isoformat(),
            "description": claim.description,
            "claimed_amount": money(stored.claimed_amount),
        },
        policy=_policy_part(policy),
        payee=(
            {"account_name": payee.account_name, "bank_card_number": payee.bank_card_number}
            if payee
            else None
        ),
        documents=[
            PackageDocument(
                document_id=d.document_id,
                doc_type=d.doc_type,
                sha256=d.sha256,
                content_type=d.content_type,
                size_bytes=d.size_bytes,
                masked_fields=d.masked_fields,
                fields=fields,
                field_sources=field_sources(fields, d),
                fields_to_review=list(d.fields_to_review),
            )
            for d in documents
            if d.status == "accepted"
            for fields in [document_fields(field_keys, d)]
        ],
        insurer_public_key=insurer_key,
        make_link=make_link,
        submitted_at=stored.submitted_at or now,
    )

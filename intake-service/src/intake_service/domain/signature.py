"""What the policyholder signs: a sha256 over the claim's form and its accepted documents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from intake_service.domain.amounts import money
from intake_service.domain.records import Document, OpenClaim


def content_hash(form: dict[str, Any], accepted_document_hashes: list[tuple[str, str]]) -> str:
    """`accepted_document_hashes`: (document_id, sha256) pairs; their order does not matter."""
    canonical = json.dumps(
        {"form": form, "documents": sorted(accepted_document_hashes)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def signature_valid(signed_hash: str | None, current_hash: str) -> bool:
    return signed_hash is not None and signed_hash == current_hash


def signed_form(opened: OpenClaim) -> dict[str, Any]:
    """The form the policyholder signs, in plaintext (so a re-encryption changes nothing)."""
    claim, payee = opened.claim, opened.payee
    return {
        "policy_id": claim.policy_id,
        "claim_type": claim.claim_type,
        "incident_date": claim.incident_date.isoformat(),
        "description": opened.description,
        "claimed_amount": money(claim.claimed_amount),
        "payee": (
            {"account_name": payee.account_name, "bank_card_number": payee.bank_card_number}
            if payee
            else None
        ),
    }


def claim_hash(opened: OpenClaim, documents: Sequence[Document]) -> str:
    """The claim's content hash as it stands: its form and its accepted documents."""
    accepted = [(d.document_id, d.sha256) for d in documents if d.status == "accepted"]
    return content_hash(signed_form(opened), accepted)

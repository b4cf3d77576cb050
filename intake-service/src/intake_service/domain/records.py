"""What intake stores, as plain records: claims, their documents, policies and insurers.

Encrypted values stay encrypted in these records (`*_enc`); whoever needs the plaintext opens a
record once (at_rest.py) and passes the opened record on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Payee:
    account_name: str
    bank_card_number: str


@dataclass(frozen=True)
class Claim:
    claim_id: str
    user_id: str
    policy_id: str
    insurer_code: str
    claim_type: str
    incident_date: date
    description_enc: str
    claimed_amount: Decimal | None
    payee_name_enc: str | None
    payee_card_enc: str | None
    status: str
    idempotency_key: str | None
    request_hash: str | None
    signed_hash: str | None
    signed_at: datetime | None
    has_signature_image: bool
    submitted_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class OpenClaim:
    """A claim with its encrypted values opened."""

    claim: Claim
    description: str
    payee: Payee | None


@dataclass(frozen=True)
class Document:
    document_id: str
    claim_id: str
    doc_type: str
    storage_key: str
    sha256: str
    content_type: str
    size_bytes: int
    status: str  # processing | accepted | rejected
    reasons: tuple[dict[str, str], ...]
    masked_fields: dict[str, str]
    # The full OCR fields as OCR sealed them to intake's key.
    sealed_fields: str | None
    uploaded_at: datetime
    decided_at: datetime | None
    supplement_pending: bool
    # Fields OCR could not place on a sharp photo, still for a person to key in.
    fields_to_review: tuple[str, ...] = ()
    # Fields a person keyed; their values sealed to intake's key, as OCR's are.
    keyed_fields: tuple[str, ...] = ()
    keyed_sealed: str | None = None


@dataclass(frozen=True)
class Keying:
    """One person's keying of fields of a document (the audit)."""

    keying_id: str
    claim_id: str
    document_id: str
    sequence: int
    field_names: tuple[str, ...]
    sealed_values: str
    keyed_by: str
    keyed_role: str
    keyed_at: datetime


@dataclass(frozen=True)
class Policy:
    policy_id: str
    holder_user_id: str
    insurer_code: str
    product_name: str
    insured_name_enc: str
    insured_id_number_enc: str
    coverage: tuple[str, ...]
    region_code: str
    valid_from: date
    valid_to: date
    sum_insured: Decimal
    deductible: Decimal | None
    reimbursement_ratio: Decimal | None


@dataclass(frozen=True)
class OpenPolicy:
    """A policy with its encrypted values opened."""

    policy: Policy
    insured_name: str
    insured_id_number: str


@dataclass(frozen=True)
class Policyholder:
    """Who holds a policy in force in a region (for disaster alerts)."""

    user_id: str
    policy_id: str
    insured_name: str
    region_code: str


@dataclass(frozen=True)
class Delegation:
    """What an insurer lets the platform decide in its name (instant claims)."""

    claim_types: tuple[str, ...]
    max_amount: Decimal


@dataclass(frozen=True)
class Insurer:
    insurer_code: str
    name: str
    public_key: str | None
    partner_secret_enc: str
    updated_at: datetime
    instant_claims: Delegation | None = None


@dataclass(frozen=True)
class InsurerRegistration:
    """An insurer as registered; `partner_secret` only when one was just issued."""

    insurer_code: str
    name: str
    public_key: str | None
    partner_secret: str | None
    created: bool
    instant_claims: Delegation | None = None


@dataclass(frozen=True)
class Signature:
    claim_id: str
    content_hash: str
    signed_at: datetime


@dataclass(frozen=True)
class DocumentFile:
    document: Document
    data: bytes


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list and the cursor of the next page, if there is one."""

    items: list[T]
    next_cursor: str | None

"""Request and response shapes of intake's HTTP API (they document the OpenAPI too).

Times are ISO 8601 text with their offset; amounts are yuan as text with two decimals.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, StrictBool, field_validator, model_validator

from intake_service.domain.cards import luhn_valid
from intake_service.domain.regions import is_region_code

INSURER_CODE = r"^[a-z0-9][a-z0-9-]{1,62}$"
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")

# --- requests -------------------------------------------------------------------------------


def _date_as_text(value: object) -> object:
    # JSON has no date type: a date is text, as the OpenAPI says, never a count of seconds.
    if isinstance(value, int | float):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


# Bodies take what their schema documents: dates as text, booleans as true or false.
TextDate = Annotated[date, BeforeValidator(_date_as_text)]


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
    incident_date: TextDate
    description: str = Field(default="", max_length=2000)
    claimed_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    payee: PayeeIn | None = None


class SignatureIn(BaseModel):
    agreed: StrictBool
    signature_image: str | None = Field(default=None, max_length=500_000)


class WithdrawIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class InstantClaimsIn(BaseModel):
    """The authority an insurer delegates to the platform: claims of these types whose payable
    amount is at most `max_amount` are approved in its name at once (instant claims, 秒赔)."""

    claim_types: list[str] = Field(min_length=1, max_length=20)
    max_amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="yuan")


class InsurerIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    public_key: str | None = Field(default=None, max_length=128)
    rotate_secret: StrictBool = False
    instant_claims: InstantClaimsIn | None = Field(
        default=None, description="absent: nothing is decided in the insurer's name"
    )

    @field_validator("public_key")
    @classmethod
    def _x25519_key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("public_key must be base64") from exc
        if len(raw) != 32:
            raise ValueError("public_key must be a 32-byte X25519 key in base64")
        return value


class PolicyIn(BaseModel):
    holder_user_id: str = Field(min_length=1, max_length=128)
    insurer_code: str = Field(pattern=INSURER_CODE)
    product_name: str = Field(min_length=1, max_length=200)
    insured_name: str = Field(min_length=1, max_length=100)
    insured_id_number: str = Field(min_length=18, max_length=18)
    coverage: list[str] = Field(min_length=1)
    region_code: str
    valid_from: TextDate
    valid_to: TextDate
    sum_insured: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    deductible: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    reimbursement_ratio: Decimal | None = Field(default=None, ge=0, le=1, decimal_places=4)

    @field_validator("insured_id_number")
    @classmethod
    def _id_number(cls, value: str) -> str:
        value = value.upper()
        if not ID_NUMBER.match(value):
            raise ValueError("an ID number has 17 digits and a final digit or X")
        return value

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        if not is_region_code(value):
            raise ValueError("a region code is a 6-digit administrative division code")
        return value

    @model_validator(mode="after")
    def _period(self) -> PolicyIn:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


# --- the claim guide ------------------------------------------------------------------------


class MaterialOut(BaseModel):
    doc_type: str
    title: str
    required: bool
    hint: str


class ClaimTypeOut(BaseModel):
    claim_type: str
    title: str
    materials: list[MaterialOut]


class ClaimTypeList(BaseModel):
    items: list[ClaimTypeOut]
    next_cursor: str | None


# --- insurers and policies ------------------------------------------------------------------


class InstantClaimsOut(BaseModel):
    claim_types: list[str]
    max_amount: str = Field(description="yuan, e.g. 2000.00")


class InsurerOut(BaseModel):
    insurer_code: str
    name: str
    public_key: str | None
    ready_for_packages: bool = Field(description="a public key is registered")
    instant_claims: InstantClaimsOut | None = Field(
        default=None, description="the delegated authority; left out when there is none"
    )
    partner_secret: str | None = Field(
        default=None,
        description="only when registered or rotated: shown this once, stored only encrypted",
    )


class PartnerSecret(BaseModel):
    insurer_code: str
    partner_secret: str


class PolicyOut(BaseModel):
    policy_id: str
    holder_user_id: str
    insurer_code: str
    product_name: str
    insured_name: str
    insured_name_masked: str
    insured_id_number_masked: str
    coverage: list[str]
    region_code: str
    valid_from: date
    valid_to: date
    sum_insured: str
    deductible: str | None
    reimbursement_ratio: str | None


class PolicyList(BaseModel):
    items: list[PolicyOut]
    next_cursor: str | None


class PolicyholderOut(BaseModel):
    user_id: str
    policy_id: str
    insured_name: str
    region_code: str


class PolicyholderList(BaseModel):
    next_cursor: str | None
    items: list[PolicyholderOut]


# --- claims ---------------------------------------------------------------------------------


class PayeeOut(BaseModel):
    account_name: str
    bank_card_masked: str


class ClaimOut(BaseModel):
    claim_id: str
    policy_id: str
    insurer_code: str
    claim_type: str
    incident_date: date
    description: str
    claimed_amount: str | None
    payee: PayeeOut | None
    status: str
    signed: bool = Field(description="signed, and no document was added since")
    signed_at: str | None
    submitted_at: str | None
    created_at: str


class ClaimList(BaseModel):
    items: list[ClaimOut]
    next_cursor: str | None


class SignatureOut(BaseModel):
    claim_id: str
    content_hash: str = Field(description="sha256 over the form and the accepted documents")
    signed_at: str


# --- documents and the checklist ------------------------------------------------------------


class ReasonOut(BaseModel):
    code: str
    message: str = Field(description="zh-CN")


class UploadAccepted(BaseModel):
    document_id: str
    doc_type: str
    status: str = Field(description="processing: OCR checks it next")


class DocumentOut(BaseModel):
    document_id: str
    doc_type: str
    status: str = Field(description="processing, accepted or rejected")
    reasons: list[ReasonOut]
    fields: dict[str, str] = Field(
        description="what OCR read or a person keyed, sensitive values masked"
    )
    fields_to_review: list[str] = Field(
        default=[],
        description="fields a sharp, complete document shows but OCR could not place: a person "
        "keys them in (the claim moves on meanwhile)",
    )
    keyed_fields: list[str] = Field(
        default=[], description="fields a person keyed in from the picture"
    )
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: str


class FieldsIn(BaseModel):
    """Values a person keys in from a document's picture, by field name, e.g.
    `{"hospital": "北京协和医院"}`: dates `YYYY-MM-DD`, amounts decimal yuan."""

    fields: dict[str, Any] = Field(
        min_length=1, max_length=20, examples=[{"hospital": "北京协和医院"}]
    )


class KeyingOut(BaseModel):
    keying_id: str
    document_id: str
    fields: list[str] = Field(description="the field names keyed (values stay sealed)")
    keyed_by: str = Field(description="the ops user or butler who keyed them")
    keyed_role: str = Field(description="ops or butler")
    keyed_at: str


class KeyingList(BaseModel):
    items: list[KeyingOut]
    next_cursor: str | None = Field(description="always null: one page holds them all")


class DocumentList(BaseModel):
    items: list[DocumentOut]
    next_cursor: str | None = Field(description="always null: one page holds them all")


class ChecklistItem(BaseModel):
    doc_type: str
    title: str
    required: bool
    hint: str
    state: str = Field(description="missing, processing, accepted or rejected")
    reasons: list[ReasonOut]


class ChecklistOut(BaseModel):
    claim_id: str
    claim_type: str
    materials: list[ChecklistItem]
    complete: bool
    still_needed: list[ChecklistItem]


# --- the partner API ------------------------------------------------------------------------


class PackageForm(BaseModel):
    claim_type: str
    incident_date: str
    claimed_amount: str | None
    sealed: str = Field(description="the description, sealed to the insurer's key")


class PackagePolicy(BaseModel):
    policy_id: str
    product_name: str
    region_code: str
    coverage: list[str]
    valid_from: str
    valid_to: str
    sum_insured: str
    deductible: str | None
    reimbursement_ratio: str | None
    sealed: str = Field(description="the insured's name and ID number, sealed")


class PackagePayee(BaseModel):
    bank_card_masked: str
    sealed: str = Field(description="account name and card number, sealed")


class PackageDocumentOut(BaseModel):
    document_id: str
    doc_type: str
    sha256: str
    content_type: str
    size_bytes: int
    masked_fields: dict[str, str]
    sealed_fields: str
    field_sources: dict[str, str] = Field(
        default={}, description="per field: `ocr` (read from the picture) or `keyed` (by a person)"
    )
    fields_to_review: list[str] = Field(
        default=[], description="fields OCR could not place that no person has keyed yet"
    )
    download_url: str = Field(description="a time-limited link: the link is the credential")
    download_expires_at: int = Field(description="unix seconds")


class PackageOut(BaseModel):
    type: str = Field(description="claim.package")
    claim_id: str
    insurer_code: str
    claim_type: str
    submitted_at: datetime
    form: PackageForm
    policy: PackagePolicy
    payee: PackagePayee | None
    documents: list[PackageDocumentOut]
    encryption: dict[str, str]

"""intake-service tables. Every `*_enc` column is encrypted at rest (at_rest.py, keyring.py):
names, ID and card numbers, and the claim's free text (which may name a diagnosis)."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from lipei.timestamps import UtcDateTime

metadata = MetaData()

insurers = Table(
    "insurers",
    metadata,
    Column("insurer_code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("public_key", String(128), nullable=True),
    Column("partner_secret_enc", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # JSON {"claim_types": [...], "max_amount": "2000.00"}; null: nothing delegated
    Column("instant_claims", Text, nullable=True),
)

policies = Table(
    "policies",
    metadata,
    Column("policy_id", String(64), primary_key=True),
    Column("holder_user_id", String(128), nullable=False, index=True),
    Column("insurer_code", String(64), nullable=False),
    Column("product_name", String(200), nullable=False),
    Column("insured_name_enc", Text, nullable=False),
    Column("insured_id_number_enc", Text, nullable=False),
    Column("coverage", Text, nullable=False),
    Column("region_code", String(6), nullable=False, index=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("sum_insured", Numeric(14, 2), nullable=False),
    Column("deductible", Numeric(14, 2), nullable=True),
    Column("reimbursement_ratio", Numeric(5, 4), nullable=True),
)

claims = Table(
    "claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("policy_id", String(64), nullable=False),
    Column("insurer_code", String(64), nullable=False),
    Column("claim_type", String(32), nullable=False),
    Column("incident_date", Date, nullable=False),
    Column("description_enc", Text, nullable=False),
    Column("claimed_amount", Numeric(14, 2), nullable=True),
    Column("payee_name_enc", Text, nullable=True),
    Column("payee_card_enc", Text, nullable=True),
    Column("status", String(32), nullable=False),
    Column("idempotency_key", String(200), nullable=True),
    Column("request_hash", String(64), nullable=True),
    Column("signed_hash", String(64), nullable=True),
    Column("signed_at", UtcDateTime, nullable=True),
    Column("has_signature_image", Boolean, nullable=False, default=False),
    Column("submitted_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id", "idempotency_key", name="uq_claims_idempotency"),
)

documents = Table(
    "documents",
    metadata,
    Column("document_id", String(64), primary_key=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("doc_type", String(40), nullable=False),
    Column("storage_key", String(200), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reasons", Text, nullable=False, default="[]"),
    Column("masked_fields", Text, nullable=False, default="{}"),
    # The full OCR fields as OCR sealed them to intake's key: encrypted at rest as received.
    Column("sealed_fields", Text, nullable=True),
    Column("uploaded_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("supplement_pending", Boolean, nullable=False, default=False),
    # JSON lists of field names: what OCR could not place on a sharp photo and a person has still
    # to key in, and what a person keyed (their values sealed to intake's key, like OCR's).
    Column("fields_to_review", Text, nullable=False, default="[]"),
    Column("keyed_fields", Text, nullable=False, default="[]"),
    Column("keyed_sealed", Text, nullable=True),
)

# The audit of every keying: who keyed which fields of a document, when, and the values (sealed).
document_keyings = Table(
    "document_keyings",
    metadata,
    Column("keying_id", String(64), primary_key=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("document_id", String(64), nullable=False, index=True),
    # 1, 2, … per document, in the order the keyings happened
    Column("sequence", Integer, nullable=False),
    Column("field_names", Text, nullable=False),
    Column("sealed_values", Text, nullable=False),
    Column("keyed_by", String(128), nullable=False),
    Column("keyed_role", String(16), nullable=False),
    Column("keyed_at", UtcDateTime, nullable=False),
    UniqueConstraint("document_id", "sequence", name="uq_document_keyings_sequence"),
)

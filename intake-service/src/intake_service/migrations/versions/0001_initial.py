"""initial: insurers, policies, claims, documents, outbox, inbox

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from lipei.messaging.tables import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "insurers",
        sa.Column("insurer_code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("public_key", sa.String(128), nullable=True),
        sa.Column("partner_secret_enc", sa.Text, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "policies",
        sa.Column("policy_id", sa.String(64), primary_key=True),
        sa.Column("holder_user_id", sa.String(128), nullable=False, index=True),
        sa.Column("insurer_code", sa.String(64), nullable=False),
        sa.Column("product_name", sa.String(200), nullable=False),
        sa.Column("insured_name", sa.String(100), nullable=False),
        sa.Column("insured_id_number_enc", sa.Text, nullable=False),
        sa.Column("coverage", sa.Text, nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False, index=True),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("sum_insured", sa.Numeric(14, 2), nullable=False),
        sa.Column("deductible", sa.Numeric(14, 2), nullable=True),
        sa.Column("reimbursement_ratio", sa.Numeric(5, 4), nullable=True),
    )
    op.create_table(
        "claims",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("insurer_code", sa.String(64), nullable=False),
        sa.Column("claim_type", sa.String(32), nullable=False),
        sa.Column("incident_date", sa.Date, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("claimed_amount", sa.Numeric(14, 2), nullable=True),
        sa.Column("payee_name", sa.String(100), nullable=True),
        sa.Column("payee_card_enc", sa.Text, nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
        sa.Column("signed_hash", sa.String(64), nullable=True),
        sa.Column("signed_at", TZ, nullable=True),
        sa.Column("has_signature_image", sa.Boolean, nullable=False),
        sa.Column("submitted_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_claims_idempotency"),
    )
    op.create_table(
        "documents",
        sa.Column("document_id", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), nullable=False, index=True),
        sa.Column("doc_type", sa.String(40), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("masked_fields", sa.Text, nullable=False),
        sa.Column("sealed_fields", sa.Text, nullable=True),
        sa.Column("uploaded_at", TZ, nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("supplement_pending", sa.Boolean, nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    for name in ("documents", "claims", "policies", "insurers"):
        op.drop_table(name)

"""initial: assessments, ledger, invoice register, policy locks, outbox, inbox

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


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("insurer_code", sa.String(64), nullable=False),
        sa.Column("policy_id", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("payable_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("deductible_applied", sa.Numeric(14, 2), nullable=False),
        sa.Column("reimbursement_ratio", sa.Numeric(6, 4), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("trace", sa.JSON, nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ledger_claims",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("policy_id", sa.String(64), nullable=True),
        sa.Column("year_start", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("base_total", sa.Numeric(14, 2), nullable=False),
        sa.Column("policy_deductible", sa.Numeric(14, 2), nullable=False),
        sa.Column("deductible_used", sa.Numeric(14, 2), nullable=False),
        sa.Column("approved_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_claims_policy_year", "ledger_claims", ["policy_id", "year_start"])
    op.create_table(
        "invoice_register",
        sa.Column("invoice_code", sa.String(64), primary_key=True),
        sa.Column("invoice_number", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), nullable=False, index=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "policy_locks",
        sa.Column("policy_id", sa.String(64), primary_key=True),
        sa.Column("touched_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    op.drop_index("ix_ledger_claims_policy_year", "ledger_claims")
    for name in ("policy_locks", "invoice_register", "ledger_claims", "assessments"):
        op.drop_table(name)

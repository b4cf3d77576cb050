"""assessment-service tables: assessments, the policy-year ledger, the invoice register."""

from sqlalchemy import JSON, Column, Date, Index, MetaData, Numeric, String, Table

from lipei.timestamps import UtcDateTime

metadata = MetaData()

# One row per assessed claim, with the rules version and the rows of the table that held.
assessments = Table(
    "assessments",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False),
    Column("insurer_code", String(64), nullable=False),
    Column("policy_id", String(64), nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("payable_amount", Numeric(14, 2), nullable=False),
    Column("deductible_applied", Numeric(14, 2), nullable=False),
    Column("reimbursement_ratio", Numeric(6, 4), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("lines", JSON, nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("trace", JSON, nullable=False),
    Column("assessed_at", UtcDateTime(), nullable=False),
)

# The ledger: each claim's hold on its policy year. Only `approved` rows count; a withdrawn or
# rejected claim's row is `closed` and holds nothing. A decision may arrive before the claim is
# assessed: its row then waits without a policy year until the assessment places it.
ledger_claims = Table(
    "ledger_claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("policy_id", String(64), nullable=True),
    Column("year_start", Date, nullable=True),
    Column("status", String(16), nullable=False),
    Column("base_total", Numeric(14, 2), nullable=False),
    # the policy's deductible, so an insurer's own approval can take its share of it
    Column("policy_deductible", Numeric(14, 2), nullable=False),
    Column("deductible_used", Numeric(14, 2), nullable=False),
    Column("approved_amount", Numeric(14, 2), nullable=False),
    Column("decided_by", String(64), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_ledger_claims_policy_year", "policy_id", "year_start"),
)

# Platform-wide: an invoice is in at most one live claim. The primary key is the guarantee,
# so two claims filing one invoice at the same instant cannot both hold it.
invoice_register = Table(
    "invoice_register",
    metadata,
    Column("invoice_code", String(64), primary_key=True),
    Column("invoice_number", String(64), primary_key=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("registered_at", UtcDateTime(), nullable=False),
)

# One row per policy, written first in every transaction that reads or changes its ledger:
# its row lock serialises the claims of one policy.
policy_locks = Table(
    "policy_locks",
    metadata,
    Column("policy_id", String(64), primary_key=True),
    Column("touched_at", UtcDateTime(), nullable=False),
)

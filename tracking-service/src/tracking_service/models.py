"""tracking-service tables."""

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text

from lipei.timestamps import UtcDateTime

metadata = MetaData()

# One row per claim: the domain state as JSON, plus the columns queries filter on.
tracked_claims = Table(
    "tracked_claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("insurer_code", String(64), nullable=False),
    Column("claim_type", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # Earliest running deadline not yet reported; the scanner looks only at due rows.
    Column("next_due_at", UtcDateTime(), nullable=True, index=True),
    Column("state", JSON, nullable=False),
)

timeline = Table(
    "timeline",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("status", String(32), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("title", String(200), nullable=False),
    Column("detail", Text, nullable=True),
    Column("cause_id", String(64), nullable=True),
)

# One row per reported breach: the primary key makes "reported once" hold across replicas.
deadline_breaches = Table(
    "deadline_breaches",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
)

"""recipients, claim owners, reminders, deliveries, inbox

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_Seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "recipients",
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("wechat_openid", sa.String(128), nullable=True),
        _at("wechat_refused_at"),
        sa.Column("phone_number", sa.String(20), nullable=True),
        sa.Column("wechat_on", sa.Boolean, nullable=False),
        sa.Column("sms_on", sa.Boolean, nullable=False),
        sa.Column("voice_on", sa.Boolean, nullable=False),
        sa.Column("quiet_start", sa.String(5), nullable=False),
        sa.Column("quiet_end", sa.String(5), nullable=False),
        sa.Column("daily_cap", sa.Integer, nullable=True),
        _at("updated_at", nullable=False),
    )
    op.create_table(
        "claim_owners",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False),
    )
    op.create_table(
        "reminders",
        sa.Column("reminder_id", sa.String(64), primary_key=True),
        sa.Column("source_event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=False, index=True),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("trigger", sa.String(128), nullable=False),
        _at("event_at", nullable=False),
        _at("started_at", nullable=False),
        sa.Column("reached", sa.Integer, nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True, index=True),
        _at("resolved_at"),
    )
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.String(64), primary_key=True),
        sa.Column("dedupe_key", sa.String(300), nullable=False, unique=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("trigger", sa.String(128), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=True),
        sa.Column("reminder_id", sa.String(64), nullable=True, index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
        _at("expires_at"),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        _at("created_at", nullable=False),
        _at("claimed_at"),
        _at("sent_at"),
    )
    op.create_table(
        "inbox",
        sa.Column("seq", _Seq, primary_key=True, autoincrement=True),
        sa.Column("notification_id", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(300), nullable=False, unique=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=True),
        _at("created_at", nullable=False),
    )


def downgrade() -> None:
    for table in ("inbox", "deliveries", "reminders", "claim_owners", "recipients"):
        op.drop_table(table)

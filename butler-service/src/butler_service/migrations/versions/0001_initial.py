"""initial: butlers, conversations, messages, waits, complaints, articles, reviews, disputes,
the claims read model, outbox, inbox

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
        "butlers",
        sa.Column("butler_id", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("butler_id", sa.String(64), nullable=True, index=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_due_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "assignment_moves",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("from_butler_id", sa.String(64), nullable=True),
        sa.Column("to_butler_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("butler_id", sa.String(64), nullable=True),
        sa.Column("claim_id", sa.String(64), nullable=True),
        sa.Column("article_id", sa.String(64), nullable=True),
        sa.Column("text_enc", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "conversation_days",
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("butler_id", sa.String(64), nullable=True, index=True),
        sa.Column("messages", sa.Integer, nullable=False),
    )
    op.create_table(
        "waits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("butler_id", sa.String(64), nullable=True, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply_seconds", sa.Float, nullable=False),
        sa.Column("in_time", sa.Boolean, nullable=False),
    )
    op.create_table(
        "complaints",
        sa.Column("complaint_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("butler_id", sa.String(64), nullable=True, index=True),
        sa.Column("claim_id", sa.String(64), nullable=True),
        sa.Column("text_enc", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(128), nullable=True),
        sa.Column("resolution_enc", sa.Text, nullable=True),
    )
    op.create_table(
        "articles",
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column("review_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("butler_id", sa.String(64), nullable=True, index=True),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("normalized", sa.Float, nullable=False),
        sa.Column("note_enc", sa.Text, nullable=True),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "disputes",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("butler_id", sa.String(64), nullable=True, index=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("recovered_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("note_enc", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "claims",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "claim_documents",
        sa.Column("document_id", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), nullable=False, index=True),
        sa.Column("doc_type", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("fields_to_review", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    for name in (
        "claim_documents",
        "claims",
        "disputes",
        "reviews",
        "articles",
        "complaints",
        "waits",
        "conversation_days",
        "messages",
        "assignment_moves",
        "conversations",
        "butlers",
    ):
        op.drop_table(name)

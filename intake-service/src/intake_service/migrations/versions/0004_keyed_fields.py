"""documents: the fields left for a person to key in, what a person keyed (sealed), and the
audit of every keying

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("fields_to_review", sa.Text, nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("keyed_fields", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("keyed_sealed", sa.Text, nullable=True))
    op.create_table(
        "document_keyings",
        sa.Column("keying_id", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), nullable=False, index=True),
        sa.Column("document_id", sa.String(64), nullable=False, index=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("field_names", sa.Text, nullable=False),
        sa.Column("sealed_values", sa.Text, nullable=False),
        sa.Column("keyed_by", sa.String(128), nullable=False),
        sa.Column("keyed_role", sa.String(16), nullable=False),
        sa.Column("keyed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "sequence", name="uq_document_keyings_sequence"),
    )


def downgrade() -> None:
    op.drop_table("document_keyings")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("keyed_sealed")
        batch.drop_column("keyed_fields")
        batch.drop_column("fields_to_review")

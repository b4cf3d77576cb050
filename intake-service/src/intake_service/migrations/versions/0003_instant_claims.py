"""insurers: the instant-claims authority each delegates to the platform

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("insurers", sa.Column("instant_claims", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("insurers") as batch:
        batch.drop_column("instant_claims")

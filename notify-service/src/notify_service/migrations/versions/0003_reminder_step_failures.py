"""reminders remember a step that could not reach the user

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
    with op.batch_alter_table("reminders") as table:
        table.add_column(sa.Column("last_step_failed_at", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("last_step_failure", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("reminders") as table:
        table.drop_column("last_step_failure")
        table.drop_column("last_step_failed_at")

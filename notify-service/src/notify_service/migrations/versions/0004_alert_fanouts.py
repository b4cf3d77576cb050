"""regional alerts fan out in chunks of their own; messages go in lanes (claims before alerts)

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
    op.create_table(
        "alert_fanouts",
        sa.Column("source_event_id", sa.String(64), primary_key=True),
        sa.Column("region_codes", sa.JSON, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("trigger", sa.String(128), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region_index", sa.Integer, nullable=False),
        sa.Column("cursor", sa.String(200), nullable=True),
        sa.Column("users_reached", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True, index=True),
    )
    with op.batch_alter_table("deliveries") as table:
        table.add_column(sa.Column("lane", sa.String(8), nullable=False, server_default="claim"))
    op.create_index("ix_deliveries_lane_due", "deliveries", ["status", "lane", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_lane_due", table_name="deliveries")
    with op.batch_alter_table("deliveries") as table:
        table.drop_column("lane")
    op.drop_table("alert_fanouts")

"""The two tables every service carries in its own database: the outbox and the inbox."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from lipei.timestamps import UtcDateTime

messaging_metadata = MetaData()

# BIGINT identity on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite: `seq` orders the relay.
SequenceKey = BigInteger().with_variant(Integer(), "sqlite")

outbox_table = Table(
    "outbox",
    messaging_metadata,
    Column("seq", SequenceKey, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("topic", String(255), nullable=False),
    Column("key", String(255), nullable=True),
    Column("event_type", String(128), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
)

processed_events_table = Table(
    "processed_events",
    messaging_metadata,
    Column("consumer", String(128), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("event_type", String(128), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
)


def create_messaging_tables() -> None:
    """For a service's first Alembic migration: create the outbox and the inbox."""
    from alembic import op

    bind = op.get_bind()
    for table in (outbox_table, processed_events_table):
        table.create(bind, checkfirst=True)


def drop_messaging_tables() -> None:
    from alembic import op

    bind = op.get_bind()
    for table in (processed_events_table, outbox_table):
        table.drop(bind, checkfirst=True)

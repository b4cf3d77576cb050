"""Messaging plumbing: the CloudEvents envelope, the transactional outbox and its relay,
idempotent consumers, and the broker connection settings."""

from lipei.messaging.envelope import Envelope, new_event_id
from lipei.messaging.outbox import Outbox, enqueue
from lipei.messaging.subscriptions import Subscriptions
from lipei.messaging.tables import messaging_metadata, outbox_table, processed_events_table

__all__ = [
    "Envelope",
    "Outbox",
    "Subscriptions",
    "enqueue",
    "messaging_metadata",
    "new_event_id",
    "outbox_table",
    "processed_events_table",
]

"""notify-service tables: recipients, claim owners, reminders, deliveries and the inbox.

Every time column is `UtcDateTime`: stored in UTC and read back aware on every database."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from lipei.messaging.tables import SequenceKey
from lipei.timestamps import UtcDateTime

metadata = MetaData()


# How to reach a user and what they allow (contacts from the gateway, preferences from them).
recipients = Table(
    "recipients",
    metadata,
    Column("user_id", String(128), primary_key=True),
    Column("wechat_openid", String(128), nullable=True),
    # WeChat said the user refused this subscription (43101): WeChat is off until a new login.
    Column("wechat_refused_at", UtcDateTime, nullable=True),
    Column("phone_number", String(20), nullable=True),
    Column("wechat_on", Boolean, nullable=False, default=True),
    Column("sms_on", Boolean, nullable=False, default=True),
    Column("voice_on", Boolean, nullable=False, default=True),
    Column("quiet_start", String(5), nullable=False, default="21:00"),
    Column("quiet_end", String(5), nullable=False, default="08:00"),
    Column("daily_cap", Integer, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Who owns a claim, learnt from intake's claim events (status events may lack the user).
claim_owners = Table(
    "claim_owners",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False),
)

# A notice that needs the user to act, climbing the escalation ladder until they do.
reminders = Table(
    "reminders",
    metadata,
    Column("reminder_id", String(64), primary_key=True),
    Column("source_event_id", String(64), nullable=False, unique=True),
    Column("user_id", String(128), nullable=False),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("template", String(64), nullable=False),
    Column("params", JSON, nullable=False),
    Column("trigger", String(128), nullable=False),
    Column("event_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("reached", Integer, nullable=False, default=0),
    Column("next_due_at", UtcDateTime, nullable=True, index=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    # The step last taken cannot reach the user (refused, unreachable): the next one is due now.
    Column("last_step_failed_at", UtcDateTime, nullable=True),
    Column("last_step_failure", Text, nullable=True),
)

# One message on one channel to one user; `dedupe_key` = (event, channel, user) makes every
# event produce at most one message per channel and user, whatever is redelivered.
deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_id", String(64), primary_key=True),
    Column("dedupe_key", String(300), nullable=False, unique=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("template", String(64), nullable=False),
    Column("params", JSON, nullable=False),
    Column("trigger", String(128), nullable=False),
    Column("claim_id", String(64), nullable=True),
    Column("reminder_id", String(64), nullable=True, index=True),
    # pending → sending → sent | failed; or skipped, cancelled, expired.
    Column("status", String(16), nullable=False, index=True),
    # "claim" (reminders and claim news) goes before "bulk" (regional alerts): a fan-out to a
    # whole region never holds back the message a user is waiting for.
    Column("lane", String(8), nullable=False, default="claim", server_default="claim"),
    Column("due_at", UtcDateTime, nullable=False, index=True),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Index("ix_deliveries_lane_due", "status", "lane", "due_at"),
)

# A regional alert on its way to the region's policyholders, a chunk per transaction: where it
# got to (region, intake's cursor) is committed with each chunk's notices, so a restart goes on
# from there and the alert's Kafka consumer is free again at once.
alert_fanouts = Table(
    "alert_fanouts",
    metadata,
    Column("source_event_id", String(64), primary_key=True),
    Column("region_codes", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("trigger", String(128), nullable=False),
    Column("valid_until", UtcDateTime, nullable=False),
    Column("region_index", Integer, nullable=False, default=0),
    Column("cursor", String(200), nullable=True),
    # Users given the alert so far (each once, whichever regions list them).
    Column("users_reached", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True, index=True),
)

# The in-app inbox: every notice, whatever the channels.
inbox = Table(
    "inbox",
    metadata,
    Column("seq", SequenceKey, primary_key=True, autoincrement=True),
    Column("notification_id", String(64), nullable=False),
    Column("dedupe_key", String(300), nullable=False, unique=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("template", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("claim_id", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

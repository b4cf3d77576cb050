"""butler-service tables. Message, complaint, review and dispute text is encrypted at rest
(`*_enc`, lipei.at_rest, bound to the row's id); no plaintext column holds what a user wrote."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

from lipei.timestamps import UtcDateTime

metadata = MetaData()

butlers = Table(
    "butlers",
    metadata,
    Column("butler_id", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# One row per user who ever wrote: their butler (null while none is active) and whether they
# wait for a reply, since when and until when.
conversations = Table(
    "conversations",
    metadata,
    Column("user_id", String(128), primary_key=True),
    Column("butler_id", String(64), nullable=True, index=True),
    Column("assigned_at", UtcDateTime(), nullable=True),
    Column("waiting_since", UtcDateTime(), nullable=True),
    Column("reply_due_at", UtcDateTime(), nullable=True, index=True),
    Column("last_message_at", UtcDateTime(), nullable=True),
)

# Every change of a user's butler, and why.
assignment_moves = Table(
    "assignment_moves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("from_butler_id", String(64), nullable=True),
    Column("to_butler_id", String(64), nullable=True),
    Column("reason", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False, unique=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("author", String(16), nullable=False),
    # The user's butler when the message was written (the author, for a butler's reply).
    Column("butler_id", String(64), nullable=True),
    Column("claim_id", String(64), nullable=True),
    Column("article_id", String(64), nullable=True),
    Column("text_enc", Text, nullable=False),
    Column("at", UtcDateTime(), nullable=False, index=True),
)

# A conversation as quality reads it: one user's messages on one China calendar day, answered
# by one butler (the last who replied that day, else the user's butler).
conversation_days = Table(
    "conversation_days",
    metadata,
    Column("user_id", String(128), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("butler_id", String(64), nullable=True, index=True),
    Column("messages", Integer, nullable=False),
)

# Each time a user waited for a butler: when the reply was due and when it came.
waits = Table(
    "waits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("butler_id", String(64), nullable=True, index=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("replied_at", UtcDateTime(), nullable=False),
    Column("reply_seconds", Float, nullable=False),
    Column("in_time", Boolean, nullable=False),
)

complaints = Table(
    "complaints",
    metadata,
    Column("complaint_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("butler_id", String(64), nullable=True, index=True),
    Column("claim_id", String(64), nullable=True),
    Column("text_enc", Text, nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False, index=True),
    Column("resolved_at", UtcDateTime(), nullable=True),
    Column("resolved_by", String(128), nullable=True),
    Column("resolution_enc", Text, nullable=True),
)

articles = Table(
    "articles",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    # Raised by every edit, so each replica's index knows what to segment again.
    Column("revision", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("review_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False),
    Column("day", Date, nullable=False),
    Column("butler_id", String(64), nullable=True, index=True),
    Column("scores", JSON, nullable=False),
    Column("normalized", Float, nullable=False),
    Column("note_enc", Text, nullable=True),
    Column("reviewer", String(128), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

disputes = Table(
    "disputes",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False),
    Column("butler_id", String(64), nullable=True, index=True),
    Column("outcome", String(32), nullable=False),
    Column("recovered_amount", Numeric(14, 2), nullable=False),
    Column("note_enc", Text, nullable=True),
    Column("recorded_by", String(128), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

# The claims of the butler's users, as the claim, document and status events tell them.
claims = Table(
    "claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("user_id", String(128), nullable=False, index=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

claim_documents = Table(
    "claim_documents",
    metadata,
    Column("document_id", String(64), primary_key=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("doc_type", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("fields", JSON, nullable=False),
    Column("fields_to_review", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

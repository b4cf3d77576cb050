"""Transactional outbox: an event row is written in the same transaction as the state change.

The relay (relay.py) publishes rows in `seq` order and marks them sent; sent rows are kept for a
retention window so an operator can replay them after a broker loses its data.

Each row keeps the trace context of the work that wrote it, so the relay continues that trace when
it publishes, however much later. A service's metrics count the event once its transaction commits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opentelemetry import trace
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lipei.clock import Clock
from lipei.events import Event
from lipei.messaging.envelope import Envelope
from lipei.messaging.tables import outbox_table
from lipei.telemetry import SESSION_KEY, Telemetry
from lipei.tracing import traceparent_of

_COMMITTED = "lipei.outbox.committed"
_NO_TRACER = trace.NoOpTracer()


async def enqueue(
    session: AsyncSession,
    event: Event,
    *,
    source: str,
    topic: str | None = None,
    time: datetime | None = None,
    traceparent: str | None = None,
) -> Envelope:
    """Add `event` to the outbox inside the caller's transaction; returns its envelope.

    Without an explicit `traceparent` the event joins the trace of the request or event in hand.
    """
    telemetry: Telemetry | None = session.info.get(SESSION_KEY)
    tracer = telemetry.tracing.tracer if telemetry is not None else _NO_TRACER
    topic = topic or event.topic
    # A span of its own marks the write; the relay's publishing span will be its child.
    span = tracer.start_span(
        f"{event.event_type} outbox",
        attributes={"messaging.destination.name": topic, "lipei.event.type": event.event_type},
    )
    envelope = Envelope.wrap(
        event, source=source, time=time, traceparent=traceparent or traceparent_of(span)
    )
    span.set_attribute("messaging.message.id", envelope.id)
    span.end()
    await session.execute(
        outbox_table.insert().values(
            event_id=envelope.id,
            topic=topic,
            key=envelope.key,
            event_type=envelope.type,
            headers=[[k, v.decode()] for k, v in envelope.headers()],
            payload=envelope.value().decode(),
            created_at=datetime.now(UTC),
            attempts=0,
        )
    )
    if telemetry is not None:
        session.info.setdefault(_COMMITTED, []).append((event, topic))
    return envelope


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    committed = session.info.pop(_COMMITTED, None)
    if committed:
        metrics = session.info[SESSION_KEY].metrics
        for written, topic in committed:
            metrics.committed(written, topic)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_COMMITTED, None)


class Outbox:
    """A service's publisher: `add` fills in the envelope's source and time (from its clock)."""

    def __init__(self, *, source: str, clock: Clock) -> None:
        self.source = source
        self.clock = clock

    async def add(
        self,
        session: AsyncSession,
        event: Event,
        *,
        topic: str | None = None,
        time: datetime | None = None,
    ) -> Envelope:
        """Add `event` inside the caller's transaction; `topic` only where the class has none
        of its own (an insurer's topic)."""
        return await enqueue(
            session, event, source=self.source, topic=topic, time=time or self.clock.now()
        )


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many events wait to be published, and when the oldest was written."""
    result = await session.execute(
        select(func.count(), func.min(outbox_table.c.created_at)).where(
            outbox_table.c.sent_at.is_(None)
        )
    )
    count, oldest = result.one()
    return int(count), oldest


async def pending_count(session: AsyncSession) -> int:
    result = await session.execute(
        select(func.count()).select_from(outbox_table).where(outbox_table.c.sent_at.is_(None))
    )
    return int(result.scalar_one())


async def purge_sent(session: AsyncSession, *, older_than: timedelta) -> int:
    """Forget rows sent longer ago than the retention window."""
    cutoff = datetime.now(UTC) - older_than
    result = await session.execute(
        delete(outbox_table).where(
            outbox_table.c.sent_at.is_not(None), outbox_table.c.sent_at < cutoff
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_for_replay(session: AsyncSession, *, since: datetime) -> int:
    """Queue again every row sent since `since` (consumers are idempotent: replays are harmless)."""
    # The column type (UtcDateTime) turns `since` into UTC, so SQLite's text comparison holds.
    result = await session.execute(
        update(outbox_table)
        .where(outbox_table.c.sent_at.is_not(None), outbox_table.c.created_at >= since)
        .values(sent_at=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)

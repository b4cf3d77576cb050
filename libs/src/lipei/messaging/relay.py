"""The outbox relay: publishes unsent rows in order, retries until the broker acknowledges.

One relay per service database is active at a time (a PostgreSQL advisory lock elects it), so
events keyed by the same claim leave in the order they were committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lipei.messaging.kafka import ensure_topics
from lipei.messaging.outbox import purge_sent
from lipei.messaging.tables import outbox_table
from lipei.settings import ServiceSettings
from lipei.tracing import TRACEPARENT, context_of, traceparent_of

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        producer_factory: Callable[[], AIOKafkaProducer],
        settings: ServiceSettings,
        *,
        batch_size: int = 500,
        tracer: trace.Tracer | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._tracer = tracer or trace.NoOpTracer()
        self._producer_factory = producer_factory
        self._settings = settings
        self._batch_size = batch_size
        self._producer: AIOKafkaProducer | None = None
        self._wake = asyncio.Event()
        self._lock_key = zlib.crc32(f"lipei-outbox:{settings.service_name}".encode())
        self.published = 0
        self.connected = False

    def wake(self) -> None:
        """Called after a commit that enqueued events, so they leave without waiting a poll."""
        self._wake.set()

    async def run(self) -> None:
        backoff = 0.2
        last_purge = float("-inf")  # purge at start: loop.time() may count from boot
        loop = asyncio.get_running_loop()
        while True:
            try:
                sent = await self.publish_pending()
                backoff = 0.2
                if loop.time() - last_purge > 600:
                    await self._purge()
                    last_purge = loop.time()
                if sent == self._batch_size:
                    continue  # more are waiting
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: wait and try again, never drop
                log.warning(
                    "outbox relay: %s: %s; retrying in %.1fs", type(exc).__name__, exc, backoff
                )
                await self._reset_producer()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.outbox_poll_seconds)
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were sent."""
        async with self._sessionmaker() as session, session.begin():
            if self._sessionmaker.kw["bind"].dialect.name == "postgresql":
                got = await session.execute(select(func.pg_try_advisory_xact_lock(self._lock_key)))
                if not got.scalar_one():
                    return 0  # another replica is relaying
            rows = (
                (
                    await session.execute(
                        select(outbox_table)
                        .where(outbox_table.c.sent_at.is_(None))
                        .order_by(outbox_table.c.seq)
                        .limit(self._batch_size)
                    )
                )
                .mappings()
                .all()
            )
            if not rows:
                return 0
            producer = await self._ensure_producer()
            # A memory-only broker that restarted has forgotten its topics; producing on stale
            # metadata would write into partitions it never created (accepted, never fetchable).
            # Fresh metadata makes it create them first. One round trip per batch.
            if not await producer.client.force_metadata_update():
                raise ConnectionError("the broker did not answer a metadata request")
            # A topic seen for the first time (a new insurer's) is created before the batch:
            # a producer that waits for auto-creation stalls the batch for seconds.
            cluster = producer.client.cluster
            new = sorted({r["topic"] for r in rows if not cluster.partitions_for_topic(r["topic"])})
            if new:
                await ensure_topics(self._settings, new)
                await producer.client.force_metadata_update()
            spans = [self._span(row) for row in rows]
            try:
                pairs = zip(rows, spans, strict=True)
                futures = [await self._send(producer, row, span) for row, span in pairs]
                await asyncio.gather(*futures)
            finally:
                for span in spans:
                    span.end()
            await session.execute(
                update(outbox_table)
                .where(outbox_table.c.seq.in_([r["seq"] for r in rows]))
                .values(sent_at=datetime.now(UTC), attempts=outbox_table.c.attempts + 1)
            )
        self.published += len(rows)
        return len(rows)

    def _span(self, row: Any) -> trace.Span:
        """Publishing continues the trace of the work that wrote the event."""
        stored = next((v for k, v in row["headers"] if k == TRACEPARENT), None)
        return self._tracer.start_span(
            f"{row['topic']} publish",
            context=context_of(stored),
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "publish",
                "messaging.destination.name": row["topic"],
                "messaging.message.id": row["event_id"],
            },
        )

    async def _send(
        self, producer: AIOKafkaProducer, row: Any, span: trace.Span
    ) -> asyncio.Future[Any]:
        headers = [(k, v.encode()) for k, v in row["headers"] if k != TRACEPARENT]
        traceparent = traceparent_of(span)
        if traceparent is not None:
            headers.append((TRACEPARENT, traceparent.encode()))
        key = row["key"].encode() if row["key"] is not None else None
        return await producer.send(
            row["topic"], value=row["payload"].encode(), key=key, headers=headers
        )

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = self._producer_factory()
            try:
                await producer.start()
            except Exception:
                await producer.stop()
                raise
            self._producer = producer
            self.connected = True
        return self._producer

    async def _reset_producer(self) -> None:
        producer, self._producer = self._producer, None
        self.connected = False
        if producer is not None:
            try:
                await producer.stop()
            except Exception as exc:  # stopping a broken client may itself fail
                log.debug("outbox relay: producer stop: %s", exc)

    async def _purge(self) -> None:
        async with self._sessionmaker() as session, session.begin():
            purged = await purge_sent(session, older_than=self._settings.outbox_retention)
        if purged:
            log.info("outbox relay: forgot %d rows past retention", purged)

    async def close(self) -> None:
        await self._reset_producer()


def make_relay(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: ServiceSettings,
    *,
    tracer: trace.Tracer | None = None,
) -> OutboxRelay:
    from lipei.messaging.kafka import make_producer

    return OutboxRelay(sessionmaker, lambda: make_producer(settings), settings, tracer=tracer)

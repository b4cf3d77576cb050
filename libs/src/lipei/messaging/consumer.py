"""Idempotent consumers: each `ce_id` is applied at most once per consumer.

The processed-event row is written in the same transaction as the handler's effect, so a
redelivered event (Kafka delivers at least once) changes nothing. A subscriber's `prepare` step
(slow work needing no database) runs before that transaction opens, holding no connection. A
handler that keeps failing sends the message to `<topic>.dlq` with the error, and the partition
moves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from opentelemetry import trace
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lipei.events import Event, UnknownEventType, dead_letter_topic, parse_event
from lipei.logs import claim_context
from lipei.messaging.envelope import Envelope
from lipei.messaging.kafka import make_consumer, make_producer
from lipei.messaging.subscriptions import Subscriber, Subscriptions
from lipei.messaging.tables import processed_events_table
from lipei.metrics import ServiceMetrics
from lipei.settings import ServiceSettings
from lipei.tracing import context_of

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 5.0

HEALTH_CHECK_SECONDS = 3.0


class PermanentError(Exception):
    """The event can never be applied (bad data): dead-letter it at once, without retries."""


class IdempotentConsumer:
    """Consumes the topics of `subscriptions` in group `group_id`, each event to its handler."""

    def __init__(
        self,
        *,
        name: str,
        subscriptions: Subscriptions,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: ServiceSettings,
        group_id: str | None = None,
        after_commit: Callable[[], None] | None = None,
        retry_base_seconds: float = 0.2,
        metrics: ServiceMetrics | None = None,
        tracer: trace.Tracer | None = None,
    ) -> None:
        self.name = name
        self.topics = subscriptions.topics
        self.group_id = group_id or name
        self._subscriptions = subscriptions
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._after_commit = after_commit
        self._retry_base = retry_base_seconds
        self._dlq_producer: AIOKafkaProducer | None = None
        self._metrics = metrics
        self._tracer = tracer or trace.NoOpTracer()
        self.assigned = False
        self.applied = 0
        self.duplicates = 0
        self.dead_lettered = 0

    async def run(self) -> None:
        """Consume until cancelled; reconnects after broker outages."""
        backoff = 0.5
        while True:
            consumer = make_consumer(self._settings, self.topics, self.group_id)
            try:
                await consumer.start()
                backoff = 0.5
                await self._consume(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "%s: %s: %s; reconnecting in %.1fs", self.name, type(exc).__name__, exc, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self.assigned = False
                await _quietly_stop(consumer)

    async def close(self) -> None:
        if self._dlq_producer is not None:
            await _quietly_stop(self._dlq_producer)
            self._dlq_producer = None

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        committed: dict[TopicPartition, int] = {}
        watchdog = _StallWatchdog()
        loop = asyncio.get_running_loop()
        next_check = loop.time() + HEALTH_CHECK_SECONDS
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=100)
            self.assigned = bool(consumer.assignment())
            for tp, records in batches.items():
                for record in records:
                    await self.handle_record(record)
                    committed[tp] = record.offset + 1
                    await consumer.commit({tp: record.offset + 1})
                watchdog.progressed()
            if loop.time() >= next_check:
                await self._check_health(consumer, committed, watchdog)
                next_check = loop.time() + HEALTH_CHECK_SECONDS

    async def _check_health(
        self,
        consumer: AIOKafkaConsumer,
        committed: dict[TopicPartition, int],
        watchdog: _StallWatchdog,
    ) -> None:
        """Raise ConsumerStalled when the client needs replacing.

        A memory-only broker that restarts forgets its log and our committed offsets, and the
        client may keep fetching from stale state: it then sees messages waiting (lag) but never
        receives them. A fresh client starts from the new log's beginning; applying is
        idempotent, so nothing is applied twice."""
        assignment = consumer.assignment()
        for tp in [tp for tp in committed if tp not in assignment]:
            committed.pop(tp)
        for tp, ours in committed.items():
            remote = await consumer.committed(tp)
            if remote is None or remote < ours:
                raise ConsumerStalled(f"the broker lost the committed offset of {tp}")
        if not assignment:
            return
        ends = await consumer.end_offsets(list(assignment))
        lag = 0
        behind = dict.fromkeys(self.topics, 0)
        for tp in assignment:
            position = await consumer.position(tp)
            lag += max(0, ends.get(tp, 0) - position)
            # Records fetched are applied and committed before this check: position == committed
            # where nothing was applied yet since the assignment.
            behind[tp.topic] = behind.get(tp.topic, 0) + max(
                0, ends.get(tp, 0) - committed.get(tp, position)
            )
        if self._metrics is not None:
            for topic, waiting in behind.items():
                self._metrics.consumer_lag.labels(topic=topic, group=self.group_id).set(waiting)
        if watchdog.stalled(lag):
            raise ConsumerStalled(f"{lag} message(s) waiting but none received")

    async def handle_record(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            envelope = Envelope.from_kafka(record.headers, record.value)
        except ValueError as exc:
            await self._dead_letter(record, f"unreadable message: {exc}")
            return
        subscriber = self._subscriptions.subscriber_for(envelope.type)
        if subscriber is None:
            return  # another consumer's business
        try:
            event = parse_event(envelope.type, envelope.data)
        except (ValidationError, UnknownEventType) as exc:
            await self._dead_letter(record, f"invalid {envelope.type}: {exc}")
            return
        with claim_context(getattr(event, "claim_id", None)):
            await self._apply_with_retries(record, envelope, event, subscriber)

    async def _apply_with_retries(
        self,
        record: ConsumerRecord[bytes, bytes],
        envelope: Envelope,
        event: Event,
        subscriber: Subscriber,
    ) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                await self.apply(envelope, event, subscriber)
                return
            except PermanentError as exc:
                await self._dead_letter(record, str(exc))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if attempt >= self._settings.consumer_max_attempts:
                    log.exception(
                        "%s: giving up on %s after %d attempts", self.name, envelope.id, attempt
                    )
                    await self._dead_letter(record, f"{type(exc).__name__}: {exc}")
                    return
                log.warning("%s: %s failed (%s), attempt %d", self.name, envelope.id, exc, attempt)
                await asyncio.sleep(self._retry_base * 2 ** (attempt - 1))

    async def apply(self, envelope: Envelope, event: Event, subscriber: Subscriber) -> bool:
        """Apply once: returns False for an event this consumer has already applied."""
        if subscriber.prepare is not None and await self._already_applied(envelope):
            self.duplicates += 1  # skip the slow step; the transaction would refuse it anyway
            return False
        with self._process_span(envelope):
            prepared = None
            if subscriber.prepare is not None:
                prepared = await subscriber.prepare(event, envelope)  # no connection held
            applied = await self._apply_in_transaction(envelope, event, subscriber, prepared)
        if not applied:
            self.duplicates += 1
            return False
        self.applied += 1
        if self._after_commit is not None:
            self._after_commit()
        return True

    async def _already_applied(self, envelope: Envelope) -> bool:
        async with self._sessionmaker() as session:
            return await _seen(session, self.name, envelope.id)

    async def _apply_in_transaction(
        self, envelope: Envelope, event: Event, subscriber: Subscriber, prepared: object
    ) -> bool:
        try:
            async with self._sessionmaker() as session, session.begin():
                if await _seen(session, self.name, envelope.id):
                    return False
                await subscriber.apply(session, event, envelope, prepared)
                await session.execute(
                    processed_events_table.insert().values(
                        consumer=self.name,
                        event_id=envelope.id,
                        event_type=envelope.type,
                        processed_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            # A concurrent delivery of the same event won the race; its effect stands.
            return False
        return True

    def _process_span(self, envelope: Envelope) -> Any:
        """Applying an event continues the trace of the span that published it."""
        return self._tracer.start_as_current_span(
            f"{envelope.type} process",
            context=context_of(envelope.traceparent),
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.consumer.group.name": self.group_id,
                "messaging.message.id": envelope.id,
            },
        )

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        """Publish to `<topic>.dlq`; raises (so the offset is not committed) if that fails."""
        if self._dlq_producer is None:
            producer = make_producer(self._settings)
            await producer.start()
            self._dlq_producer = producer
        headers = [
            *record.headers,
            ("lipei_error", error[:2000].encode()),
            ("lipei_consumer", self.name.encode()),
            ("lipei_original_topic", record.topic.encode()),
        ]
        await self._dlq_producer.client.force_metadata_update()  # see OutboxRelay
        await self._dlq_producer.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
        self.dead_lettered += 1
        if self._metrics is not None:
            self._metrics.dead_letters.labels(topic=dead_letter_topic(record.topic)).inc()
        log.error("%s: dead-lettered a message from %s: %s", self.name, record.topic, error)


async def _seen(session: AsyncSession, consumer: str, event_id: str) -> bool:
    seen = await session.execute(
        select(processed_events_table.c.event_id).where(
            processed_events_table.c.consumer == consumer,
            processed_events_table.c.event_id == event_id,
        )
    )
    return seen.first() is not None


async def _quietly_stop(client: AIOKafkaConsumer | AIOKafkaProducer) -> None:
    try:
        # Bounded: leaving the group needs the broker's answer, which may never come.
        await asyncio.wait_for(client.stop(), timeout=STOP_TIMEOUT_SECONDS)
    except Exception as exc:  # a client that never connected may fail to stop
        log.debug("stop: %s", exc)


class ConsumerStalled(Exception):
    """The Kafka client stopped receiving what the broker holds; it is replaced."""


class _StallWatchdog:
    """Stalled = messages waited at two checks in a row with nothing received in between."""

    def __init__(self) -> None:
        self._progress = False
        self._lagged_before = False

    def progressed(self) -> None:
        self._progress = True

    def stalled(self, lag: int) -> bool:
        stalled = lag > 0 and self._lagged_before and not self._progress
        self._lagged_before = lag > 0
        self._progress = False
        return stalled

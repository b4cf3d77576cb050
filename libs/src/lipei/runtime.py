"""A service's moving parts in one place: database, outbox relay, consumers, background loops.

Each service's `app.py` builds one `ServiceRuntime` and starts it in the FastAPI lifespan.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.clock import Clock, SystemClock, utc
from lipei.db import make_engine, make_sessionmaker, migrate, ping
from lipei.logs import current_service
from lipei.messaging.consumer import IdempotentConsumer
from lipei.messaging.kafka import ensure_topics
from lipei.messaging.outbox import Outbox, backlog
from lipei.messaging.relay import make_relay
from lipei.messaging.subscriptions import Subscriptions
from lipei.reads import Readers
from lipei.settings import ServiceSettings
from lipei.telemetry import SESSION_KEY, Telemetry

log = logging.getLogger(__name__)


class ServiceRuntime:
    def __init__(
        self, settings: ServiceSettings, *, migrations: Path, clock: Clock | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.migrations = migrations
        self.telemetry = Telemetry.for_service(settings)
        self.metrics = self.telemetry.metrics
        self.tracing = self.telemetry.tracing
        self.engine = make_engine(settings.database_url, timeout=settings.database_timeout_seconds)
        self.tracing.instrument_engine(self.engine)
        self.sessionmaker = make_sessionmaker(self.engine, info={SESSION_KEY: self.telemetry})
        # Hot reads (a claim, its progress) go through `reader` (`lipei.reads`).
        self.reader = Readers(
            settings.database_url, self.engine, timeout=settings.database_timeout_seconds
        )
        for engine in self.reader.engines:
            self.tracing.instrument_engine(engine)
        self.relay = make_relay(self.sessionmaker, settings, tracer=self.tracing.tracer)
        self.outbox = Outbox(source=settings.event_source, clock=self.clock)
        self.consumers: list[IdempotentConsumer] = []
        self._loops: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add_consumer(self, name: str, subscriptions: Subscriptions) -> IdempotentConsumer:
        """Consumer group `name` reads the topics of `subscriptions`' event classes."""
        consumer = IdempotentConsumer(
            name=name,
            subscriptions=subscriptions,
            sessionmaker=self.sessionmaker,
            settings=self.settings,
            after_commit=self.relay.wake,
            metrics=self.metrics,
            tracer=self.tracing.tracer,
        )
        self.consumers.append(consumer)
        return consumer

    def add_loop(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        """A background coroutine (e.g. a deadline scanner) run for the service's lifetime."""
        self._loops.append((name, loop))

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction; events enqueued in it leave as soon as it commits."""
        async with self.sessionmaker() as session, session.begin():
            yield session
        self.relay.wake()

    async def start(self) -> None:
        if self.settings.migrate_on_start:
            await migrate(self.engine, self.migrations)
        await ensure_topics(self.settings, [t for c in self.consumers for t in c.topics])
        self._spawn("outbox-relay", self.relay.run)
        for consumer in self.consumers:
            self._spawn(consumer.name, consumer.run)
        for name, loop in self._loops:
            self._spawn(name, loop)

    def _spawn(self, name: str, factory: Callable[[], Awaitable[None]]) -> None:
        async def _guarded() -> None:
            current_service.set(self.settings.service_name)  # for the task's log lines
            try:
                await factory()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s stopped unexpectedly", name)
                raise

        self._tasks.append(asyncio.create_task(_guarded(), name=name))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a Kafka client that never answers its last request must not hold up a
            # shutdown (an orchestrator would kill the process anyway); what is unsent stays in
            # the outbox and uncommitted offsets are read again, so nothing is lost.
            _, pending = await asyncio.wait(
                self._tasks, timeout=self.settings.shutdown_grace_seconds
            )
            for task in pending:
                log.warning(
                    "%s did not stop within %ss",
                    task.get_name(),
                    self.settings.shutdown_grace_seconds,
                )
        self._tasks.clear()
        await self.relay.close()
        for consumer in self.consumers:
            await consumer.close()
        await self.engine.dispose()
        await self.reader.dispose()
        self.tracing.shutdown()

    async def sample(self) -> None:
        """Read the outbox backlog into the metrics (at each scrape); keeps the last reading
        when the database does not answer in time."""
        try:
            async with asyncio.timeout(2.0), self.sessionmaker() as session:
                pending, oldest = await backlog(session)
        except Exception as exc:
            log.debug("outbox backlog not read: %s", exc)
            return
        self.metrics.outbox_pending.set(pending)
        age = (datetime.now(UTC) - utc(oldest)).total_seconds() if oldest is not None else 0.0
        self.metrics.outbox_oldest_pending.set(max(0.0, age))

    def readiness_checks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        async def database() -> None:
            await asyncio.wait_for(ping(self.engine), 2.0)

        async def broker() -> None:
            await broker_reachable(self.settings.kafka_bootstrap_servers)

        return {"database": database, "broker": broker}


async def broker_reachable(bootstrap_servers: str, wait_seconds: float = 1.0) -> None:
    """Raises unless some bootstrap server accepts a TCP connection."""
    last: Exception = ConnectionError("no bootstrap servers")
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(host, int(port)), wait_seconds
            )
            writer.close()
            await writer.wait_closed()
            return
        except (OSError, TimeoutError, ValueError) as exc:
            last = exc
    raise last

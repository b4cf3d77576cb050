"""Outbox and idempotent consumers against the real local broker and a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lipei.db import make_engine, make_sessionmaker
from lipei.events import CLAIMS_TOPIC, ClaimDrafted, dead_letter_topic
from lipei.messaging import Envelope, enqueue, messaging_metadata
from lipei.messaging.consumer import IdempotentConsumer, PermanentError
from lipei.messaging.outbox import mark_for_replay, pending_count
from lipei.messaging.relay import make_relay
from lipei.messaging.subscriptions import Subscriptions, TypedHandler
from lipei.settings import ServiceSettings
from lipei_testing.platform import wait_until

pytestmark = pytest.mark.slow


def _drafted(claim_id: str) -> ClaimDrafted:
    return ClaimDrafted(
        claim_id=claim_id,
        user_id="u",
        policy_id="p",
        insurer_code="i",
        claim_type="outpatient",
        incident_date=date(2026, 1, 2),
        drafted_at=datetime.now(UTC),
    )


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    yield make_sessionmaker(engine)
    await engine.dispose()


def _settings(bootstrap_servers: str) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        service_name="test",
        consumer_max_attempts=3,
        outbox_poll_seconds=0.05,
    )


async def test_rolled_back_changes_publish_nothing_and_replays_apply_once(
    sessions: async_sessionmaker[AsyncSession], bootstrap_servers: str
) -> None:
    settings = _settings(bootstrap_servers)
    async with sessions() as s, s.begin():
        await enqueue(s, _drafted("kept"), source="/t")
    with pytest.raises(RuntimeError):
        async with sessions() as s, s.begin():
            await enqueue(s, _drafted("rolled-back"), source="/t")
            raise RuntimeError("the state change failed")

    applied: list[str] = []

    async def handler(session: AsyncSession, event: ClaimDrafted, envelope: Envelope) -> None:
        applied.append(event.claim_id)

    relay = make_relay(sessions, settings)
    consumer = IdempotentConsumer(
        name="t",
        subscriptions=_subscribed(handler),
        sessionmaker=sessions,
        settings=settings,
    )
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
    try:
        await wait_until(lambda: applied == ["kept"], timeout=60)
        async with sessions() as s, s.begin():
            assert await pending_count(s) == 0
            assert await mark_for_replay(s, since=datetime(2000, 1, 1, tzinfo=UTC)) == 1
        relay.wake()
        await wait_until(lambda: consumer.duplicates == 1, timeout=60)
        assert applied == ["kept"]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await relay.close()
        await consumer.close()


async def test_failing_handlers_retry_then_dead_letter_and_the_partition_moves_on(
    sessions: async_sessionmaker[AsyncSession], bootstrap_servers: str
) -> None:
    settings = _settings(bootstrap_servers)
    attempts: dict[str, int] = {}
    applied: list[str] = []

    async def handler(session: AsyncSession, event: ClaimDrafted, envelope: Envelope) -> None:
        attempts[event.claim_id] = attempts.get(event.claim_id, 0) + 1
        if event.claim_id == "poison":
            raise PermanentError("this claim can never be applied")
        if event.claim_id == "flaky" and attempts["flaky"] < 2:
            raise ConnectionError("a passing fault")
        if event.claim_id == "broken":
            raise ValueError("always fails")
        applied.append(event.claim_id)

    async with sessions() as s, s.begin():
        for claim_id in ("poison", "flaky", "broken", "fine"):
            await enqueue(s, _drafted(claim_id), source="/t")
    relay = make_relay(sessions, settings)
    consumer = IdempotentConsumer(
        name="t",
        subscriptions=_subscribed(handler),
        sessionmaker=sessions,
        settings=settings,
        retry_base_seconds=0.01,
    )
    dlq = AIOKafkaConsumer(
        dead_letter_topic(CLAIMS_TOPIC),
        bootstrap_servers=bootstrap_servers,
        group_id="dlq-reader",
        auto_offset_reset="earliest",
    )
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
    await dlq.start()
    try:
        await wait_until(lambda: sorted(applied) == ["fine", "flaky"], timeout=60)
        dead: list[dict[str, Any]] = []

        async def read_dlq() -> bool:
            batch = await dlq.getmany(timeout_ms=500)
            for records in batch.values():
                dead.extend({k: v.decode() for k, v in r.headers} for r in records)
            return len(dead) >= 2

        await wait_until(read_dlq, timeout=60)
        assert {d["ce_subject"] for d in dead} == {"poison", "broken"}
        assert all(d["lipei_original_topic"] == CLAIMS_TOPIC for d in dead)
        assert attempts["poison"] == 1  # permanent: no retries
        assert attempts["broken"] == settings.consumer_max_attempts
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await relay.close()
        await consumer.close()
        await dlq.stop()


def _subscribed(handler: TypedHandler[ClaimDrafted]) -> Subscriptions:
    subscriptions = Subscriptions()
    subscriptions.on(ClaimDrafted)(handler)
    return subscriptions

"""Kafka clients configured the same way everywhere (aiokafka)."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from lipei.settings import ServiceSettings

log = logging.getLogger(__name__)


def make_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=settings.kafka_client_id or settings.service_name,
        enable_idempotence=settings.kafka_enable_idempotence,
        acks="all",
        linger_ms=2,
        request_timeout_ms=10_000,
        retry_backoff_ms=200,
    )


def make_consumer(settings: ServiceSettings, topics: list[str], group_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=settings.kafka_client_id or settings.service_name,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        # Short metadata age so a restarted (emptied) broker's new topics are seen soon.
        metadata_max_age_ms=5_000,
        retry_backoff_ms=200,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
    )


async def ensure_topics(
    settings: ServiceSettings, topics: list[str], wait_seconds: float = 5
) -> None:
    """Create the topics a service reads, before it subscribes.

    A consumer subscribed to a topic that does not exist yet notices it only at its next metadata
    refresh, and then rebalances: events written meanwhile wait seconds. Deployments create
    topics up front; this covers a bare broker. Best effort: failures are only logged.
    """
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=settings.kafka_client_id or settings.service_name,
        request_timeout_ms=int(wait_seconds * 1000),
    )
    try:
        await asyncio.wait_for(admin.start(), wait_seconds)
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if missing:
            await admin.create_topics(
                [NewTopic(t, settings.kafka_topic_partitions, 1) for t in missing]
            )
    except TopicAlreadyExistsError:
        pass  # another service created them first
    except Exception as exc:  # the broker may be away; consumers subscribe all the same
        log.warning("could not create topics %s: %s", ", ".join(topics), exc)
    finally:
        await admin.close()

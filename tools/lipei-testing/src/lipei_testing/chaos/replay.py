"""Scenario 4: every event of a day delivered twice more, as a broker replay or an operator's
outbox replay would. A hash of each service's state must not change, and no notification may
go out again."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
import uuid
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from sqlalchemy import MetaData, select

from lipei.events import DocumentRejected, Reason
from lipei.messaging import Envelope
from lipei.web import INTERNAL_TOKEN_HEADER
from lipei_testing.chaos.report import Row
from lipei_testing.chaos.state import Databases
from lipei_testing.chaos.traffic import Policyholders, Tally
from lipei_testing.processes import ProcessPlatform

# Bookkeeping of delivery, not state: a replay adds nothing to them either, but they are
# checked apart (the outbox) or are the replay's own business (offsets).
NOT_STATE = {"outbox", "processed_events", "alembic_version"}
LAG = re.compile(r"^lipei_consumer_lag_messages\{[^}]*\} (\S+)$", re.MULTILINE)


async def state_hashes(databases: Databases) -> dict[str, str]:
    """Per `service.table`: a SHA-256 of every row of every state table, in a stable order."""
    hashes = {}
    for name, engine in databases.engines.items():
        async with engine.connect() as conn:
            metadata = MetaData()
            await conn.run_sync(metadata.reflect)
            for table in metadata.sorted_tables:
                if table.name in NOT_STATE:
                    continue
                rows = sorted(repr(tuple(r)) for r in await conn.execute(select(table)))
                digest = hashlib.sha256(f"{len(rows)}\n".encode())
                for row in rows:
                    digest.update(row.encode())
                hashes[f"{name.split('_')[0]}.{table.name}"] = digest.hexdigest()
    return hashes


def service_hashes(tables: dict[str, str]) -> dict[str, str]:
    """One hash per service, of its tables' hashes."""
    services: dict[str, hashlib._Hash] = {}
    for key in sorted(tables):
        services.setdefault(key.split(".")[0], hashlib.sha256()).update(tables[key].encode())
    return {service: digest.hexdigest()[:12] for service, digest in services.items()}


async def _replay_everything(bootstrap: str, times: int) -> int:
    """Read every topic from its start and publish each record again `times` times."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        topics = [t for t in await consumer.topics() if not t.endswith(".dlq")]
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        ends = await consumer.end_offsets(partitions)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        for tp in partitions:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=1000)
                records.extend(r for rs in batch.values() for r in rs if r.offset < ends[tp])
        await producer.client.force_metadata_update()
        for _ in range(times):
            for r in records:
                await producer.send(
                    r.topic,
                    value=r.value,
                    key=r.key,
                    headers=list(r.headers),
                    partition=r.partition,
                )
        await producer.flush()
        return len(records)
    finally:
        await producer.stop()
        await consumer.stop()


async def _quiet(platform: ProcessPlatform, services: list[str], *, at_least: float) -> None:
    """Until every consumer of `services` has caught up, seen at three scrapes in a row."""
    started, zero_in_a_row = time.monotonic(), 0
    async with httpx.AsyncClient(timeout=5) as client:
        while zero_in_a_row < 3 or time.monotonic() - started < at_least:
            lags = []
            for service in services:
                text = (await client.get(f"{platform.url(service)}/metrics")).text
                lags += [float(v) for v in LAG.findall(text)]
            zero_in_a_row = zero_in_a_row + 1 if not any(lags) else 0
            await asyncio.sleep(1.5)


async def _wechat_messages(platform: ProcessPlatform) -> int:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(
            f"{platform.ports.url(platform.ports.wechat)}/_standin/messages"
        )
        return len(response.json()["items"])


async def _a_day(platform: ProcessPlatform, n: int, run: str) -> Tally:
    """Claims drafted, their owners reachable on WeChat, and a document of each rejected."""
    tally = Tally()
    token = {INTERNAL_TOKEN_HEADER: "dev-internal-token"}
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        holders = Policyholders(client, run)
        await holders.sign_up()
        await holders.draft(n, concurrency=4, tally=tally)
    async with httpx.AsyncClient(base_url=platform.url("notify_service"), timeout=30) as notify:
        for i in range(len(holders.headers)):
            user = f"dev-chaos{run}u{i}"
            contact = {"wechat_openid": f"o-{user}", "phone_number": f"+8613900{i:06d}"}
            r = await notify.put(f"/internal/v1/contacts/{user}", json=contact, headers=token)
            r.raise_for_status()
    producer = AIOKafkaProducer(bootstrap_servers=platform.bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.client.force_metadata_update()
        for i, claim_id in enumerate(sorted(tally.claims.values())):
            event = DocumentRejected(
                claim_id=claim_id,
                document_id=f"D-{run}-{i}",
                doc_type="medical_invoice",
                reasons=[Reason(code="blurry", message="照片模糊，请重新拍摄")],
                rejected_at=datetime.now(UTC),
            )
            envelope = Envelope.wrap(event, source="/lipei/ocr-service")
            await producer.send(
                event.topic,
                value=envelope.value(),
                key=claim_id.encode(),
                headers=envelope.headers(),
            )
        await producer.flush()
    finally:
        await producer.stop()
    return tally


async def _settled(
    platform: ProcessPlatform, databases: Databases, services: list[str], *, at_least: float
) -> tuple[dict[str, str], int]:
    """The state and the WeChat messages sent, once no consumer lags and neither has changed
    for two readings 3 s apart (the dispatcher has sent what was due)."""
    last: tuple[dict[str, str], int] | None = None
    while True:
        await _quiet(platform, services, at_least=at_least)
        now = (await state_hashes(databases), await _wechat_messages(platform))
        if now == last:
            return now
        last, at_least = now, 0
        await asyncio.sleep(3)


async def replayed_day(platform: ProcessPlatform, *, n: int) -> Row:
    services = [s for s in platform.database_urls if s in platform.ports.services]
    databases = Databases({s: platform.database_urls[s] for s in services})
    run = uuid.uuid4().hex[:6]
    try:
        await _a_day(platform, n, run)
        before, sent_before = await _settled(platform, databases, services, at_least=10)
        started = time.monotonic()
        events = await _replay_everything(platform.bootstrap_servers, times=2)
        await _quiet(platform, services, at_least=8)
        await asyncio.sleep(3)  # the dispatcher would send what a replay asked for
        took = time.monotonic() - started
        after, sent_after = await state_hashes(databases), await _wechat_messages(platform)
        changed = [t for t in after if before.get(t) != after[t]]
        hashes = ", ".join(f"{s} {h}" for s, h in service_hashes(after).items())
        return Row(
            scenario="4 day replayed twice",
            done=(
                f"every event on the broker published twice more; state hashes "
                f"{'unchanged' if not changed else 'CHANGED in ' + ', '.join(changed)} "
                f"({hashes}); "
                f"{sent_after - sent_before} extra notifications of {sent_before}"
            ),
            volume=f"{events} events × 2",
            lost=0,
            twice=len(changed) + (sent_after - sent_before),
            errors_outside=0,
            errors_during=0,
            recover_seconds=took,
            database=_backend(platform),
        )
    finally:
        await databases.close()


def _backend(platform: ProcessPlatform) -> str:
    url = next(iter(platform.database_urls.values()))
    return "postgresql" if url.startswith("postgresql") else "sqlite"

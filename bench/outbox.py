"""Outbox relay throughput and commit → consumed latency through the local broker.

Run by `make bench` (bench/run.py). Uses a fresh SQLite database, or PostgreSQL when
LIPEI_TEST_POSTGRES_URL is set, and a fresh Tansu broker.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from lipei.db import make_engine, make_sessionmaker
from lipei.events import CLAIMS_TOPIC, ClaimDrafted
from lipei.messaging import enqueue, messaging_metadata
from lipei.messaging.kafka import make_consumer
from lipei.messaging.relay import make_relay
from lipei.settings import ServiceSettings
from lipei_dev.broker import LocalBroker, free_port
from lipei_testing.databases import create_database, drop_database

THROUGHPUT_EVENTS = 5000
LATENCY_EVENTS = 300


def _event(i: int) -> ClaimDrafted:
    return ClaimDrafted(
        claim_id=f"bench-{i}",
        user_id="bench",
        policy_id="P",
        insurer_code="x",
        claim_type="outpatient",
        incident_date=date(2026, 1, 1),
        drafted_at=datetime.now(UTC),
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(tmp: Path) -> list[tuple[str, str, str]]:
    url = await create_database("bench_outbox", tmp)
    broker = LocalBroker(port=free_port(), log_path=tmp / "broker.log").start()
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(messaging_metadata.create_all)
        sessions = make_sessionmaker(engine)
        settings = ServiceSettings(
            kafka_bootstrap_servers=broker.bootstrap_servers,
            service_name="bench",
            outbox_poll_seconds=0.05,
        )
        relay = make_relay(sessions, settings)
        consumer = make_consumer(settings, [CLAIMS_TOPIC], "bench")
        await consumer.start()

        # Throughput: rows already committed, relay drains them.
        for start in range(0, THROUGHPUT_EVENTS, 100):
            async with sessions() as s, s.begin():
                for i in range(start, start + 100):
                    await enqueue(s, _event(i), source="/bench")
        began = time.perf_counter()
        while await relay.publish_pending():
            pass
        drain_seconds = time.perf_counter() - began
        seen = 0
        deadline = time.monotonic() + 120  # a lost event fails the bench instead of hanging it
        while seen < THROUGHPUT_EVENTS:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {seen} of {THROUGHPUT_EVENTS} events were consumed")
            batch = await consumer.getmany(timeout_ms=2000, max_records=1000)
            seen += sum(len(v) for v in batch.values())

        # Latency: one event per transaction, relay running, consumer timing arrival.
        relay_task = asyncio.create_task(relay.run())
        committed: dict[str, float] = {}
        latencies: list[float] = []

        async def consume() -> None:
            while len(latencies) < LATENCY_EVENTS:
                batch = await consumer.getmany(timeout_ms=1000)
                now = time.perf_counter()
                for records in batch.values():
                    for record in records:
                        key = record.key.decode() if record.key else ""
                        if key in committed:
                            latencies.append((now - committed.pop(key)) * 1000)

        reader = asyncio.create_task(consume())
        for i in range(LATENCY_EVENTS):
            event = _event(THROUGHPUT_EVENTS + i)
            async with sessions() as s, s.begin():
                await enqueue(s, event, source="/bench")
            committed[event.claim_id] = time.perf_counter()
            relay.wake()
            await asyncio.sleep(0.01)
        await asyncio.wait_for(reader, 60)
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await relay.close()
        await consumer.stop()
    finally:
        await engine.dispose()
        broker.stop()
        await drop_database(url)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    return [
        (
            f"outbox relay throughput ({backend})",
            f"{THROUGHPUT_EVENTS / drain_seconds:,.0f}",
            "events/s",
        ),
        ("commit → consumed latency p50", f"{statistics.median(latencies):.1f}", "ms"),
        ("commit → consumed latency p99", f"{_percentile(latencies, 0.99):.1f}", "ms"),
    ]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(measure(Path(tmp)))
    print("| measure | value | unit |")
    print("|---|---:|---|")
    for name, value, unit in rows:
        print(f"| {name} | {value} | {unit} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

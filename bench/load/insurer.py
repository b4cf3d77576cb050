"""The insurer's side, over Kafka: it reads its own topic (claim packages and assessments),
approves the claims the platform referred to it, and pays the ones approved."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from decimal import Decimal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from lipei.events import DecisionApproved, DecisionPaid, Event
from lipei.messaging.envelope import Envelope

SOURCE = "/insurer/load"


class Insurer:
    def __init__(self, bootstrap: str, insurer_code: str) -> None:
        self.bootstrap = bootstrap
        self.code = insurer_code
        self.packages: dict[str, float] = {}  # claim id → when its package arrived (wall clock)
        self.decisions = 0
        self.errors = 0

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            f"lipei.insurer.{self.code}.v1",
            bootstrap_servers=self.bootstrap,
            group_id=f"{self.code}-systems",
            auto_offset_reset="earliest",
        )
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, linger_ms=5)
        await consumer.start()
        await producer.start()
        try:
            async for message in consumer:
                try:
                    envelope = Envelope.from_kafka(message.headers, message.value)
                    await self._handle(producer, envelope.type, envelope.data)
                except Exception:
                    self.errors += 1
        finally:
            await consumer.stop()
            await producer.stop()

    async def _handle(self, producer: AIOKafkaProducer, kind: str, data: dict) -> None:  # type: ignore[type-arg]
        now = datetime.now(UTC)
        claim_id = str(data.get("claim_id"))
        if kind == "claim.package":
            self.packages.setdefault(claim_id, time.time())
            return
        if kind != "claim.assessed":
            return
        amount = Decimal(str(data.get("payable_amount") or "0")) or Decimal("100.00")
        if data.get("outcome") == "referred":
            await self._send(
                producer,
                DecisionApproved(
                    claim_id=claim_id,
                    insurer_code=self.code,
                    decided_at=now,
                    approved_amount=amount,
                ),
            )
        await self._send(
            producer,
            DecisionPaid(
                claim_id=claim_id,
                insurer_code=self.code,
                decided_at=now,
                paid_amount=amount,
                paid_at=now,
            ),
        )

    async def _send(self, producer: AIOKafkaProducer, event: Event) -> None:
        envelope = Envelope.wrap(event, source=SOURCE)
        await producer.send_and_wait(
            event.topic,
            envelope.value(),
            key=envelope.key.encode() if envelope.key else None,
            headers=envelope.headers(),
        )
        self.decisions += 1


async def start(bootstrap: str, insurer_code: str) -> tuple[Insurer, asyncio.Task[None]]:
    insurer = Insurer(bootstrap, insurer_code)
    return insurer, asyncio.create_task(insurer.run())

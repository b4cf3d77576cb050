"""Scenario 6: reminders escalated to SMS and voice while the Tencent Cloud stand-in fails 30 % of
calls (503: nothing sent) and answers 10 % too late (sent, but the caller times out).

Each reminder must reach each channel at most once, every failure must end in a retry or the
dead-letter topic, and the counts must add up: what the provider delivered is what notify
recorded as sent, plus the late answers notify gave up on (it cannot know those went out).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from lipei.clock import CHINA
from lipei.events import NOTIFICATIONS_TOPIC, DocumentRejected, Reason, dead_letter_topic
from lipei.messaging import Envelope
from lipei.web import INTERNAL_TOKEN_HEADER, USER_HEADER
from lipei_testing.chaos.report import Row
from lipei_testing.chaos.state import Databases
from lipei_testing.processes import ProcessPlatform

CHANNELS = {"SendSms": "sms", "SendTtsVoice": "voice"}

# Notify as the scenario runs it: no WeChat openid, so SMS is due at once and voice seconds
# later; failed messages retried after a second; a provider call times out after 1 s.
NOTIFY_ENV = {
    "ESCALATE_SMS_AFTER_HOURS": "0.0001",
    "ESCALATE_VOICE_AFTER_HOURS": "0.001",
    "DELIVERY_RETRY_BASE_SECONDS": "1",
    "PROVIDER_TIMEOUT_SECONDS": "1",
    "PROVIDER_BACKOFF_SECONDS": "0.1",
    "DISPATCH_POLL_SECONDS": "0.2",
}


def phone(i: int, run: str) -> str:
    return f"+86139{int(run, 16) % 1000:03d}{i:05d}"


async def _sign_up(client: httpx.AsyncClient, users: list[str], run: str) -> None:
    """Each user's phone number, and quiet hours far from now (the scenario runs any time)."""
    quiet_start = (datetime.now(CHINA) + timedelta(hours=12)).strftime("%H:%M")
    quiet_end = (datetime.now(CHINA) + timedelta(hours=12, minutes=1)).strftime("%H:%M")
    token = {INTERNAL_TOKEN_HEADER: "dev-internal-token"}
    semaphore = asyncio.Semaphore(8)

    async def one(i: int, user: str) -> None:
        headers = {**token, USER_HEADER: user}
        async with semaphore:
            r = await client.put(
                f"/internal/v1/contacts/{user}", json={"phone_number": phone(i, run)}, headers=token
            )
            r.raise_for_status()
            r = await client.put(
                "/api/v1/me/notification-preferences",
                json={"quiet_hours": {"start": quiet_start, "end": quiet_end}},
                headers=headers,
            )
            r.raise_for_status()

    await asyncio.gather(*(one(i, user) for i, user in enumerate(users)))


async def _reject_documents(bootstrap: str, users: list[str], run: str) -> None:
    """What OCR publishes when a photo is unreadable: one rejection per user's claim."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.client.force_metadata_update()
        for i, user in enumerate(users):
            event = DocumentRejected(
                claim_id=f"C-{run}-{i}",
                document_id=f"D-{run}-{i}",
                user_id=user,
                doc_type="invoice",
                reasons=[Reason(code="blurry", message="照片模糊，请重新拍摄")],
                rejected_at=datetime.now(UTC),
            )
            envelope = Envelope.wrap(event, source="/lipei/ocr-service")
            await producer.send(
                event.topic,
                value=envelope.value(),
                key=(envelope.key or "").encode(),
                headers=envelope.headers(),
            )
        await producer.flush()
    finally:
        await producer.stop()


async def _deliveries(databases: Databases, run: str) -> list[tuple[str, str, str]]:
    """(user, channel, status) of every SMS and voice message of the run."""
    async with databases.engines["notify_service"].connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT user_id, channel, status FROM deliveries "
                "WHERE user_id LIKE :p AND channel IN ('sms', 'voice')"
            ),
            {"p": f"chaos-{run}-%"},
        )
        return [(r[0], r[1], r[2]) for r in rows]


async def _dead_lettered(databases: Databases) -> int:
    async with databases.engines["notify_service"].connect() as conn:
        rows = await conn.execute(
            text("SELECT count(*) FROM outbox WHERE topic = :t"),
            {"t": dead_letter_topic(NOTIFICATIONS_TOPIC)},
        )
        return int(rows.scalar_one())


async def flaky_providers(
    platform: ProcessPlatform,
    *,
    n: int,
    fail_rate: float = 0.3,
    timeout_rate: float = 0.1,
    settle: float = 600.0,
) -> Row:
    run = uuid.uuid4().hex[:6]
    users = [f"chaos-{run}-{i}" for i in range(n)]
    databases = Databases(platform.database_urls)
    tencent = platform.ports.url(platform.ports.tencentcloud)
    try:
        async with httpx.AsyncClient(base_url=platform.url("notify_service"), timeout=30) as client:
            await _sign_up(client, users, run)
            faults = {"fail_rate": fail_rate, "timeout_rate": timeout_rate, "hold_seconds": 2.0}
            (await client.post(f"{tencent}/_standin/faults", json=faults)).raise_for_status()
            started = time.monotonic()
            await _reject_documents(platform.bootstrap_servers, users, run)
            deadline = started + settle
            while True:
                rows = await _deliveries(databases, run)
                settled = [r for r in rows if r[2] not in ("pending", "sending")]
                if len(settled) == 2 * n or time.monotonic() > deadline:
                    break
                await asyncio.sleep(1.0)
            took = time.monotonic() - started
            sent = await client.get(f"{tencent}/_standin/messages")
            counts = (await client.get(f"{tencent}/_standin/faults")).json()
        phones = {phone(i, run): user for i, user in enumerate(users)}
        delivered = Counter(
            (phones[m["phone_number"]], CHANNELS[m["action"]])
            for m in sent.json()["items"]
            if m["phone_number"] in phones
        )
        status = {(user, channel): s for user, channel, s in rows}
        notify_sent = {k for k, s in status.items() if s == "sent"}
        failed = {k for k, s in status.items() if s == "failed"}
        # Delivered though notify gave up: the late answers, never retried.
        unknown = {k for k in failed if delivered[k]}
        missing_steps = 2 * n - len(status)
        lost = missing_steps + len([k for k in notify_sent if not delivered[k]])
        unsettled = len(rows) - len(settled)
        adds_up = sum(delivered.values()) == len(notify_sent) + len(unknown)
        dlq = await _dead_lettered(databases)
        note = "" if adds_up and unsettled == 0 and dlq >= len(failed) else "counts do not add up"
        return Row(
            scenario="6 flaky providers",
            done=(
                f"SMS/voice stand-in fails {fail_rate:.0%}, answers late {timeout_rate:.0%}: "
                f"{counts['requests']} calls, {counts['failed']} failed and retried, "
                f"{counts['late']} late; {len(notify_sent)} sent, {len(failed)} dead-lettered "
                f"({len(unknown)} of them delivered late), {unsettled} unsettled"
            ),
            volume=f"{n} reminders, {2 * n} messages",
            lost=lost,
            twice=sum(1 for count in delivered.values() if count > 1),
            errors_outside=0,
            errors_during=0,
            recover_seconds=took,
            database=_backend(platform),
            note=note,
        )
    finally:
        await databases.close()


def _backend(platform: ProcessPlatform) -> str:
    url = platform.database_urls["notify_service"]
    return "postgresql" if url.startswith("postgresql") else "sqlite"

"""A disaster alert to a whole region: policyholders seeded in bulk, the alert issued through
the ops API, then timed until every message is queued and every WeChat message has reached
the stand-in, while claim reminders go on beside it.

The policyholders are seeded by a bulk SQL insert into intake's `policies` and notify's
`recipients` tables (through the services' own table definitions and intake's encryption at
rest): the ops API would take one request per policy, which measures the API, not the alert."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import create_engine

from intake_service.at_rest import policy_values
from intake_service.models import policies
from intake_service.settings import Settings as IntakeSettings
from lipei.events import DocumentRejected, Reason
from lipei.keyring import KeyRing
from lipei.messaging.envelope import Envelope
from notify_service.models import recipients

REGION = "330100"  # Hangzhou: no claim of the load is there
ALERT_WECHAT_TEMPLATE = "tmpl-disaster-alert"
ALERT_SMS_TEMPLATE = "2100010"
SEED_BATCH = 5000
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Population:
    users: int
    phone_every: int  # one user in this many gave a phone number

    def user(self, n: int) -> str:
        return f"fan-{n}"

    def openid(self, n: int) -> str:
        return f"ofan{n:07d}"

    def phone(self, n: int) -> str | None:
        return f"+86139{n:08d}" if n % self.phone_every == 0 else None

    def quiet(self, n: int) -> bool:
        """In their quiet hours now (their SMS waits): one phone holder in ten."""
        return n % (self.phone_every * 10) == 0

    def capped(self, n: int) -> bool:
        """One message a day allowed: the WeChat one; their SMS waits for tomorrow."""
        return n % (self.phone_every * 10) == self.phone_every

    def sms_expected(self) -> int:
        return sum(
            1
            for n in range(0, self.users, self.phone_every)
            if not self.quiet(n) and not self.capped(n)
        )


def _quiet_window() -> tuple[str, str]:
    """Quiet hours around now, China time."""
    now = datetime.now(CHINA)
    start, end = now - timedelta(hours=1), now + timedelta(hours=2)
    return start.strftime("%H:%M"), end.strftime("%H:%M")


def seed(var: Path, population: Population) -> float:
    """Policies in intake and contacts in notify; returns the seconds it took."""
    started = time.monotonic()
    keys = KeyRing.parse(IntakeSettings().data_keys)
    today = date.today()
    quiet_start, quiet_end = _quiet_window()
    now = datetime.now(UTC)
    intake = create_engine(f"sqlite:///{var / 'intake.db'}", connect_args={"timeout": 60})
    notify = create_engine(f"sqlite:///{var / 'notify.db'}", connect_args={"timeout": 60})
    for first in range(0, population.users, SEED_BATCH):
        numbers = range(first, min(first + SEED_BATCH, population.users))
        policy_rows = []
        contact_rows = []
        for n in numbers:
            policy_id = f"FAN-{n}"
            policy_rows.append(
                {
                    "policy_id": policy_id,
                    "holder_user_id": population.user(n),
                    "insurer_code": "demo-insurer",
                    "product_name": "家庭财产险",
                    "coverage": '["accident"]',
                    "region_code": REGION,
                    "valid_from": today - timedelta(days=100),
                    "valid_to": today + timedelta(days=265),
                    "sum_insured": Decimal("50000.00"),
                    **policy_values(
                        keys, policy_id, insured_name="李雷", insured_id_number="330106199001011234"
                    ),
                }
            )
            contact_rows.append(
                {
                    "user_id": population.user(n),
                    "wechat_openid": population.openid(n),
                    "phone_number": population.phone(n),
                    "wechat_on": True,
                    "sms_on": True,
                    "voice_on": True,
                    "quiet_start": quiet_start if population.quiet(n) else "21:00",
                    "quiet_end": quiet_end if population.quiet(n) else "08:00",
                    "daily_cap": 1 if population.capped(n) else None,
                    "updated_at": now,
                }
            )
        with intake.begin() as connection:
            connection.execute(policies.insert(), policy_rows)
        with notify.begin() as connection:
            connection.execute(recipients.insert(), contact_rows)
    intake.dispose()
    notify.dispose()
    return time.monotonic() - started


def _fanout_state(var: Path) -> tuple[str | None, int]:
    with sqlite3.connect(f"file:{var / 'notify.db'}?mode=ro", uri=True, timeout=30) as db:
        row = db.execute(
            "SELECT finished_at, users_reached FROM alert_fanouts ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
    return (row[0], int(row[1])) if row else (None, 0)


@dataclass
class Probe:
    """Claim reminders sent while the alert goes out: their latency to the WeChat stand-in."""

    latencies: list[float] = field(default_factory=list)
    lost: int = 0

    async def one(
        self, producer: AIOKafkaProducer, wechat: httpx.AsyncClient, k: int, var: Path
    ) -> None:
        user, openid = f"probe-{k}", f"oprobe{k:05d}"
        with sqlite3.connect(var / "notify.db", timeout=30) as db:
            db.execute(
                "INSERT OR IGNORE INTO recipients (user_id, wechat_openid, wechat_on, sms_on, "
                "voice_on, quiet_start, quiet_end, updated_at) VALUES (?, ?, 1, 1, 1, "
                "'21:00', '08:00', ?)",
                (user, openid, datetime.now(UTC).isoformat()),
            )
        event = DocumentRejected(
            claim_id=f"CLM-PROBE-{k}-{uuid.uuid4().hex[:6]}",
            document_id=f"D-probe-{k}",
            user_id=user,
            doc_type="medical_invoice",
            reasons=[Reason(code="blurry", message="照片模糊，请重新拍摄")],
            rejected_at=datetime.now(UTC),
        )
        envelope = Envelope.wrap(event, source="/lipei/load")
        sent = time.time()
        await producer.send_and_wait(
            event.topic,
            envelope.value(),
            key=envelope.key.encode() if envelope.key else None,
            headers=envelope.headers(),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            items = (await wechat.get("/_standin/messages", params={"touser": openid})).json()
            if items["items"]:
                self.latencies.append(items["items"][0]["at"] - sent)
                return
            await asyncio.sleep(0.1)
        self.lost += 1


@dataclass
class AlertResult:
    users: int
    seed_seconds: float
    queued_seconds: float
    wechat_seconds: float
    sms_seconds: float
    wechat: dict[str, Any]
    sms_sent: int
    sms_expected: int
    sms_to_held: int  # SMS that reached a user in quiet hours or over their cap (must be 0)
    probe: Probe


async def _wait_for(check: Any, patience: float, every: float = 0.5) -> float:
    """Seconds until `check` holds; NaN when it did not within `patience` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < patience:
        if await check():
            return time.monotonic() - started
        await asyncio.sleep(every)
    return float("nan")


async def alert(
    gateway: httpx.AsyncClient,
    wechat: httpx.AsyncClient,
    tencent: httpx.AsyncClient,
    producer: AIOKafkaProducer,
    var: Path,
    population: Population,
    seed_seconds: float,
    patience: float,
) -> AlertResult:
    login = await gateway.post("/api/v1/session", json={"code": "dev-ops:load"})
    ops = {"Authorization": f"Bearer {login.json()['access_token']}"}
    body = {
        "region_codes": [REGION],
        "kind": "typhoon",
        "title": "台风红色预警",
        "body": "今夜到明天有强降雨和十级以上大风",
        "valid_until": (datetime.now(UTC) + timedelta(hours=6)).isoformat(),
    }
    probe = Probe()
    answer = await gateway.post("/ops/v1/alerts", json=body, headers=ops)
    answer.raise_for_status()

    async def probing() -> None:
        k = 0
        while True:
            await probe.one(producer, wechat, k, var)
            k += 1
            await asyncio.sleep(2)

    prober = asyncio.create_task(probing())

    async def queued() -> bool:
        finished, _ = _fanout_state(var)
        return finished is not None

    async def wechat_done() -> bool:
        stats = (
            await wechat.get("/_standin/stats", params={"template_id": ALERT_WECHAT_TEMPLATE})
        ).json()
        return int(stats["messages"]) >= population.users

    try:
        queued_at = await _wait_for(queued, patience)
        wechat_at = await _wait_for(wechat_done, patience)
        sms_at = await _wait_for(lambda: _sms_count(tencent, population.sms_expected()), 60)
    finally:
        prober.cancel()
    stats = (
        await wechat.get("/_standin/stats", params={"template_id": ALERT_WECHAT_TEMPLATE})
    ).json()
    await asyncio.sleep(3)  # anything held back that wrongly went out would show now
    sms = await _sms_numbers(tencent)
    held = {
        population.phone(n)
        for n in range(0, population.users, population.phone_every)
        if population.quiet(n) or population.capped(n)
    }
    return AlertResult(
        users=population.users,
        seed_seconds=seed_seconds,
        queued_seconds=queued_at,
        wechat_seconds=queued_at + wechat_at,
        sms_seconds=queued_at + wechat_at + sms_at,
        wechat=stats,
        sms_sent=len(sms),
        sms_expected=population.sms_expected(),
        sms_to_held=sum(1 for number in sms if number in held),
        probe=probe,
    )


async def _sms_numbers(tencent: httpx.AsyncClient) -> list[str]:
    items = (await tencent.get("/_standin/messages", timeout=60)).json()["items"]
    return [i["phone_number"] for i in items if i["template_id"] == ALERT_SMS_TEMPLATE]


async def _sms_count(tencent: httpx.AsyncClient, expected: int) -> bool:
    return len(await _sms_numbers(tencent)) >= expected

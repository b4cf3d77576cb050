"""A regional alert fanned out to many policyholders in chunks: each user once (whatever is
redelivered, and across overlapping regions), quiet hours and daily caps kept, the provider's
pace kept, and a claim reminder raised meanwhile sent before the alert's remaining messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lipei.clock import MovableClock
from lipei.events import DocumentRejected, Reason
from lipei.messaging.envelope import Envelope
from lipei.messaging.kafka import make_producer
from lipei.messaging.tables import outbox_table
from lipei.settings import ServiceSettings
from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.platform import Platform, running_platform, wait_until
from lipei_testing.servers import serving
from notify_service.models import alert_fanouts, deliveries

pytestmark = pytest.mark.slow

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
USERS = 24
# Pages of 5 policyholders: the alert takes several chunks (and transactions).
CHUNK = 5
WECHAT_RATE = 8.0


def policy(n: int, region: str) -> dict[str, Any]:
    return {
        "holder_user_id": f"dev-u{n}",
        "insurer_code": "demo-insurer",
        "product_name": "家庭财产险",
        "insured_name": "张三",
        "insured_id_number": "110101199003071234",
        "coverage": ["outpatient"],
        "region_code": region,
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "sum_insured": "20000.00",
    }


@pytest.fixture
async def world(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    # The stand-in allows what notify is paced to: no send should meet the rate-limit error.
    wechat = WeChatStandIn(rate_limit_per_second=WECHAT_RATE)
    tencent = TencentCloudStandIn()
    async with serving(wechat.app) as wechat_url, serving(tencent.app) as tencent_url:
        settings = {
            "wechat_api_base": wechat_url,
            "tencentcloud_sms_url": tencent_url,
            "tencentcloud_vms_url": tencent_url,
            "dispatch_poll_seconds": 0.1,
            "dispatch_batch": 6,
            "alert_chunk": CHUNK,
            "wechat_rate_per_second": WECHAT_RATE,
        }
        async with running_platform(
            bootstrap_servers=bootstrap_servers,
            tmp_dir=tmp_path,
            clock=MovableClock(START),
            services=("intake", "notify"),
            overrides={"notify": settings},
        ) as platform:
            yield {"platform": platform, "wechat": wechat, "tencent": tencent}


async def _policyholders(platform: Platform) -> None:
    """USERS holders in Shanghai (u0 also in Pudong), each logged in (WeChat) with a phone;
    u1 is in quiet hours now, u2 allows one message a day."""
    ops = await platform.login("dev-ops:olivia")
    for n in range(USERS):
        answer = await platform.client.put(
            f"/ops/v1/policies/P-{n}", json=policy(n, "310000"), headers=ops
        )
        assert answer.status_code == 200, answer.text
    answer = await platform.client.put(
        "/ops/v1/policies/P-pudong", json=policy(0, "310115"), headers=ops
    )
    assert answer.status_code == 200, answer.text
    for n in range(USERS):
        prefs: dict[str, Any] = {"phone_number": f"+86138001{n:05d}"}
        if n == 1:
            prefs["quiet_hours"] = {"start": "09:00", "end": "12:00"}
        if n == 2:
            prefs["daily_cap"] = 1
        user = await platform.login(f"dev:u{n}")
        answer = await platform.client.put(
            "/api/v1/me/notification-preferences", json=prefs, headers=user
        )
        assert answer.status_code == 200, answer.text


def alert() -> dict[str, Any]:
    return {
        "region_codes": ["310000", "310115"],
        "kind": "typhoon",
        "title": "台风红色预警",
        "body": "今夜到明天有强降雨和十级以上大风",
        "valid_until": (START + timedelta(days=1)).isoformat(),
    }


async def _republish_alert(platform: Platform, bootstrap_servers: str) -> None:
    """The alert event delivered a second time, as after a consumer restart."""
    async with platform.runtime("notify").sessionmaker() as session:
        (event_id,) = (await session.execute(select(alert_fanouts.c.source_event_id))).one()
    async with platform.runtime("notify").sessionmaker() as session:
        row = (
            await session.execute(select(outbox_table).where(outbox_table.c.event_id == event_id))
        ).one()
    producer = make_producer(ServiceSettings(kafka_bootstrap_servers=bootstrap_servers))
    await producer.start()
    try:
        await producer.send_and_wait(
            row.topic,
            value=row.payload.encode(),
            key=(row.key or "").encode(),
            headers=[(k, v.encode()) for k, v in row.headers],
        )
    finally:
        await producer.stop()


async def test_a_regional_alert_reaches_each_policyholder_once_in_chunks(
    world: dict[str, Any], bootstrap_servers: str
) -> None:
    platform: Platform = world["platform"]
    wechat: WeChatStandIn = world["wechat"]
    tencent: TencentCloudStandIn = world["tencent"]
    await _policyholders(platform)
    ops = await platform.login("dev-ops:olivia")

    accepted = await platform.client.post("/ops/v1/alerts", json=alert(), headers=ops)
    assert accepted.status_code == 202, accepted.text
    await wait_until(lambda: len(wechat.messages) == USERS, timeout=60)
    await _republish_alert(platform, bootstrap_servers)

    # Everyone once on WeChat, u0 too (in both regions), whatever was redelivered.
    assert sorted(m.touser for m in wechat.messages) == sorted(
        f"dev-openid-u{n}" for n in range(USERS)
    )
    assert wechat.rate_limited == 0
    # SMS: not to u1 (quiet hours) nor u2 (its one message today was the WeChat one).
    await wait_until(lambda: len(tencent.delivered) == USERS - 2, timeout=30)
    phones = {d.phone_number for d in tencent.delivered}
    assert "+8613800100001" not in phones and "+8613800100002" not in phones
    async with platform.runtime("notify").sessionmaker() as session:
        held = (
            await session.execute(
                select(deliveries.c.user_id, deliveries.c.last_error).where(
                    deliveries.c.channel == "sms", deliveries.c.status == "pending"
                )
            )
        ).all()
        (fanout,) = (await session.execute(select(alert_fanouts))).all()
    assert sorted(held) == [("dev-u1", "quiet hours"), ("dev-u2", "daily cap")]
    assert fanout.finished_at is not None
    assert fanout.users_reached == USERS
    u0 = await platform.login("dev:u0")
    inbox = (await platform.client.get("/api/v1/me/notifications", headers=u0)).json()
    assert [item["title"] for item in inbox["items"]] == ["台风红色预警"]


async def test_a_claim_reminder_goes_before_the_alerts_still_waiting(
    world: dict[str, Any], bootstrap_servers: str
) -> None:
    platform: Platform = world["platform"]
    wechat: WeChatStandIn = world["wechat"]
    await _policyholders(platform)
    ops = await platform.login("dev-ops:olivia")
    accepted = await platform.client.post("/ops/v1/alerts", json=alert(), headers=ops)
    assert accepted.status_code == 202, accepted.text
    await wait_until(lambda: len(wechat.messages) >= 3, timeout=60)

    # u5's document is rejected while most of the alert waits to be paced out.
    rejected = DocumentRejected(
        claim_id="CLM-1001-AB12CD",
        document_id="D-1",
        user_id="dev-u5",
        doc_type="medical_invoice",
        reasons=[Reason(code="blurry", message="照片模糊，请重新拍摄")],
        rejected_at=START,
    )
    envelope = Envelope.wrap(rejected, source="/lipei/test", time=START)
    producer = make_producer(ServiceSettings(kafka_bootstrap_servers=bootstrap_servers))
    await producer.start()
    try:
        await producer.send_and_wait(
            "lipei.documents.v1",
            value=envelope.value(),
            key=(envelope.key or "").encode(),
            headers=envelope.headers(),
        )
    finally:
        await producer.stop()

    def reminded() -> bool:
        return any(m.data.get("thing1") == "医疗发票" for m in wechat.messages)

    await wait_until(reminded, timeout=30)
    order = [m.data.get("thing1") for m in wechat.messages]
    # Sent while alert messages were still waiting: it did not queue behind the region.
    assert wechat.rate_limited == 0
    assert order.index("医疗发票") < USERS
    await wait_until(lambda: len(wechat.messages) == USERS + 1, timeout=60)

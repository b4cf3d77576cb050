"""notify end to end: events from a real broker, messages to the WeChat and Tencent Cloud
stand-ins served on loopback, time moved by the shared clock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import delete, select

from lipei.clock import MovableClock
from lipei.events import (
    ClaimDeadlineBreached,
    ClaimDocumentUploaded,
    ClaimStatusChanged,
    DocumentRejected,
    Event,
    Reason,
)
from lipei.messaging.envelope import Envelope
from lipei.messaging.kafka import make_producer
from lipei.messaging.tables import outbox_table, processed_events_table
from lipei.settings import ServiceSettings
from lipei.timestamps import utc as aware
from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.databases import create_database, drop_database
from lipei_testing.platform import INTERNAL_TOKEN, Platform, running_platform, wait_until
from lipei_testing.servers import serving
from notify_service.app import create_app
from notify_service.models import deliveries, reminders
from notify_service.settings import Settings

pytestmark = pytest.mark.slow

# 10:00 in Shanghai: outside quiet hours, so SMS and calls go out when due.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
# The gateway's dev login registers this openid with notify.
ALICE, ALICE_OPENID, ALICE_PHONE = "dev-alice", "dev-openid-alice", "+8613800138001"
OPS_PHONE = "+8613900139000"


@dataclass
class Providers:
    wechat: WeChatStandIn
    tencent: TencentCloudStandIn
    settings: dict[str, Any]


@pytest.fixture
async def providers() -> AsyncIterator[Providers]:
    wechat, tencent = WeChatStandIn(), TencentCloudStandIn()
    async with serving(wechat.app) as wechat_url, serving(tencent.app) as tencent_url:
        yield Providers(
            wechat,
            tencent,
            {
                "wechat_api_base": wechat_url,
                "wechat_appid": wechat.appid,
                "wechat_secret": wechat.secret,
                "tencentcloud_sms_url": tencent_url,
                "tencentcloud_vms_url": tencent_url,
                "tencentcloud_secret_id": tencent.secret_id,
                "tencentcloud_secret_key": tencent.secret_key,
                "escalate_sms_after_hours": 4,
                "escalate_voice_after_hours": 24,
                "dispatch_poll_seconds": 0.1,
                "provider_backoff_seconds": 0.05,
                "delivery_retry_base_seconds": 60,
                "ops_phone_number": OPS_PHONE,
            },
        )


@pytest.fixture
async def producer(bootstrap_servers: str) -> AsyncIterator[AIOKafkaProducer]:
    client = make_producer(ServiceSettings(kafka_bootstrap_servers=bootstrap_servers))
    await client.start()
    yield client
    await client.stop()


async def publish(producer: AIOKafkaProducer, envelope: Envelope, topic: str) -> None:
    await producer.send_and_wait(
        topic, value=envelope.value(), key=(envelope.key or "").encode(), headers=envelope.headers()
    )


def wrap(event: Event, at: datetime) -> Envelope:
    return Envelope.wrap(event, source="/lipei/test", time=at)


def rejected(claim_id: str, at: datetime, reason: str = "照片模糊，请重新拍摄") -> DocumentRejected:
    return DocumentRejected(
        claim_id=claim_id,
        document_id=f"D-{claim_id}",
        user_id=ALICE,
        doc_type="medical_invoice",
        reasons=[Reason(code="blurry", message=reason)],
        rejected_at=at,
    )


def upload(claim_id: str, doc_type: str, clock: MovableClock) -> ClaimDocumentUploaded:
    document_id = f"D-{doc_type}"
    return ClaimDocumentUploaded(
        claim_id=claim_id,
        user_id=ALICE,
        document_id=document_id,
        doc_type=doc_type,
        storage_key=f"claims/{claim_id}/{document_id}",
        sha256="0" * 64,
        content_type="image/jpeg",
        size_bytes=1024,
        uploaded_at=clock.now(),
    )


async def put_contact(base_url: str, user_id: str, **contact: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.put(
            f"/internal/v1/contacts/{user_id}",
            json=contact,
            headers={"X-Lipei-Internal-Token": INTERNAL_TOKEN},
        )
    assert response.status_code == 200, response.text


async def rows(runtime: Any, query: Any) -> list[Any]:
    async with runtime.sessionmaker() as session:
        return list((await session.execute(query)).all())


@pytest.fixture
async def notify(
    bootstrap_servers: str, tmp_path: Path, providers: Providers
) -> AsyncIterator[Platform]:
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=MovableClock(START),
        services=("notify",),
        overrides={"notify": providers.settings},
    ) as platform:
        alice = await platform.login("dev:alice")
        response = await platform.client.put(
            "/api/v1/me/notification-preferences", json={"phone_number": ALICE_PHONE}, headers=alice
        )
        assert response.status_code == 200, response.text
        assert response.json()["wechat_subscribed"] is True
        yield platform


async def test_a_rejected_document_escalates_from_wechat_to_sms_to_voice_until_reuploaded(
    notify: Platform, providers: Providers, producer: AIOKafkaProducer
) -> None:
    wechat, tencent, clock = providers.wechat, providers.tencent, notify.clock
    runtime = notify.runtime("notify")
    reason = "身份证号110101199003071234与保单不符"
    await publish(
        producer,
        wrap(rejected("CLM-1001-AB12CD", clock.now(), reason), clock.now()),
        "lipei.documents.v1",
    )

    await wait_until(lambda: len(wechat.messages_to(ALICE_OPENID)) == 1)
    message = wechat.messages_to(ALICE_OPENID)[0]
    assert message.data["thing1"] == "医疗发票"
    assert message.data["character_string4"] == "AB12CD"
    assert "110101199003071234" not in json.dumps(message.data, ensure_ascii=False)
    assert tencent.delivered == []

    clock.advance(timedelta(hours=3, minutes=59))
    await notify.apps["notify"].state.dispatcher.tick()
    assert tencent.sms_to(ALICE_PHONE) == []

    clock.advance(timedelta(minutes=2))  # 4 h 1 min: the SMS is due
    await wait_until(lambda: len(tencent.sms_to(ALICE_PHONE)) == 1)
    assert tencent.sms_to(ALICE_PHONE)[0].params == ["AB12CD", "医疗发票"]
    assert tencent.calls_to(ALICE_PHONE) == []

    clock.advance(timedelta(hours=20))  # 24 h 1 min: the call is due
    await wait_until(lambda: len(tencent.calls_to(ALICE_PHONE)) == 1)
    assert tencent.calls_to(ALICE_PHONE)[0].params == ["医疗发票"]

    # The inbox holds the notice, masked, newest first.
    alice = await notify.login("dev:alice")
    inbox = (await notify.client.get("/api/v1/me/notifications", headers=alice)).json()
    assert [item["title"] for item in inbox["items"]] == ["材料需要重新上传"]
    assert "110101199003071234" not in inbox["items"][0]["body"]
    assert "**************1234" in inbox["items"][0]["body"]

    # A second rejection, answered by a new upload: no SMS, no call, however long we wait.
    await publish(
        producer, wrap(rejected("CLM-2002-EF34GH", clock.now()), clock.now()), "lipei.documents.v1"
    )
    await wait_until(lambda: len(wechat.messages_to(ALICE_OPENID)) == 2)
    clock.advance(timedelta(hours=1))
    query = select(reminders.c.resolved_at).where(reminders.c.claim_id == "CLM-2002-EF34GH")
    # Uploading some other document does not answer the invoice's rejection.
    consumer = runtime.consumers[0]
    applied = consumer.applied
    await publish(
        producer,
        wrap(upload("CLM-2002-EF34GH", "bank_card", clock), clock.now()),
        "lipei.claims.v1",
    )
    await wait_until(lambda: consumer.applied > applied)
    assert [r.resolved_at for r in await rows(runtime, query)] == [None]
    uploaded = upload("CLM-2002-EF34GH", "medical_invoice", clock)
    await publish(producer, wrap(uploaded, clock.now()), "lipei.claims.v1")

    async def resolved() -> bool:
        found = await rows(runtime, query)
        return bool(found) and found[0].resolved_at is not None

    await wait_until(resolved)
    clock.advance(timedelta(days=2))
    await notify.apps["notify"].state.dispatcher.tick()
    assert len(tencent.sms_to(ALICE_PHONE)) == 1
    assert len(tencent.calls_to(ALICE_PHONE)) == 1
    assert len(wechat.messages_to(ALICE_OPENID)) == 2
    # Two notices in the inbox, newest first, a page at a time.
    first = (
        await notify.client.get("/api/v1/me/notifications", params={"limit": 1}, headers=alice)
    ).json()
    assert "EF34GH" in first["items"][0]["body"]
    second = (
        await notify.client.get(
            "/api/v1/me/notifications",
            params={"limit": 1, "cursor": first["next_cursor"]},
            headers=alice,
        )
    ).json()
    assert "AB12CD" in second["items"][0]["body"]
    assert second["next_cursor"] is None
    escalations = await rows(
        runtime,
        select(outbox_table.c.event_id).where(
            outbox_table.c.event_type == "notification.escalated"
        ),
    )
    assert len(escalations) == 2


async def test_a_refused_wechat_message_brings_the_sms_at_once_and_the_call_on_time(
    notify: Platform, providers: Providers, producer: AIOKafkaProducer
) -> None:
    wechat, tencent, clock = providers.wechat, providers.tencent, notify.clock
    runtime = notify.runtime("notify")
    dispatcher = notify.apps["notify"].state.dispatcher
    wechat.limited_consents = True  # Alice never tapped "allow": WeChat answers 43101
    await publish(
        producer, wrap(rejected("CLM-1101-REFUSD", clock.now()), clock.now()), "lipei.documents.v1"
    )

    # The clock has not moved: the SMS does not wait out its 4 hours for a refused message.
    await wait_until(lambda: len(tencent.sms_to(ALICE_PHONE)) == 1)
    assert clock.now() == START
    assert wechat.messages == []
    assert tencent.sms_to(ALICE_PHONE)[0].params == ["REFUSD", "医疗发票"]
    escalated = await _logged(runtime, "notification.escalated")
    assert [(e["channel"], e["from_channel"]) for e in escalated] == [("sms", "wechat")]
    assert "43101" in escalated[0]["reason"]

    # The SMS's own hour comes and goes without a second one; the call keeps its time.
    clock.advance(timedelta(hours=4, minutes=1))
    await dispatcher.tick()
    clock.advance(timedelta(hours=19, minutes=58))  # 23 h 59 min
    await dispatcher.tick()
    assert len(tencent.sms_to(ALICE_PHONE)) == 1
    assert tencent.calls_to(ALICE_PHONE) == []
    clock.advance(timedelta(minutes=2))  # 24 h 1 min: the call is due
    await wait_until(lambda: len(tencent.calls_to(ALICE_PHONE)) == 1)
    escalated = await _logged(runtime, "notification.escalated")
    assert escalated[1]["channel"] == "voice"
    assert escalated[1]["reason"] == "not acted on within 24 h"

    # WeChat is now off for Alice: the next reminder skips it and texts her straight away.
    moved = clock.now()
    await publish(
        producer, wrap(rejected("CLM-1202-NOWECH", clock.now()), clock.now()), "lipei.documents.v1"
    )
    await wait_until(lambda: len(tencent.sms_to(ALICE_PHONE)) == 2)
    assert clock.now() == moved
    assert wechat.messages == []
    escalated = await _logged(runtime, "notification.escalated")
    assert escalated[2]["claim_id"] == "CLM-1202-NOWECH"
    assert escalated[2]["reason"] == "wechat cannot reach the user: no wechat subscription"


async def _logged(runtime: Any, event_type: str) -> list[dict[str, Any]]:
    """The delivery-log events of a type the service has written, oldest first."""
    found = await rows(
        runtime,
        select(outbox_table.c.payload)
        .where(outbox_table.c.event_type == event_type)
        .order_by(outbox_table.c.created_at),
    )
    return [json.loads(r.payload) for r in found]


async def test_a_refused_subscription_at_night_defers_the_sms_to_the_morning(
    notify: Platform, providers: Providers, producer: AIOKafkaProducer
) -> None:
    clock, tencent = notify.clock, providers.tencent
    runtime = notify.runtime("notify")
    providers.wechat.limited_consents = True  # Alice never tapped "allow": WeChat says 43101
    alice = await notify.login("dev:alice")  # (a later login would renew the subscription)
    path = "/api/v1/me/notification-preferences"
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 22:00 in Shanghai: quiet
    await publish(
        producer, wrap(rejected("CLM-3003-NIGHT1", clock.now()), clock.now()), "lipei.documents.v1"
    )
    await wait_until(lambda: _unsubscribed(notify, alice))
    assert providers.wechat.messages == []

    # The SMS falls due at once but is held, not dropped, until 08:00.
    morning = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    await wait_until(lambda: _sms_held_until(runtime, morning))
    dispatcher = notify.apps["notify"].state.dispatcher
    clock.advance(timedelta(hours=9, minutes=59))  # 07:59
    await dispatcher.tick()
    assert tencent.sms_to(ALICE_PHONE) == []

    clock.set(morning + timedelta(seconds=30))  # 08:00:30 next morning
    await wait_until(lambda: len(tencent.sms_to(ALICE_PHONE)) == 1)
    assert (await notify.client.get(path, headers=alice)).json()["wechat_subscribed"] is False


async def _sms_held_until(runtime: Any, until: datetime) -> bool:
    found = await rows(
        runtime,
        select(deliveries.c.due_at).where(
            deliveries.c.channel == "sms", deliveries.c.status == "pending"
        ),
    )
    return [aware(r.due_at) for r in found] == [until]


async def _unsubscribed(platform: Platform, alice: dict[str, str]) -> bool:
    path = "/api/v1/me/notification-preferences"
    prefs = (await platform.client.get(path, headers=alice)).json()
    return prefs["wechat_subscribed"] is False


async def test_a_provider_outage_delays_messages_without_losing_or_doubling_them(
    notify: Platform, providers: Providers, producer: AIOKafkaProducer, bootstrap_servers: str
) -> None:
    clock, tencent = notify.clock, providers.tencent
    runtime = notify.runtime("notify")
    tencent.outage(600)
    claims = [f"CLM-500{i}-LATE0{i}" for i in range(3)]
    for claim_id in claims:
        breach = ClaimDeadlineBreached(
            claim_id=claim_id, kind="decision", due_at=clock.now() - timedelta(hours=1)
        )
        await publish(producer, wrap(breach, clock.now()), "lipei.claim-status.v1")
    # Each message is tried three times (two in-call retries) and then waits its backoff.
    await wait_until(lambda: tencent.requests >= 9)
    pending = await rows(runtime, select(deliveries.c.status, deliveries.c.attempts))
    await wait_until(
        lambda: _all_waiting(runtime),
    )
    assert len(pending) == 3
    assert tencent.sms_to(OPS_PHONE) == []

    tencent.recover()
    clock.advance(timedelta(minutes=2))
    await wait_until(lambda: len(tencent.sms_to(OPS_PHONE)) == 3)
    clock.advance(timedelta(hours=1))
    dispatcher = notify.apps["notify"].state.dispatcher
    await dispatcher.tick()
    sent = sorted(d.params for d in tencent.sms_to(OPS_PHONE))
    assert sent == [["LATE00", "理赔核定"], ["LATE01", "理赔核定"], ["LATE02", "理赔核定"]]

    # A permanent refusal: given up at once, logged and dead-lettered.
    tencent.refuse(OPS_PHONE)
    breach = ClaimDeadlineBreached(claim_id="CLM-6006-REFUSE", kind="payment", due_at=clock.now())
    await publish(producer, wrap(breach, clock.now()), "lipei.claim-status.v1")
    dead = await wait_until(
        lambda: _read_topic(bootstrap_servers, "lipei.notifications.v1.dlq"), timeout=40
    )
    assert dead[0]["claim_id"] == "CLM-6006-REFUSE"
    assert dead[0]["permanent"] is True
    assert "PhoneNumberInBlacklist" in dead[0]["error"]
    logged = await _read_topic(bootstrap_servers, "lipei.notifications.v1")
    failures = [e for e in logged if e.get("claim_id") == "CLM-6006-REFUSE" and e.get("permanent")]
    assert len(failures) == 1
    assert len(tencent.sms_to(OPS_PHONE)) == 3


async def _all_waiting(runtime: Any) -> bool:
    found = await rows(runtime, select(deliveries.c.status, deliveries.c.attempts))
    return len(found) == 3 and all(r.status == "pending" and r.attempts == 1 for r in found)


async def _read_topic(bootstrap_servers: str, topic: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=2000)
        return [json.loads(r.value) for records in batches.values() for r in records if r.value]
    finally:
        await consumer.stop()


async def test_redelivered_and_replayed_events_send_nothing_twice(
    bootstrap_servers: str, tmp_path: Path, providers: Providers, producer: AIOKafkaProducer
) -> None:
    wechat = providers.wechat
    clock = MovableClock(START)
    database_url = await create_database("notify-replay", tmp_path)
    settings = Settings(
        kafka_bootstrap_servers=bootstrap_servers,
        internal_token=INTERNAL_TOKEN,
        outbox_poll_seconds=0.2,
        database_url=database_url,
        **providers.settings,
    )
    status = ClaimStatusChanged.model_validate(
        {
            "claim_id": "CLM-8008-PAID88",
            "user_id": ALICE,
            "from": "approved",
            "to": "paid",
            "at": clock.now(),
            "cause": "claim.decision.paid",
            "paid_amount": "484.50",
        }
    )
    events = [
        (wrap(rejected("CLM-7007-PAID77", clock.now()), clock.now()), "lipei.documents.v1"),
        (wrap(status, clock.now()), "lipei.claim-status.v1"),
    ]
    try:
        app = create_app(settings, clock=clock)
        async with serving(app) as url:
            await put_contact(url, ALICE, wechat_openid=ALICE_OPENID)
            for envelope, topic in [*events, *events]:  # every event published twice
                await publish(producer, envelope, topic)
            await wait_until(lambda: len(wechat.messages_to(ALICE_OPENID)) == 2)
            consumer = app.state.runtime.consumers[0]
            await wait_until(lambda: consumer.duplicates >= 2)
            await app.state.dispatcher.tick()
            paid = [m for m in wechat.messages if m.data.get("phrase3") == "已支付"]
            assert paid[0].data["amount2"] == "484.50元"
        # The service's inbox of processed events is lost and its consumer group starts over
        # from the beginning: the per-(event, channel, user) keys still hold.
        app = create_app(settings, clock=clock)
        async with app.state.runtime.sessionmaker() as session, session.begin():
            await session.execute(delete(processed_events_table))
        await _rewind(bootstrap_servers, "notify-service")
        async with serving(app):
            consumer = app.state.runtime.consumers[0]
            # Each event is read twice again; the first copy is applied anew, reaching the keys.
            await wait_until(lambda: consumer.applied + consumer.duplicates >= 4, timeout=40)
            assert consumer.applied == 2
            await app.state.dispatcher.tick()
            assert len(wechat.messages_to(ALICE_OPENID)) == 2
            inbox = await rows(app.state.runtime, select(deliveries.c.delivery_id))
            assert len(inbox) == 2

            # A process stopped mid-send leaves a message whose fate is unknown: it is not
            # sent again (that could send it twice) but logged and dead-lettered.
            async with app.state.runtime.sessionmaker() as session, session.begin():
                await session.execute(
                    deliveries.insert().values(
                        delivery_id="D-interrupted",
                        dedupe_key="E-interrupted:wechat:dev-alice",
                        user_id=ALICE,
                        channel="wechat",
                        template="claim_submitted",
                        params={"claim_ref": "STOP01"},
                        trigger="claim.status.changed",
                        claim_id="CLM-9999-STOP01",
                        status="sending",
                        due_at=clock.now(),
                        attempts=1,
                        created_at=clock.now(),
                        claimed_at=datetime.now(UTC) - timedelta(minutes=10),
                    )
                )
            # Rounds that meet the stale claim at once dead-letter it once between them.
            await asyncio.gather(*(app.state.dispatcher.release_stale_claims() for _ in range(3)))
            await app.state.dispatcher.tick()
            state = await rows(
                app.state.runtime,
                select(deliveries.c.status).where(deliveries.c.delivery_id == "D-interrupted"),
            )
            assert [r.status for r in state] == ["failed"]
            assert len(wechat.messages_to(ALICE_OPENID)) == 2
            dead = await rows(
                app.state.runtime,
                select(outbox_table.c.payload).where(
                    outbox_table.c.topic == "lipei.notifications.v1.dlq"
                ),
            )
            assert [json.loads(r.payload)["claim_id"] for r in dead] == ["CLM-9999-STOP01"]
    finally:
        await drop_database(database_url)


async def _rewind(bootstrap_servers: str, group_id: str) -> None:
    consumer = AIOKafkaConsumer(
        "lipei.documents.v1",
        "lipei.claim-status.v1",
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        await wait_until(lambda: bool(consumer.assignment()), timeout=30)
        await consumer.commit({tp: 0 for tp in consumer.assignment()})
    finally:
        await consumer.stop()


async def test_status_events_tell_the_user_what_the_insurer_decided(
    notify: Platform, providers: Providers, producer: AIOKafkaProducer
) -> None:
    """The events as tracking publishes them: amounts, reasons and materials ride along."""
    wechat, clock = providers.wechat, notify.clock
    claim_id = "CLM-4004-DECIDE"

    def change(before: str, after: str, cause: str, **decided: Any) -> Envelope:
        event = ClaimStatusChanged.model_validate(
            {
                "claim_id": claim_id,
                "user_id": ALICE,
                "from": before,
                "to": after,
                "at": clock.now(),
                "cause": cause,
                **decided,
            }
        )
        return wrap(event, clock.now())

    materials = [
        {"doc_type": "expense_list", "reason": "缺少费用明细"},
        {"doc_type": "discharge_summary", "reason": "需出院小结"},
    ]
    topic = "lipei.claim-status.v1"
    asked = "claim.decision.materials_requested"
    # The request for materials passes through review on its way: only the request is told.
    await publish(producer, change("submitted", "under_review", asked), topic)
    await publish(
        producer, change("under_review", "materials_requested", asked, materials=materials), topic
    )
    await wait_until(lambda: len(wechat.messages_to(ALICE_OPENID)) == 1)
    request = wechat.messages_to(ALICE_OPENID)[0]
    assert request.data["thing1"] == "费用清单、出院小结"
    assert request.data["phrase2"] == "待补充"

    clock.advance(timedelta(hours=1))
    supplied = "claim.materials.supplemented"
    await publish(producer, change("materials_requested", "under_review", supplied), topic)
    await publish(
        producer,
        change("under_review", "rejected", "claim.decision.rejected"),
        topic,
    )
    await wait_until(lambda: len(wechat.messages_to(ALICE_OPENID)) == 3)
    await notify.apps["notify"].state.dispatcher.tick()
    by_phrase = {m.data["phrase2"]: m.data for m in wechat.messages_to(ALICE_OPENID)}
    assert sorted(by_phrase) == sorted(["待补充", "审核中", "未通过"])
    assert by_phrase["未通过"]["thing3"] == "理由请在小程序中查看"

    alice = await notify.login("dev:alice")
    inbox = (await notify.client.get("/api/v1/me/notifications", headers=alice)).json()
    bodies = {item["kind"]: item["body"] for item in inbox["items"]}
    assert "费用清单（缺少费用明细）；出院小结（需出院小结）" in bodies["materials_requested"]
    assert "理由请在小程序的理赔进度中查看" in bodies["claim_rejected"]
    # Answered by the supplement: no SMS or call follows the request, however long.
    clock.advance(timedelta(days=3))
    await notify.apps["notify"].state.dispatcher.tick()
    assert providers.tencent.delivered == []

"""The butler across the platform, over real HTTP and the broker: a user writes, their butler
sees them in the inbox, takes a suggested answer and replies; the user reads it and is told by
WeChat; other butlers and users get 404; a dispute's outcome reaches the user's timeline; a
complaint puts the day in the QA sample, masked; a review moves the scoreboard; out of hours the
assistant answers. No message text is on the broker, in the logs or in a plaintext column."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import select

from butler_service.models import metadata as butler_tables
from lipei.clock import MovableClock
from lipei.events import (
    CLAIM_STATUS_TOPIC,
    CLAIMS_TOPIC,
    CONVERSATIONS_TOPIC,
    DISPUTES_TOPIC,
    NOTIFICATIONS_TOPIC,
    ClaimSubmitted,
    DecisionRejected,
    Event,
)
from lipei.messaging import Envelope
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.platform import Platform, running_platform, wait_until
from lipei_testing.servers import serving
from notify_service.models import metadata as notify_tables

pytestmark = pytest.mark.slow

# Monday 2 March 2026, 10:00 in China: in service hours.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
DAY = "2026-03-02"
INSURER = "demo-insurer"
ID_NUMBER = "11010519491231002X"
CARD = "6222021234567890128"
PHONE = "13800138000"
QUESTION = f"请问门诊理赔需要准备哪些材料？我的身份证号{ID_NUMBER}，电话{PHONE}"
PERSONAL = "张先生，您这次的门诊发票记得拍清楚四个角"
COMPLAINT = f"上次打款失败了，卡号{CARD}，一直没人处理"
POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": INSURER,
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient"],
    "region_code": "310000",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "sum_insured": "20000.00",
}


@pytest.fixture
async def wechat() -> AsyncIterator[tuple[WeChatStandIn, str]]:
    standin = WeChatStandIn()
    async with serving(standin.app) as url:
        yield standin, url


@pytest.fixture
async def platform(
    bootstrap_servers: str, tmp_path: Path, wechat: tuple[WeChatStandIn, str]
) -> AsyncIterator[Platform]:
    standin, url = wechat
    notify = {
        "wechat_api_base": url,
        "wechat_appid": standin.appid,
        "wechat_secret": standin.secret,
        "dispatch_poll_seconds": 0.1,
    }
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=MovableClock(START),
        overrides={"notify": notify, "butler": {"knowledge_refresh_seconds": 0.5}},
        services=("intake", "tracking", "notify", "butler"),
    ) as p:
        yield p


@pytest.fixture
async def producer(bootstrap_servers: str) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await client.start()
    yield client
    await client.stop()


async def publish(producer: AIOKafkaProducer, event: Event, source: str) -> None:
    envelope = Envelope.wrap(event, source=source)
    await producer.client.force_metadata_update()
    await producer.send_and_wait(
        event.topic,
        value=envelope.value(),
        key=(envelope.key or "").encode(),
        headers=envelope.headers(),
    )


async def get(platform: Platform, path: str, headers: dict[str, str], status: int = 200) -> Any:
    response = await platform.client.get(path, headers=headers)
    assert response.status_code == status, (path, response.text)
    return response.json()


async def send(
    platform: Platform, method: str, path: str, headers: dict[str, str], body: Any, status: int
) -> Any:
    response = await platform.client.request(method, path, json=body, headers=headers)
    assert response.status_code == status, (path, response.text)
    return response.json()


async def staff(platform: Platform, ops: dict[str, str]) -> None:
    for butler_id, name, capacity in (("b-wang", "王管家", 1), ("b-li", "李管家", 1)):
        account = {"display_name": name, "capacity": capacity, "active": True}
        await send(platform, "PUT", f"/ops/v1/butlers/{butler_id}", ops, account, 200)


async def draft_claim(platform: Platform, ops: dict[str, str], alice: dict[str, str]) -> str:
    await send(platform, "PUT", "/ops/v1/policies/P-1", ops, POLICY, 200)
    draft = {
        "policy_id": "P-1",
        "claim_type": "outpatient",
        "incident_date": "2026-02-20",
        "description": "急性肠胃炎门诊",
        "claimed_amount": "3200.00",
    }
    created = await send(platform, "POST", "/api/v1/claims", alice, draft, 201)
    return str(created["claim_id"])


async def butler_sees_claim(
    platform: Platform, butler: dict[str, str], user_id: str, claim_id: str, status: str
) -> Any:
    response = await platform.client.get(f"/butler/v1/users/{user_id}/claims", headers=butler)
    if response.status_code != 200:
        return None
    found = [c for c in response.json()["items"] if c["claim_id"] == claim_id]
    return found[0] if found and found[0]["status"] == status else None


async def broker_values(bootstrap_servers: str) -> str:
    """Everything on the topics the story touched: values and headers, as text."""
    topics = [CONVERSATIONS_TOPIC, NOTIFICATIONS_TOPIC, DISPUTES_TOPIC, CLAIMS_TOPIC]
    consumer = AIOKafkaConsumer(
        *topics,
        CLAIM_STATUS_TOPIC,
        bootstrap_servers=bootstrap_servers,
        group_id="butler-text-reader",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    seen: list[str] = []
    try:
        batches = await consumer.getmany(timeout_ms=3000)
        for records in batches.values():
            for r in records:
                seen.append((r.value or b"").decode())
                seen.extend(v.decode() for _, v in r.headers)
    finally:
        await consumer.stop()
    return "\n".join(seen)


async def table_text(runtime: Any, metadata: Any) -> str:
    async with runtime.sessionmaker() as session:
        rows = [
            str(tuple(row))
            for table in metadata.sorted_tables
            for row in (await session.execute(select(table))).all()
        ]
    return "\n".join(rows)


async def test_a_user_and_a_butler_talk_and_quality_reads_it(
    platform: Platform,
    wechat: tuple[WeChatStandIn, str],
    producer: AIOKafkaProducer,
    bootstrap_servers: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    clock = platform.clock
    assert isinstance(clock, MovableClock)
    ops = await platform.login("dev-ops:olivia")
    await staff(platform, ops)
    alice, bob = await platform.login("dev:alice"), await platform.login("dev:bob")
    claim_id = await draft_claim(platform, ops, alice)

    # First contact assigns the butler with the most room; the user keeps that butler.
    mine = await get(platform, "/api/v1/butler", alice)
    assert mine["online"] is True
    theirs = await get(platform, "/api/v1/butler", bob)
    assert {mine["butler_id"], theirs["butler_id"]} == {"b-wang", "b-li"}
    assert (await get(platform, "/api/v1/butler", alice))["butler_id"] == mine["butler_id"]
    butler = await platform.login(f"dev-butler:{mine['butler_id']}")
    other_butler = await platform.login(f"dev-butler:{theirs['butler_id']}")

    # The user writes about their claim; the butler sees them in the inbox at once.
    await wait_until(lambda: butler_sees_claim(platform, ops, "dev-alice", claim_id, "draft"))
    message = {"text": QUESTION, "claim_id": claim_id}
    posted = await send(platform, "POST", "/api/v1/butler/messages", alice, message, 201)
    inbox = (await get(platform, "/butler/v1/inbox", butler))["items"]
    assert [i["user_id"] for i in inbox] == ["dev-alice"]
    assert inbox[0]["last_message"] == QUESTION
    assert inbox[0]["waiting_since"] == posted["at"]
    due = datetime.fromisoformat(inbox[0]["reply_due_at"])
    assert due == datetime.fromisoformat(posted["at"]) + timedelta(minutes=10)
    assert (await get(platform, "/butler/v1/inbox", other_butler))["items"] == []

    # A suggestion from the knowledge base becomes the reply, three minutes later.
    suggested = await get(platform, "/butler/v1/users/dev-alice/suggestions", butler)
    assert suggested["question"] == QUESTION
    assert suggested["items"][0]["article_id"] == "outpatient-materials"
    answer = suggested["items"][0]["answer"]
    clock.advance(timedelta(minutes=3))
    text = answer + "\n" + PERSONAL
    reply = {"text": text}
    await send(platform, "POST", "/butler/v1/users/dev-alice/messages", butler, reply, 201)
    assert (await get(platform, "/butler/v1/inbox", butler))["items"] == []

    # The user reads it, newest first, and gets the notice in the app and on WeChat.
    conversation = (await get(platform, "/api/v1/butler/messages", alice))["items"]
    assert [(m["author"], m["text"]) for m in conversation] == [
        ("butler", text),
        ("user", QUESTION),
    ]
    assert conversation[1]["claim_id"] == claim_id
    notices = await wait_until(lambda: _notices(platform, alice, "管家回复了您"))
    assert PERSONAL not in json.dumps(notices, ensure_ascii=False)
    standin, _ = wechat
    sent = await wait_until(lambda: standin.messages_to("dev-openid-alice"))
    assert PERSONAL not in json.dumps([m.__dict__ for m in sent], ensure_ascii=False, default=str)

    await _strangers_get_404(platform, other_butler, bob, claim_id)
    await _dispute_reaches_the_timeline(platform, producer, butler, alice, claim_id)
    await _complaint_sample_review_scoreboard(platform, ops, alice, mine["butler_id"])
    await _out_of_hours_the_assistant_answers(platform, bob)

    # No message text anywhere but encrypted in butler-service's own columns.
    secrets = [QUESTION, ID_NUMBER, CARD, PHONE, PERSONAL, text, COMPLAINT[:10]]
    on_broker = await broker_values(bootstrap_servers)
    assert "conversation.message.posted" in on_broker
    in_logs = "\n".join(r.getMessage() for r in caplog.records)
    at_rest = await table_text(platform.runtime("butler"), butler_tables)
    notify_rows = await table_text(platform.runtime("notify"), notify_tables)
    for secret in secrets:
        assert secret not in on_broker, secret
        assert secret not in in_logs, secret
        assert secret not in at_rest, secret
        assert secret not in notify_rows, secret


async def _notices(platform: Platform, headers: dict[str, str], title: str) -> Any:
    items = (await get(platform, "/api/v1/me/notifications", headers))["items"]
    return [n for n in items if n["title"] == title]


async def _strangers_get_404(
    platform: Platform, other_butler: dict[str, str], bob: dict[str, str], claim_id: str
) -> None:
    for path in ("messages", "claims", "suggestions"):
        await get(platform, f"/butler/v1/users/dev-alice/{path}", other_butler, 404)
        await get(platform, f"/butler/v1/users/nobody/{path}", other_butler, 404)
    reply = {"text": "您好"}
    await send(platform, "POST", "/butler/v1/users/dev-alice/messages", other_butler, reply, 404)
    # Bob cannot reference Alice's claim, and the butler API is not his.
    message = {"text": "这个理赔怎么样了", "claim_id": claim_id}
    await send(platform, "POST", "/api/v1/butler/messages", bob, message, 404)
    await get(platform, "/butler/v1/inbox", bob, 403)
    await get(platform, "/butler/v1/users/dev-alice/messages", bob, 403)
    bad = {"text": "控制字符\x07"}
    await send(platform, "POST", "/api/v1/butler/messages", bob, bad, 422)
    await send(platform, "POST", "/api/v1/butler/messages", bob, {"text": "字" * 2001}, 422)
    assert (await get(platform, "/api/v1/butler/messages", bob))["items"] == []


async def _dispute_reaches_the_timeline(
    platform: Platform,
    producer: AIOKafkaProducer,
    butler: dict[str, str],
    alice: dict[str, str],
    claim_id: str,
) -> None:
    now = platform.clock.now()
    submitted = ClaimSubmitted(
        claim_id=claim_id,
        user_id="dev-alice",
        insurer_code=INSURER,
        claim_type="outpatient",
        claimed_amount=Decimal("3200.00"),
        submitted_at=now,
    )
    await publish(producer, submitted, "/lipei/intake-service")
    rejected = DecisionRejected(
        claim_id=claim_id, insurer_code=INSURER, decided_at=now, reason="不属于保险责任范围"
    )
    await publish(producer, rejected, f"/insurers/{INSURER}")
    claim = await wait_until(
        lambda: butler_sees_claim(platform, butler, "dev-alice", claim_id, "rejected")
    )
    assert "理赔被拒，可协助用户提出异议" in claim["attention"]
    assert {d["kind"] for d in claim["deadlines"]} >= {"decision", "rejection_notice"}
    outcome = {"outcome": "overturned", "recovered_amount": "3200.00", "note": "已与核赔沟通"}
    path = f"/butler/v1/claims/{claim_id}/disputes"
    recorded = await send(platform, "POST", path, butler, outcome, 201)
    assert recorded["recovered_amount"] == "3200.00"
    await send(platform, "POST", path, butler, outcome, 409)

    async def outcome_shown() -> Any:
        progress = await get(platform, f"/api/v1/claims/{claim_id}/progress", alice)
        return [e for e in progress["timeline"] if e["title"].startswith("争议处理结果")]

    shown = await wait_until(outcome_shown)
    assert shown[0]["title"] == "争议处理结果：保险公司改判赔付"
    assert "3200.00" in shown[0]["detail"]


async def _complaint_sample_review_scoreboard(
    platform: Platform, ops: dict[str, str], alice: dict[str, str], butler_id: str
) -> None:
    complaint = {"text": COMPLAINT}
    opened = await send(platform, "POST", "/api/v1/butler/complaints", alice, complaint, 201)
    sample = await get(platform, f"/ops/v1/qa/sample?date={DAY}&rate=0", ops)
    assert [c["user_id"] for c in sample["items"]] == ["dev-alice"]
    read = sample["items"][0]
    assert read["butler_id"] == butler_id
    assert read["complaint"]["complaint_id"] == opened["complaint_id"]
    assert read["complaint"]["status"] == "open"
    shown = json.dumps(sample, ensure_ascii=False)
    assert "***************0128" in shown and "138****8000" in shown
    assert "**************002X" in shown
    for secret in (CARD, ID_NUMBER, PHONE):
        assert secret not in shown
    again = await get(platform, f"/ops/v1/qa/sample?date={DAY}&rate=0", ops)
    assert again == sample

    before = await _score_line(platform, ops, butler_id)
    assert before["reviews"] == 0 and before["complaints"] == 1
    assert before["median_first_reply_seconds"] == 180
    assert before["replied_in_time_share"] == 1.0
    assert before["disputes_overturned"] == 1 and before["amount_recovered"] == "3200.00"
    scores = [
        {"criterion": "礼貌", "score": 5, "max": 5},
        {"criterion": "准确", "score": 7, "max": 10},
    ]
    review = {"user_id": "dev-alice", "date": DAY, "scores": scores, "note": "回复准确"}
    written = await send(platform, "POST", "/ops/v1/qa/reviews", ops, review, 201)
    assert written["normalized_score"] == 0.8 and written["butler_id"] == butler_id
    after = await _score_line(platform, ops, butler_id)
    assert after["reviews"] == 1 and after["mean_normalized_score"] == 0.8
    assert after["users"] == 1 and after["conversations"] == 1

    resolve = f"/ops/v1/complaints/{opened['complaint_id']}/resolve"
    closed = await send(platform, "POST", resolve, ops, {"note": "已致电用户"}, 200)
    assert closed["status"] == "resolved"
    await send(platform, "POST", resolve, ops, {"note": "again"}, 409)


async def _score_line(platform: Platform, ops: dict[str, str], butler_id: str) -> Any:
    board = await get(platform, "/ops/v1/qa/butlers", ops)
    return next(line for line in board["items"] if line["butler_id"] == butler_id)


async def _out_of_hours_the_assistant_answers(platform: Platform, bob: dict[str, str]) -> None:
    clock = platform.clock
    assert isinstance(clock, MovableClock)
    clock.set(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))  # 22:00 in China
    question = {"text": "刚买的保险，还在等待期内生病了能赔吗？"}
    posted = await send(platform, "POST", "/api/v1/butler/messages", bob, question, 201)
    conversation = (await get(platform, "/api/v1/butler/messages", bob))["items"]
    assert [m["author"] for m in conversation] == ["assistant", "user"]
    assert "等待期" in conversation[0]["text"]
    # Bob still waits for his butler in the morning: 09:10 China time.
    bob_butler = await platform.login(
        f"dev-butler:{(await get(platform, '/api/v1/butler', bob))['butler_id']}"
    )
    inbox = (await get(platform, "/butler/v1/inbox", bob_butler))["items"]
    assert inbox[0]["user_id"] == "dev-bob" and inbox[0]["waiting_since"] == posted["at"]
    assert inbox[0]["reply_due_at"] == datetime(2026, 3, 3, 1, 10, tzinfo=UTC).isoformat()
    await wait_until(lambda: _notices(platform, bob, "智能助手回复了您"))

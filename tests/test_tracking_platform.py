"""Tracking across the platform: insurer decisions over Kafka and the partner API, progress
through the gateway, and legal-clock breaches published once on `lipei.claim-status.v1`."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from gateway.partner import signature
from lipei.clock import MovableClock
from lipei.events import (
    CLAIM_STATUS_TOPIC,
    ClaimMaterialsSupplemented,
    ClaimSubmitted,
    DecisionApproved,
    DecisionMaterialsRequested,
    DecisionPaid,
    DecisionRejected,
    DocumentAccepted,
    DocumentRejected,
    Event,
    MaterialRequest,
    Reason,
)
from lipei.messaging import Envelope
from lipei_testing.platform import INTERNAL_TOKEN, Platform, running_platform, wait_until

pytestmark = pytest.mark.slow

INSURER = "demo-insurer"
DAY = timedelta(days=1)
POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": INSURER,
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient", "inpatient"],
    "region_code": "310000",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "sum_insured": "20000.00",
}


class Insurer:
    """Publishes the way an insurer's (or intake's) system would: a plain producer."""

    def __init__(self, producer: AIOKafkaProducer, source: str) -> None:
        self.producer = producer
        self.source = source

    async def publish(self, event: Event, *, source: str | None = None) -> None:
        envelope = Envelope.wrap(event, source=source or self.source)
        await self.producer.client.force_metadata_update()
        await self.producer.send_and_wait(
            event.topic,
            value=envelope.value(),
            key=(envelope.key or "").encode(),
            headers=envelope.headers(),
        )


@pytest.fixture
async def platform(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[Platform]:
    """The gateway with the two services these tests need; the scanner looks every 0.1 s."""
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=MovableClock(),
        overrides={"tracking": {"deadline_scan_seconds": 0.1}},
        services=("intake", "tracking"),
    ) as p:
        yield p


@pytest.fixture
async def insurer(bootstrap_servers: str) -> AsyncIterator[Insurer]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        yield Insurer(producer, f"/insurers/{INSURER}")
    finally:
        await producer.stop()


async def _draft_claim(platform: Platform) -> tuple[str, dict[str, str]]:
    ops = await platform.login("dev-ops:olivia")
    response = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
    assert response.status_code == 200, response.text
    alice = await platform.login("dev:alice")
    created = await platform.client.post(
        "/api/v1/claims",
        json={
            "policy_id": "P-1",
            "claim_type": "outpatient",
            "incident_date": "2026-11-01",
            "description": "急性肠胃炎门诊",
            "claimed_amount": "484.50",
        },
        headers=alice,
    )
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    await wait_until(lambda: _progress(platform, claim_id, alice))
    return claim_id, alice


async def _progress(platform: Platform, claim_id: str, headers: dict[str, str]) -> Any:
    response = await platform.client.get(f"/api/v1/claims/{claim_id}/progress", headers=headers)
    return response.json() if response.status_code == 200 else None


async def _status_is(platform: Platform, claim_id: str, alice: dict[str, str], status: str) -> Any:
    progress = await _progress(platform, claim_id, alice)
    return progress if progress and progress["status"] == status else None


async def _rejections_shown(
    platform: Platform, claim_id: str, alice: dict[str, str], n: int
) -> Any:
    progress = await _progress(platform, claim_id, alice)
    titles = [e["title"] for e in (progress or {}).get("timeline", [])]
    return progress if titles.count("医疗发票未通过审核") == n else None


async def _titled(platform: Platform, claim_id: str, alice: dict[str, str], title: str) -> Any:
    progress = await _progress(platform, claim_id, alice)
    titles = [e["title"] for e in (progress or {}).get("timeline", [])]
    return progress if title in titles else None


async def _submit(insurer: Insurer, claim_id: str, at: datetime) -> None:
    await insurer.publish(
        ClaimSubmitted(
            claim_id=claim_id,
            user_id="dev-alice",
            insurer_code=INSURER,
            claim_type="outpatient",
            claimed_amount=Decimal("484.50"),
            submitted_at=at,
        ),
        source="/lipei/intake-service",
    )


class Partners:
    """Insurers calling the partner API through the gateway, HMAC-signed."""

    def __init__(self, platform: Platform, secrets: dict[str, str]) -> None:
        self.platform = platform
        self.secrets = secrets

    @classmethod
    async def register(cls, platform: Platform, *codes: str) -> Partners:
        ops = await platform.login("dev-ops:olivia")
        secrets = {}
        for code in codes:
            answer = await platform.client.put(
                f"/ops/v1/insurers/{code}", json={"name": code}, headers=ops
            )
            assert answer.status_code in (200, 201), answer.text
            secrets[code] = answer.json()["partner_secret"]
        return cls(platform, secrets)

    async def decide(self, code: str, decision: dict[str, Any]) -> httpx.Response:
        path = "/partner/v1/decisions"
        body = json.dumps(decision).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Lipei-Insurer": code,
            "X-Lipei-Timestamp": stamp,
            "X-Lipei-Signature": signature(self.secrets[code], "POST", path, stamp, body),
        }
        return await self.platform.client.post(path, content=body, headers=headers)


def _user_headers(user_id: str) -> dict[str, str]:
    return {"X-Lipei-Internal-Token": INTERNAL_TOKEN, "X-Lipei-User-Id": user_id}


async def test_insurer_decisions_in_any_order_reach_the_progress_screen(
    platform: Platform, insurer: Insurer, bootstrap_servers: str
) -> None:
    claim_id, alice = await _draft_claim(platform)
    now = platform.clock.now()
    # OCR turns the invoice photo down twice: the user is told what to redo, the butler why.
    for _ in range(2):
        await insurer.publish(
            DocumentRejected(
                claim_id=claim_id,
                document_id="D-1",
                user_id="dev-alice",
                doc_type="medical_invoice",
                reasons=[Reason(code="blurry", message="照片模糊，请重新拍摄")],
                rejected_at=now,
            ),
            source="/lipei/ocr-service",
        )
    progress = await wait_until(lambda: _rejections_shown(platform, claim_id, alice, 2))
    assert progress["next_action"] == "请重新上传清晰的医疗发票照片（照片模糊，请重新拍摄）"
    ops = await platform.login("dev-ops:olivia")
    queue = (await platform.client.get("/ops/v1/attention", headers=ops)).json()
    assert [(i["claim_id"], i["reasons"]) for i in queue["items"]] == [
        (
            claim_id,
            [{"code": "documents_rejected_repeatedly", "message": "医疗发票已被退回2次"}],
        )
    ]
    await insurer.publish(
        DocumentAccepted(
            claim_id=claim_id,
            document_id="D-3",
            user_id="dev-alice",
            doc_type="medical_invoice",
            accepted_at=now,
        ),
        source="/lipei/ocr-service",
    )
    progress = await wait_until(lambda: _titled(platform, claim_id, alice, "医疗发票已通过审核"))
    assert progress["next_action"] == "请上传所需材料并签名后提交"
    await _submit(insurer, claim_id, now)
    await wait_until(lambda: _status_is(platform, claim_id, alice, "submitted"))

    await insurer.publish(
        DecisionMaterialsRequested(
            claim_id=claim_id,
            insurer_code=INSURER,
            decided_at=now + timedelta(hours=2),
            materials=[MaterialRequest(doc_type="expense_list", reason="缺少费用明细")],
        )
    )
    progress = await wait_until(
        lambda: _status_is(platform, claim_id, alice, "materials_requested")
    )
    assert progress["next_action"] == "请补充以下材料：费用清单（缺少费用明细）"
    decision_clock = next(d for d in progress["deadlines"] if d["kind"] == "decision")
    assert decision_clock["met"] is False and decision_clock["paused"] is True

    await insurer.publish(
        ClaimMaterialsSupplemented(
            claim_id=claim_id,
            user_id="dev-alice",
            document_ids=["D-9"],
            doc_types=["expense_list"],
            supplemented_at=now + timedelta(hours=5),
        ),
        source="/lipei/intake-service",
    )
    # Another insurer's decision about this claim is not applied (it is dead-lettered).
    await insurer.publish(
        DecisionApproved(
            claim_id=claim_id,
            insurer_code="other-insurer",
            decided_at=now + timedelta(hours=6),
            approved_amount=Decimal("99999.00"),
        )
    )
    # The payment arrives before the approval: it waits for it.
    await insurer.publish(
        DecisionPaid(
            claim_id=claim_id,
            insurer_code=INSURER,
            decided_at=now + timedelta(hours=9),
            paid_amount=Decimal("400.00"),
            paid_at=now + timedelta(hours=9),
        )
    )
    await wait_until(lambda: _status_is(platform, claim_id, alice, "under_review"))
    tracking = platform.runtime("tracking")
    await wait_until(lambda: tracking.consumers[0].dead_lettered >= 1)
    assert (await _progress(platform, claim_id, alice))["status"] == "under_review"

    # The approval comes through the partner API, signed as API.md asks.
    partner = await Partners.register(platform, INSURER, "other-insurer")
    approval = {
        "type": "claim.decision.approved",
        "claim_id": claim_id,
        "decided_at": (now + timedelta(hours=8)).isoformat(),
        "approved_amount": "400.00",
    }
    foreign = await partner.decide("other-insurer", approval)
    assert foreign.status_code == 404, foreign.text
    unknown = await partner.decide(INSURER, {**approval, "claim_id": "no-such-claim"})
    assert unknown.status_code == 404
    wrong_type = await partner.decide(INSURER, {**approval, "type": "claim.submitted"})
    assert wrong_type.status_code == 422
    assert wrong_type.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in wrong_type.json()["errors"]] == ["type"]
    no_amount = await partner.decide(
        INSURER, {k: v for k, v in approval.items() if k != "approved_amount"}
    )
    assert no_amount.status_code == 422
    assert [e["field"] for e in no_amount.json()["errors"]] == ["approved_amount"]
    accepted = await partner.decide(INSURER, approval)
    assert accepted.status_code == 202, accepted.text

    progress = await wait_until(lambda: _status_is(platform, claim_id, alice, "paid"))
    assert [e["status"] for e in progress["timeline"]] == [
        "draft",
        "draft",
        "draft",
        "draft",
        "submitted",
        "under_review",
        "materials_requested",
        "under_review",
        "approved",
        "paid",
    ]
    assert [e["title"] for e in progress["timeline"][1:4]] == [
        "医疗发票未通过审核",
        "医疗发票未通过审核",
        "医疗发票已通过审核",
    ]
    approved = progress["timeline"][8]
    assert approved["title"] == "理赔已核准"
    assert approved["detail"] == "核定赔付金额 ¥400.00"
    assert progress["next_action"] is None
    assert {d["kind"]: d["met"] for d in progress["deadlines"]} == {
        "materials_notice": True,
        "decision": True,
        "prepayment": True,
        "payment": True,
    }
    # The status events carry what was decided, for the reminders that tell the user.
    changes = await _status_changes(bootstrap_servers, claim_id)
    assert changes["materials_requested"]["materials"] == [
        {"doc_type": "expense_list", "reason": "缺少费用明细"}
    ]
    assert changes["approved"]["approved_amount"] == "400.00"
    assert changes["paid"]["paid_amount"] == "400.00"
    # A paid claim refuses further decisions; another user never sees the claim.
    late = await partner.decide(
        INSURER, {"type": "claim.decision.rejected", "claim_id": claim_id, "reason": "重复理赔"}
    )
    assert late.status_code == 409, late.text
    bob = await platform.login("dev:bob")
    assert await _progress(platform, claim_id, bob) is None


async def _status_changes(bootstrap_servers: str, claim_id: str) -> dict[str, dict[str, Any]]:
    """The claim's `claim.status.changed` events by the status they lead to."""
    consumer = AIOKafkaConsumer(
        CLAIM_STATUS_TOPIC,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: dict[str, dict[str, Any]] = {}

    async def paid_seen() -> bool:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for r in records:
                envelope = Envelope.from_kafka(r.headers, r.value)
                if envelope.type == "claim.status.changed" and envelope.subject == claim_id:
                    found[envelope.data["to"]] = envelope.data
        return "paid" in found

    try:
        await wait_until(paid_seen, timeout=30)
    finally:
        await consumer.stop()
    return found


# --- legal clocks ---------------------------------------------------------------------------


class StatusReader:
    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.events: list[tuple[str, dict[str, Any]]] = []

    async def breaches(self) -> list[dict[str, Any]]:
        batch = await self.consumer.getmany(timeout_ms=200)
        for records in batch.values():
            for r in records:
                envelope = Envelope.from_kafka(r.headers, r.value)
                self.events.append((envelope.type, envelope.data))
        return [data for kind, data in self.events if kind == "claim.deadline.breached"]


async def test_missed_deadlines_are_published_once_and_materials_time_does_not_count(
    platform: Platform, insurer: Insurer, bootstrap_servers: str
) -> None:
    clock = platform.clock
    claim_id, alice = await _draft_claim(platform)
    t0 = clock.now()
    await _submit(insurer, claim_id, t0)
    await wait_until(lambda: _status_is(platform, claim_id, alice, "submitted"))
    consumer = AIOKafkaConsumer(
        CLAIM_STATUS_TOPIC,
        bootstrap_servers=bootstrap_servers,
        group_id="breach-reader",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    reader = StatusReader(consumer)
    try:
        # Four days and 23 hours of silence: nothing missed yet, but the butler is warned.
        clock.set(t0 + 5 * DAY - timedelta(hours=1))
        ops = await platform.login("dev-ops:olivia")
        queue = (await platform.client.get("/ops/v1/attention", headers=ops)).json()
        assert [(i["claim_id"], [r["code"] for r in i["reasons"]]) for i in queue["items"]] == [
            (claim_id, ["deadline_near"])
        ]

        clock.set(t0 + 5 * DAY + timedelta(minutes=1))
        breaches = await wait_until(reader.breaches, timeout=60)
        assert [(b["kind"], datetime.fromisoformat(b["due_at"])) for b in breaches] == [
            ("materials_notice", t0 + 5 * DAY)
        ]
        assert breaches[0]["claim_id"] == claim_id
        assert breaches[0]["insurer_code"] == INSURER

        # The insurer asks for materials on day 6; the claimant needs 44 days for them.
        await insurer.publish(
            DecisionMaterialsRequested(
                claim_id=claim_id,
                insurer_code=INSURER,
                decided_at=t0 + 6 * DAY,
                materials=[MaterialRequest(doc_type="discharge_summary", reason="需出院小结")],
            )
        )
        clock.set(t0 + 6 * DAY)
        await wait_until(lambda: _status_is(platform, claim_id, alice, "materials_requested"))
        clock.set(t0 + 50 * DAY)
        await wait_until(lambda: _status_is(platform, claim_id, alice, "materials_requested"))
        await insurer.publish(
            ClaimMaterialsSupplemented(
                claim_id=claim_id,
                user_id="dev-alice",
                document_ids=["D-2"],
                supplemented_at=t0 + 50 * DAY,
            ),
            source="/lipei/intake-service",
        )
        progress = await wait_until(lambda: _status_is(platform, claim_id, alice, "under_review"))
        decision = next(d for d in progress["deadlines"] if d["kind"] == "decision")
        # 30 days, plus the 44 days spent on materials.
        assert datetime.fromisoformat(decision["due_at"]) == t0 + 74 * DAY

        clock.set(t0 + 74 * DAY - timedelta(minutes=1))
        await _scans_pass(platform)
        assert len(await reader.breaches()) == 1

        clock.set(t0 + 74 * DAY + timedelta(minutes=1))
        breaches = await wait_until(lambda: _at_least(reader.breaches, 2), timeout=60)
        await _scans_pass(platform)
        breaches = await reader.breaches()
        assert [(b["kind"], datetime.fromisoformat(b["due_at"])) for b in breaches] == [
            ("materials_notice", t0 + 5 * DAY),
            ("decision", t0 + 74 * DAY),
        ]
        statuses = [
            (d["from"], d["to"]) for kind, d in reader.events if kind == "claim.status.changed"
        ]
        assert statuses == [
            ("draft", "submitted"),
            ("submitted", "under_review"),
            ("under_review", "materials_requested"),
            ("materials_requested", "under_review"),
        ]
        queue = (await platform.client.get("/ops/v1/attention", headers=ops)).json()
        assert [r["code"] for r in queue["items"][0]["reasons"]] == [
            "deadline_breached",
            "deadline_breached",
        ]

        # The insurer rejects; Alice disputes it, and the butler sees why.
        dispute_path = f"/api/v1/claims/{claim_id}/dispute"
        async with httpx.AsyncClient(base_url=platform.service_urls["tracking"]) as direct:
            early = await direct.post(
                dispute_path, json={"reason": "我不同意"}, headers=_user_headers("dev-alice")
            )
            assert early.status_code == 409
            clock.set(t0 + 75 * DAY)
            await insurer.publish(
                DecisionRejected(
                    claim_id=claim_id,
                    insurer_code=INSURER,
                    decided_at=t0 + 75 * DAY,
                    reason="不属于保险责任范围",
                )
            )
            shown = await wait_until(lambda: _status_is(platform, claim_id, alice, "rejected"))
            assert "原因：不属于保险责任范围" in [e["detail"] for e in shown["timeline"]]
            rejection = await wait_until(lambda: _status_event(reader, "rejected"), timeout=30)
            # The insurer's free-text reason is for the owner's progress screen, not this topic.
            assert "reason" not in rejection and "不属于保险责任范围" not in json.dumps(rejection)
            assert rejection["cause"] == "claim.decision.rejected"
            blank = await direct.post(
                dispute_path, json={"reason": "  "}, headers=_user_headers("dev-alice")
            )
            assert blank.status_code == 422
            someone_else = await direct.post(
                dispute_path, json={"reason": "我不同意"}, headers=_user_headers("dev-bob")
            )
            assert someone_else.status_code == 404
            disputed = await direct.post(
                dispute_path,
                json={"reason": "门诊记录可证明属于保障范围"},
                headers=_user_headers("dev-alice"),
            )
            assert disputed.status_code == 200, disputed.text
        queue = (await platform.client.get("/ops/v1/attention", headers=ops)).json()
        assert queue["items"][0]["status"] == "rejected"
        assert queue["items"][0]["reasons"][-1] == {
            "code": "disputed",
            "message": "用户对拒赔结果有异议：门诊记录可证明属于保障范围",
        }
        progress = await _progress(platform, claim_id, alice)
        assert progress["timeline"][-1]["title"] == "您已对理赔结果提出异议"
    finally:
        await consumer.stop()


async def _status_event(reader: StatusReader, to: str) -> Any:
    await reader.breaches()
    found = [d for kind, d in reader.events if kind == "claim.status.changed" and d["to"] == to]
    return found[-1] if found else None


async def _at_least(read: Any, n: int) -> Any:
    found = await read()
    return found if len(found) >= n else None


async def _scans_pass(platform: Platform) -> None:
    """Let the scanner (every 0.1 s) look several times at the current clock."""
    import asyncio

    await asyncio.sleep(1.0)

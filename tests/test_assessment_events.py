"""assessment-service on the broker: an approval in the insurer's name reaches the timeline, the
assessment goes to the insurer's own topic too, an insurer's own approval and rejection move the
ledger and the invoice register, a claim without facts is referred, a poison event is
dead-lettered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import select

from assessment_service.models import ledger_claims
from lipei.clock import MovableClock
from lipei.events import (
    CLAIMS_TOPIC,
    ClaimDrafted,
    ClaimSubmitted,
    DecisionApproved,
    DecisionRejected,
    Event,
    dead_letter_topic,
    insurer_topic,
)
from lipei.messaging import Envelope
from lipei_testing.platform import Platform, running_platform, wait_until

pytestmark = pytest.mark.slow

NOW = datetime(2025, 12, 31, 2, 0, tzinfo=UTC)
INSURER = "ins-a"


def facts(number: str, max_amount: str = "2000.00") -> dict[str, Any]:
    return {
        "incident_date": "2025-12-01",
        "policy": {
            "policy_id": "P-1",
            "coverage": ["outpatient"],
            "valid_from": "2025-01-01",
            "valid_to": "2025-12-31",
            "sum_insured": "20000.00",
            "deductible": "100.00",
            "reimbursement_ratio": "0.8",
        },
        "invoices": [
            {
                "document_id": f"D-{number}",
                "invoice_code": "144031900111",
                "invoice_number": number,
                "issue_date": "2025-12-02",
                "total_amount": "484.50",
                "insurance_paid": "100.00",
                "self_paid": "384.50",
                "visit_type": "outpatient",
                "payer_is_insured": True,
            }
        ],
        "id_card_is_insured": True,
        "delegation": {"claim_types": ["outpatient"], "max_amount": max_amount},
    }


async def _publish(producer: AIOKafkaProducer, *events: Event) -> None:
    for event in events:
        envelope = Envelope.wrap(event, source="/lipei/test", time=NOW)
        await producer.send_and_wait(
            event.topic, envelope.value(), key=envelope.key.encode(), headers=envelope.headers()
        )


def _filed(claim_id: str, assessment: dict[str, Any] | None) -> list[Event]:
    drafted = ClaimDrafted(
        claim_id=claim_id,
        user_id="dev-alice",
        policy_id="P-1",
        insurer_code=INSURER,
        claim_type="outpatient",
        incident_date=datetime(2025, 12, 1).date(),
        drafted_at=NOW,
    )
    submitted = ClaimSubmitted.model_validate(
        {
            "claim_id": claim_id,
            "user_id": "dev-alice",
            "insurer_code": INSURER,
            "claim_type": "outpatient",
            "submitted_at": NOW,
            "policy_id": "P-1",
            "assessment": assessment,
        }
    )
    return [drafted, submitted]


async def _assessed(platform: Platform, claim_id: str, ops: dict[str, str]) -> Any:
    async def _found() -> Any:
        answer = await platform.client.get(f"/ops/v1/claims/{claim_id}/assessment", headers=ops)
        return answer.json() if answer.status_code == 200 else None

    return await wait_until(_found, timeout=30)


async def _ledger_status(platform: Platform, claim_id: str, status: str) -> bool:
    async with platform.runtime("assessment").sessionmaker() as session:
        found = await session.scalar(
            select(ledger_claims.c.status).where(ledger_claims.c.claim_id == claim_id)
        )
    return found == status


async def _records(bootstrap: str, topic: str, enough: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[Any] = []
    try:

        async def _more() -> bool:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(batch)
            return len(found) >= enough

        await wait_until(_more, timeout=60)
    finally:
        await consumer.stop()
    return found


async def test_assessments_on_the_broker(bootstrap_servers: str, tmp_path: Path) -> None:
    async with (
        running_platform(
            bootstrap_servers=bootstrap_servers,
            tmp_dir=tmp_path,
            clock=MovableClock(NOW),
            services=("tracking", "assessment"),
        ) as platform,
    ):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
        await producer.start()
        try:
            await _scenario(platform, producer, bootstrap_servers)
        finally:
            await producer.stop()


async def _scenario(platform: Platform, producer: AIOKafkaProducer, bootstrap: str) -> None:
    ops = await platform.login("dev-ops:olivia")
    alice = await platform.login("dev:alice")
    # Over the insurer's limit: referred; the insurer then approves it itself.
    await _publish(producer, *_filed("C-big", facts("00000001", max_amount="100.00")))
    big = await _assessed(platform, "C-big", ops)
    assert [r["code"] for r in big["reasons"]] == ["over_instant_limit"]
    await _publish(
        producer,
        DecisionApproved(
            claim_id="C-big", insurer_code=INSURER, decided_at=NOW, approved_amount="250.00"
        ),
    )

    # The insurer's approval uses the year's deductible: a later claim pays from the first yuan.
    await wait_until(lambda: _ledger_status(platform, "C-big", "approved"), timeout=30)
    await _publish(producer, *_filed("C-probe", facts("00000099")))
    probe = await _assessed(platform, "C-probe", ops)
    assert probe["deductible_applied"] == "0.00"
    assert (probe["outcome"], probe["payable_amount"]) == ("approved", "307.60")

    async def _approved() -> Any:
        answer = await platform.client.get("/api/v1/claims/C-probe/progress", headers=alice)
        return answer.json() if answer.json().get("status") == "approved" else None

    progress = await wait_until(_approved, timeout=30)
    assert progress["timeline"][-1]["detail"] == "秒赔：已自动审核，核定金额 ¥307.60"

    # A rejected claim gives its invoice back.
    await _publish(
        producer,
        DecisionRejected(claim_id="C-big", insurer_code=INSURER, decided_at=NOW, reason="x"),
    )

    await wait_until(lambda: _ledger_status(platform, "C-big", "closed"), timeout=30)
    await _publish(producer, *_filed("C-again", facts("00000001")))
    again = await _assessed(platform, "C-again", ops)
    assert again["outcome"] == "approved", again

    # No facts (an unknown policy): referred with a reason, never dropped.
    await _publish(producer, *_filed("C-bare", None))
    bare = await _assessed(platform, "C-bare", ops)
    assert bare["outcome"] == "referred"
    assert "missing_fields" in [r["code"] for r in bare["reasons"]]

    # Its insurer reads every assessment on its own topic, with no names in it.
    copies = await _records(bootstrap, insurer_topic(INSURER), 3)
    assert {dict(r.headers)["ce_type"] for r in copies} == {b"claim.assessed"}

    # A poison event: dead-lettered by the assessment's consumer, with the error.
    await producer.send_and_wait(
        CLAIMS_TOPIC,
        b'{"claim_id": "C-poison"}',
        key=b"C-poison",
        headers=[
            ("ce_specversion", b"1.0"),
            ("ce_id", b"poison-1"),
            ("ce_source", b"/lipei/test"),
            ("ce_type", b"claim.submitted"),
            ("ce_time", NOW.isoformat().encode()),
            ("content-type", b"application/json"),
        ],
    )
    dead = await _records(bootstrap, dead_letter_topic(CLAIMS_TOPIC), 2)
    consumers = {dict(r.headers)["lipei_consumer"] for r in dead}
    assert b"assessment" in consumers

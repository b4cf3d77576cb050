"""A claim event crosses the platform: gateway → intake → outbox → Kafka → tracking."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select

from lipei.events import CLAIM_STATUS_TOPIC, CLAIMS_TOPIC
from lipei.messaging import Envelope
from lipei_dev.broker import LocalBroker
from lipei_testing.platform import Platform, wait_until
from tracking_service.models import timeline

pytestmark = pytest.mark.slow

POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient", "inpatient"],
    "region_code": "310000",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "sum_insured": "20000.00",
}


async def _seed_policy(platform: Platform) -> dict[str, str]:
    ops = await platform.login("dev-ops:olivia")
    response = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
    assert response.status_code == 200, response.text
    return await platform.login("dev:alice")


def _draft(**extra: Any) -> dict[str, Any]:
    return {
        "policy_id": "P-1",
        "claim_type": "outpatient",
        "incident_date": "2026-11-01",
        "description": "急性肠胃炎门诊",
        "claimed_amount": "484.50",
        **extra,
    }


async def _timeline_of(platform: Platform, claim_id: str, headers: dict[str, str]) -> Any:
    response = await platform.client.get(f"/api/v1/claims/{claim_id}/progress", headers=headers)
    return response.json() if response.status_code == 200 else None


async def test_a_draft_reaches_the_progress_timeline_through_kafka(platform: Platform) -> None:
    alice = await _seed_policy(platform)

    created = await platform.client.post("/api/v1/claims", json=_draft(), headers=alice)

    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["status"] == "draft"
    assert claim["claimed_amount"] == "484.50"
    progress = await wait_until(lambda: _timeline_of(platform, claim["claim_id"], alice))
    assert progress["status"] == "draft"
    assert [entry["status"] for entry in progress["timeline"]] == ["draft"]
    # Another policyholder cannot see it, through either service.
    bob = await platform.login("dev:bob")
    for path in (
        f"/api/v1/claims/{claim['claim_id']}",
        f"/api/v1/claims/{claim['claim_id']}/progress",
    ):
        assert (await platform.client.get(path, headers=bob)).status_code == 404


async def test_claims_filed_while_the_broker_is_down_arrive_exactly_once(
    platform: Platform, broker: LocalBroker
) -> None:
    alice = await _seed_policy(platform)
    first = await platform.client.post("/api/v1/claims", json=_draft(), headers=alice)
    await wait_until(lambda: _timeline_of(platform, first.json()["claim_id"], alice))

    broker.stop()
    during = []
    for _ in range(5):
        response = await platform.client.post("/api/v1/claims", json=_draft(), headers=alice)
        assert response.status_code == 201, response.text
        during.append(response.json()["claim_id"])
    broker.start()

    for claim_id in during:
        await wait_until(lambda cid=claim_id: _timeline_of(platform, cid, alice), timeout=90)
    # The broker came back empty; replaying every sent event is harmless to idempotent consumers.
    intake = platform.runtime("intake")
    from lipei.messaging.outbox import mark_for_replay

    async with intake.unit_of_work() as session:
        replayed = await mark_for_replay(session, since=platform.clock.now().replace(year=2000))
    assert replayed == 6
    tracking = platform.runtime("tracking")
    await wait_until(lambda: tracking.consumers[0].duplicates >= 6, timeout=90)
    async with tracking.sessionmaker() as session:
        counts = dict(
            (
                await session.execute(
                    select(timeline.c.claim_id, func.count()).group_by(timeline.c.claim_id)
                )
            ).all()
        )
    assert counts == {cid: 1 for cid in [first.json()["claim_id"], *during]}


async def test_the_trace_of_a_request_follows_its_events_across_kafka(
    platform: Platform, bootstrap_servers: str
) -> None:
    alice = await _seed_policy(platform)
    filing = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    withdrawing = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    created = await platform.client.post(
        "/api/v1/claims", json=_draft(), headers={**alice, "traceparent": filing}
    )
    claim_id = created.json()["claim_id"]
    await wait_until(lambda: _timeline_of(platform, claim_id, alice))
    withdrawn = await platform.client.post(
        f"/api/v1/claims/{claim_id}/withdraw", headers={**alice, "traceparent": withdrawing}
    )
    assert withdrawn.status_code == 200, withdrawn.text

    consumer = AIOKafkaConsumer(
        CLAIMS_TOPIC,
        CLAIM_STATUS_TOPIC,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    traces: dict[str, str | None] = {}

    async def both_seen() -> bool:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for record in records:
                envelope = Envelope.from_kafka(record.headers, record.value)
                if envelope.subject == claim_id:
                    traces[envelope.type] = envelope.traceparent
        return {"claim.withdrawn", "claim.status.changed"} <= set(traces)

    try:
        await wait_until(both_seen, timeout=30)
    finally:
        await consumer.stop()
    assert traces["claim.drafted"] == filing
    assert traces["claim.withdrawn"] == withdrawing
    # tracking's event, caused by consuming claim.withdrawn, stays in the withdrawal's trace
    assert traces["claim.status.changed"] == withdrawing


async def test_polling_a_claim_and_its_progress_moves_no_body_until_it_changes(
    platform: Platform,
) -> None:
    alice = await _seed_policy(platform)
    created = await platform.client.post("/api/v1/claims", json=_draft(), headers=alice)
    claim_id = created.json()["claim_id"]
    await wait_until(lambda: _timeline_of(platform, claim_id, alice))
    paths = (f"/api/v1/claims/{claim_id}", f"/api/v1/claims/{claim_id}/progress")
    tags = {}
    for path in paths:
        first = await platform.client.get(path, headers=alice)
        assert first.status_code == 200 and first.headers["etag"].startswith('"')
        assert first.headers["cache-control"] == "private, no-cache"
        tags[path] = first.headers["etag"]
        polled = await platform.client.get(path, headers={**alice, "If-None-Match": tags[path]})
        assert polled.status_code == 304, path
        assert polled.content == b""
        assert polled.headers["etag"] == tags[path]
        assert polled.headers["x-request-id"]
        # A tag of another claim (or another user's poll) gets the whole answer.
        other = await platform.client.get(path, headers={**alice, "If-None-Match": '"0"'})
        assert other.status_code == 200 and other.json() == first.json()
    # Someone else's tag still finds nothing: ownership comes before the cache.
    bob = await platform.login("dev:bob")
    for path in paths:
        foreign = await platform.client.get(path, headers={**bob, "If-None-Match": tags[path]})
        assert foreign.status_code == 404
        assert foreign.headers["content-type"] == "application/problem+json"

    withdrawn = await platform.client.post(f"/api/v1/claims/{claim_id}/withdraw", headers=alice)
    assert withdrawn.status_code == 200, withdrawn.text

    async def changed(path: str) -> Any:
        answer = await platform.client.get(path, headers={**alice, "If-None-Match": tags[path]})
        return answer if answer.status_code == 200 else None

    for path in paths:
        answer = await wait_until(lambda path=path: changed(path))
        assert answer.json()["status"] == "withdrawn"
        assert answer.headers["etag"] != tags[path]

"""One request's trace, recorded by every service into an in-memory exporter: the gateway, intake,
its outbox and Kafka, tracking applying the event and publishing its own, and notify applying
that, each span the child of the one before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from lipei import tracing
from lipei_testing.platform import Platform, running_platform, wait_until

pytestmark = pytest.mark.slow

POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient"],
    "region_code": "310000",
    "valid_from": "2000-01-01",
    "valid_to": "2099-12-31",
    "sum_insured": "20000.00",
}


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
async def traced_platform(
    bootstrap_servers: str, tmp_path: Path, exporter: InMemorySpanExporter
) -> AsyncIterator[Platform]:
    with tracing.capturing(exporter):
        async with running_platform(
            bootstrap_servers=bootstrap_servers,
            tmp_dir=tmp_path,
            services=("intake", "tracking", "notify"),
        ) as platform:
            yield platform


def _service(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


def _chain(spans: list[ReadableSpan], leaf: ReadableSpan) -> list[ReadableSpan]:
    """`leaf` and its ancestors, root first; fails on a parent that was never recorded."""
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    chain = [leaf]
    while chain[-1].parent is not None:
        parent_id = chain[-1].parent.span_id
        assert parent_id in by_id, f"the parent of {chain[-1].name} was not recorded"
        chain.append(by_id[parent_id])
    return chain[::-1]


async def test_a_withdrawal_is_one_trace_from_the_gateway_to_notify(
    traced_platform: Platform, exporter: InMemorySpanExporter
) -> None:
    platform = traced_platform
    ops = await platform.login("dev-ops:olivia")
    put = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
    assert put.status_code == 200, put.text
    alice = await platform.login("dev:alice")
    draft = {
        "policy_id": "P-1",
        "claim_type": "outpatient",
        "incident_date": "2026-11-01",
        "description": "门诊",
    }
    created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    withdrawn = await platform.client.post(f"/api/v1/claims/{claim_id}/withdraw", headers=alice)
    assert withdrawn.status_code == 200, withdrawn.text

    def notify_applied_the_status_change() -> list[ReadableSpan]:
        return [
            s
            for s in exporter.get_finished_spans()
            if _service(s) == "notify-service" and s.name == "claim.status.changed process"
        ]

    [leaf] = await wait_until(notify_applied_the_status_change, timeout=60)
    spans = list(exporter.get_finished_spans())
    chain = _chain(spans, leaf)
    assert len({s.context.trace_id for s in chain if s.context is not None}) == 1
    steps = [(_service(s), s.kind, s.name) for s in chain]
    root = steps[0]
    assert root == ("gateway", SpanKind.SERVER, "POST /api/v1/claims/{claim_id}/withdraw"), steps
    services = [service for service, _, _ in steps]
    # gateway → intake → tracking → notify, in that order and never back
    assert list(dict.fromkeys(services)) == [
        "gateway",
        "intake-service",
        "tracking-service",
        "notify-service",
    ], steps
    kinds = [(service, kind) for service, kind, _ in steps]
    assert ("gateway", SpanKind.CLIENT) in kinds  # the forwarded call (httpx)
    assert ("intake-service", SpanKind.SERVER) in kinds
    names = [name for _, _, name in steps]
    assert names.index("claim.withdrawn outbox") < names.index("lipei.claims.v1 publish")
    assert names.index("lipei.claims.v1 publish") < names.index("claim.withdrawn process")
    assert names.index("claim.withdrawn process") < names.index("claim.status.changed outbox")
    assert "lipei.claim-status.v1 publish" in names
    # the statements of the request's transaction are in the trace too (SQLAlchemy)
    intake_server = next(s for s in chain if s.kind == SpanKind.SERVER and _service(s) != "gateway")
    statements = [
        s
        for s in spans
        if s.parent is not None
        and s.parent.span_id == intake_server.context.span_id
        and s.kind == SpanKind.CLIENT
        and _service(s) == "intake-service"
    ]
    assert statements, "no database spans under intake's request"

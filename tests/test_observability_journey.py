"""What an operator sees of one whole claim: every service's `/metrics` after the journey (the
names of DESIGN.md, values that moved, consumer lag back to 0, outboxes drained), the gateway's on
its own port only, and JSON log lines that follow the claim but never name the people in it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.partner import signature
from lipei.clock import MovableClock
from lipei.logs import JsonFormatter
from lipei.sealing import generate_keypair
from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.platform import Platform, running_platform, wait_until
from lipei_testing.servers import serving
from ocr_synth import ANCHOR_DATE, make_sample

pytestmark = pytest.mark.slow

INVOICE, ID_CARD, BANK_CARD = make_sample(7, 0), make_sample(7, 13), make_sample(7, 2)
PHONE = "+8613800138001"
INSURER = "demo-insurer"
SERVICES = ("intake", "ocr", "tracking", "notify")
SHARED = ("http_requests", "http_request_duration_seconds")
CONSUMING = ("lipei_consumer_lag_messages", "lipei_outbox_pending_events")
LOG_KEYS = {"time", "level", "service", "logger", "message", "trace_id", "span_id"}

Samples = list[tuple[str, dict[str, str], float]]


@contextmanager
def json_logs() -> Iterator[StringIO]:
    """Every log line of the platform at INFO, as the services write them."""
    out = StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("test"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def platform(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[Platform]:
    wechat, tencent = WeChatStandIn(), TencentCloudStandIn()
    private, public = generate_keypair()
    storage = str(tmp_path / "documents")
    start = datetime.combine(ANCHOR_DATE, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    async with (
        serving(wechat.app) as wechat_url,
        serving(tencent.app) as tencent_url,
        running_platform(
            bootstrap_servers=bootstrap_servers,
            tmp_dir=tmp_path,
            clock=MovableClock(start),
            services=SERVICES,
            overrides={
                "intake": {"storage_url": storage, "fields_private_key": private},
                "ocr": {"storage_url": storage, "fields_public_key": public},
                "notify": {
                    "wechat_api_base": wechat_url,
                    "wechat_appid": wechat.appid,
                    "wechat_secret": wechat.secret,
                    "tencentcloud_sms_url": tencent_url,
                    "tencentcloud_vms_url": tencent_url,
                    "tencentcloud_secret_id": tencent.secret_id,
                    "tencentcloud_secret_key": tencent.secret_key,
                    "dispatch_poll_seconds": 0.1,
                },
            },
        ) as running,
    ):
        yield running


async def scrape(url: str) -> Samples:
    """Every sample, and a `("# family", {"name": ...}, 0)` line for each family served."""
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{url}/metrics")
    assert answer.status_code == 200, answer.text
    samples: Samples = []
    for family in text_string_to_metric_families(answer.text):
        samples.append(("# family", {"name": family.name}, 0))
        samples.extend((s.name, dict(s.labels), s.value) for s in family.samples)
    return samples


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        v
        for n, have, v in samples
        if n == name and all(have.get(k) == w for k, w in labels.items())
    )


def names(samples: Samples) -> set[str]:
    """The families served; counters by their sample name (`..._total`)."""
    families = {labels["name"] for n, labels, _ in samples if n == "# family"}
    return families | {n for n, _, _ in samples if n != "# family"}


async def journey(platform: Platform) -> str:
    """A claim from draft to the insurer's approval, read by OCR, the user told by WeChat."""
    ops = await platform.login("dev-ops:olivia")
    insurer = await platform.client.put(
        f"/ops/v1/insurers/{INSURER}",
        json={"name": "演示保险", "public_key": generate_keypair()[1]},
        headers=ops,
    )
    assert insurer.status_code == 201, insurer.text
    policy = {
        "holder_user_id": "dev-alice",
        "insurer_code": INSURER,
        "product_name": "门急诊医疗险",
        "insured_name": ID_CARD.fields["name"],
        "insured_id_number": ID_CARD.fields["id_number"],
        "coverage": ["outpatient"],
        "region_code": "310104",
        "valid_from": "2000-01-01",
        "valid_to": "2099-12-31",
        "sum_insured": "20000.00",
    }
    assert (await platform.client.put("/ops/v1/policies/P-1", json=policy, headers=ops)).is_success
    alice = await platform.login("dev:alice")
    prefs = await platform.client.put(
        "/api/v1/me/notification-preferences", json={"phone_number": PHONE}, headers=alice
    )
    assert prefs.status_code == 200, prefs.text
    draft = {
        "policy_id": "P-1",
        "claim_type": "outpatient",
        "incident_date": ANCHOR_DATE.isoformat(),
        "description": "门诊",
        "claimed_amount": INVOICE.fields["total_amount"],
        "payee": {
            "account_name": ID_CARD.fields["name"],
            "bank_card_number": BANK_CARD.fields["card_number"],
        },
    }
    created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
    assert created.status_code == 201, created.text
    claim_id: str = created.json()["claim_id"]
    for sample in (INVOICE, ID_CARD, BANK_CARD):
        upload = await platform.client.post(
            f"/api/v1/claims/{claim_id}/documents",
            headers=alice,
            data={"doc_type": sample.doc_type},
            files={"file": (sample.file, sample.data, "application/octet-stream")},
        )
        assert upload.status_code == 202, upload.text

    async def complete() -> Any:
        answer = await platform.client.get(f"/api/v1/claims/{claim_id}/checklist", headers=alice)
        return answer.json()["complete"]

    await wait_until(complete, timeout=120)
    for step in ("signature", "submit"):
        body = {"agreed": True} if step == "signature" else None
        answer = await platform.client.post(
            f"/api/v1/claims/{claim_id}/{step}", json=body, headers=alice
        )
        assert answer.status_code == 200, answer.text
    await decide(platform, insurer.json()["partner_secret"], claim_id)

    async def approved() -> bool:
        answer = await platform.client.get(f"/api/v1/claims/{claim_id}/progress", headers=alice)
        return answer.status_code == 200 and answer.json()["status"] == "approved"

    await wait_until(approved, timeout=60)
    return claim_id


async def decide(platform: Platform, secret: str, claim_id: str) -> None:
    """The insurer approves through the signed partner API."""

    async def accepted() -> bool:  # tracking learns of the submission a moment later
        decision = {
            "type": "claim.decision.approved",
            "claim_id": claim_id,
            "decided_at": platform.clock.now().isoformat(),
            "approved_amount": "100.00",
        }
        body = json.dumps(decision).encode()
        stamp = str(int(time.time()))
        path = "/partner/v1/decisions"
        headers = {
            "Content-Type": "application/json",
            "X-Lipei-Insurer": INSURER,
            "X-Lipei-Timestamp": stamp,
            "X-Lipei-Signature": signature(secret, "POST", path, stamp, body),
        }
        answer = await platform.client.post(path, content=body, headers=headers)
        return answer.status_code == 202

    await wait_until(accepted, timeout=30)


async def test_a_journey_shows_in_every_services_metrics_and_logs_name_no_one(
    platform: Platform,
) -> None:
    with json_logs() as logs:
        claim_id = await journey(platform)
        urls = {name: platform.service_urls[name] for name in SERVICES}

        async def settled() -> dict[str, Samples] | None:
            scraped = {name: await scrape(url) for name, url in urls.items()}
            for samples in scraped.values():
                lag = [v for n, _, v in samples if n == "lipei_consumer_lag_messages"]
                if not lag or any(lag):
                    return None
                if total(samples, "lipei_outbox_pending_events") != 0:
                    return None
            # The in-app notice comes first; wait for the WeChat message too.
            wechat = {"channel": "wechat", "outcome": "sent"}
            notified = total(scraped["notify"], "lipei_notifications_total", **wechat)
            return scraped if notified >= 1 else None

        scraped = await wait_until(settled, timeout=60)

    for name, samples in scraped.items():
        assert set(SHARED + CONSUMING) <= names(samples), name
        assert "lipei_outbox_oldest_pending_seconds" in names(samples), name
        assert total(samples, "lipei_outbox_oldest_pending_seconds") == 0, name
        if name != "ocr":  # ocr-service works from Kafka alone
            assert total(samples, "http_requests_total") > 0, name
        for _, labels, _ in samples:  # bounded labels: templates, never the claim itself
            assert claim_id not in labels.values(), (name, labels)
    intake, ocr = scraped["intake"], scraped["ocr"]
    tracking, notify = scraped["tracking"], scraped["notify"]
    assert total(intake, "lipei_claims_total", status="draft") == 1
    assert total(intake, "lipei_outbox_events_total", type="claim.submitted") == 1
    submit = {"route": "/api/v1/claims/{claim_id}/submit", "method": "POST", "status": "200"}
    assert total(intake, "http_requests_total", **submit) == 1
    assert total(ocr, "lipei_documents_total", verdict="accepted") == 3
    assert total(ocr, "lipei_ocr_seconds_count", stage="total") == 3
    assert total(ocr, "lipei_ocr_seconds_sum", stage="ocr") > 0
    for status in ("submitted", "approved"):
        assert total(tracking, "lipei_claims_total", status=status) == 1, status
    assert total(notify, "lipei_notifications_total", channel="wechat", outcome="sent") >= 1
    for service, group in (("ocr", "ocr"), ("tracking", "tracking"), ("intake", "intake")):
        groups = {labels["group"] for n, labels, _ in scraped[service] if "group" in labels}
        assert group in groups, service

    gateway = await scrape(platform.gateway_metrics_url)
    assert total(gateway, "http_requests_total", **submit) == 1
    assert total(gateway, "http_requests_total", route="/partner/v1/decisions") >= 1
    assert (await platform.client.get("/metrics")).status_code == 404  # never on the public port

    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert lines and all(set(line) >= LOG_KEYS for line in lines)
    about_claim = [line for line in lines if line.get("claim_id") == claim_id]
    # the gateway's access lines and OCR's verdicts, each in the trace of its request or event
    assert {line["service"] for line in about_claim} >= {"gateway", "ocr-service"}
    assert all(line["trace_id"] and line["span_id"] for line in about_claim)
    uploads = {
        line["trace_id"]
        for line in about_claim
        if line["logger"] == "gateway.access" and "/documents" in line["message"]
    }
    assert len(uploads) == 3  # one trace per request
    verdicts = [line for line in about_claim if line["service"] == "ocr-service"]
    assert {line["trace_id"] for line in verdicts} == uploads  # OCR's work joins the upload's
    text = logs.getvalue()
    people = (
        ID_CARD.fields["name"],
        ID_CARD.fields["id_number"],
        BANK_CARD.fields["card_number"],
        PHONE,
        PHONE.removeprefix("+86"),
    )
    for value in people:
        assert value not in text, value

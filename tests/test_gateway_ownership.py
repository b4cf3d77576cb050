"""Through the gateway and the real services: nobody reaches another user's or insurer's claim."""

from __future__ import annotations

import io
import json
import time

import pytest
from PIL import Image

from gateway.partner import signature
from lipei_testing.platform import Platform, wait_until

pytestmark = pytest.mark.slow


def _policy(holder: str, insurer: str) -> dict[str, object]:
    return {
        "holder_user_id": holder,
        "insurer_code": insurer,
        "product_name": "门急诊医疗险",
        "insured_name": "张三",
        "insured_id_number": "110101199003071234",
        "coverage": ["outpatient", "inpatient"],
        "region_code": "310000",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "sum_insured": "20000.00",
    }


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (240, 240, 235)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _signed(insurer: str, secret: str, method: str, path: str, body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {
        "X-Lipei-Insurer": insurer,
        "X-Lipei-Timestamp": stamp,
        "X-Lipei-Signature": signature(secret, method, path, stamp, body),
    }


async def test_user_b_gets_404_on_every_route_with_user_as_ids(platform: Platform) -> None:
    client = platform.client
    ops = await platform.login("dev-ops:olivia")
    secrets: dict[str, str] = {}
    for code in ("ins-a", "ins-b"):
        answer = await client.put(f"/ops/v1/insurers/{code}", json={"name": code}, headers=ops)
        assert answer.status_code in (200, 201), answer.text
        secrets[code] = answer.json()["partner_secret"]
    answer = await client.put(
        "/ops/v1/policies/P-A", json=_policy("dev-alice", "ins-a"), headers=ops
    )
    assert answer.status_code == 200, answer.text

    alice = await platform.login("dev:alice")
    bob = await platform.login("dev:bob")
    created = await client.post(
        "/api/v1/claims",
        json={
            "policy_id": "P-A",
            "claim_type": "outpatient",
            "incident_date": "2026-11-01",
            "description": "急性肠胃炎门诊",
        },
        headers=alice,
    )
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    uploaded = await client.post(
        f"/api/v1/claims/{claim_id}/documents",
        data={"doc_type": "medical_invoice"},
        files={"file": ("invoice.jpg", _photo(), "image/jpeg")},
        headers=alice,
    )
    assert uploaded.status_code == 202, uploaded.text
    document_id = uploaded.json()["document_id"]

    async def alice_sees_progress() -> bool:
        answer = await client.get(f"/api/v1/claims/{claim_id}/progress", headers=alice)
        return answer.status_code == 200

    await wait_until(alice_sees_progress, timeout=30)

    base = f"/api/v1/claims/{claim_id}"
    attempts = [
        ("GET", base, None),
        ("GET", f"{base}/documents", None),
        ("GET", f"{base}/checklist", None),
        ("GET", f"{base}/progress", None),
        ("POST", f"{base}/signature", {"agreed": True}),
        ("POST", f"{base}/submit", None),
        ("POST", f"{base}/withdraw", None),
        ("POST", f"{base}/dispute", {"reason": "我不同意这个结果"}),
    ]
    for method, path, body in attempts:
        answer = await client.request(method, path, json=body, headers=bob)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    sneaky_upload = await client.post(
        f"{base}/documents",
        data={"doc_type": "medical_invoice"},
        files={"file": ("invoice.jpg", _photo(), "image/jpeg")},
        headers=bob,
    )
    assert sneaky_upload.status_code == 404
    listed = await client.get("/api/v1/claims", headers=bob)
    assert listed.status_code == 200 and listed.json()["items"] == []

    # Alice still sees her claim and its single document, untouched by Bob's attempts.
    mine = await client.get(f"{base}/documents", headers=alice)
    assert [d["document_id"] for d in mine.json()["items"]] == [document_id]
    assert (await client.get(base, headers=alice)).json()["status"] == "draft"

    # Partners: a wrong secret is refused at the gateway; another insurer sees nothing.
    package = f"/partner/v1/claims/{claim_id}/package"
    forged = await client.get(
        package, headers=_signed("ins-a", "not-the-secret", "GET", package, b"")
    )
    assert forged.status_code == 401
    other = await client.get(
        package, headers=_signed("ins-b", secrets["ins-b"], "GET", package, b"")
    )
    assert other.status_code == 404
    decision = json.dumps(
        {"type": "claim.decision.rejected", "claim_id": claim_id, "reason": "不在保障范围"}
    ).encode()
    decided = await client.post(
        "/partner/v1/decisions",
        content=decision,
        headers={
            "Content-Type": "application/json",
            **_signed("ins-b", secrets["ins-b"], "POST", "/partner/v1/decisions", decision),
        },
    )
    assert decided.status_code == 404, decided.text
    assert (await client.get(base, headers=alice)).json()["status"] == "draft"

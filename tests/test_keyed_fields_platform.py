"""A sharp invoice whose hospital and payer OCR cannot place, end to end on the real OCR: it is
accepted with those fields to key in, the claim is submitted all the same and waits on the
attention queue; the butler keys the hospital, ops the payer, the queue entry goes, the referred
claim is assessed again and approved with the keyed values, and the insurer's package says which
values a person keyed."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lipei.clock import MovableClock
from lipei.sealing import generate_keypair, unseal_json
from lipei_testing.platform import Platform, running_platform, upload, wait_until
from ocr_synth import ANCHOR_DATE, make_document, make_sample

pytestmark = pytest.mark.slow

INSURED = "王芳"
HOSPITAL = "北京协和医院"
BANK_CARD = make_sample(7, 2)
ID_CARD = make_document("insured", "id_card_front", name=INSURED)
# Printed with the hospital and the payer left blank: a sharp photo a person can key from.
INVOICE = make_document(
    "keyed",
    "medical_invoice",
    payer_name="",
    hospital="",
    issue_date="2025-12-20",
    visit_type="outpatient",
)
POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": INSURED,
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient"],
    "region_code": "310104",
    "valid_from": "2025-01-01",
    "valid_to": "2025-12-31",
    "sum_insured": "20000.00",
    "reimbursement_ratio": "0.8000",
}


@asynccontextmanager
async def keyed_platform(
    bootstrap_servers: str, tmp_path: Path
) -> AsyncIterator[tuple[Platform, str]]:
    """The whole platform with real OCR; yields it and the insurer's private key."""
    private, public = generate_keypair()
    storage = str(tmp_path / "documents")
    clock = MovableClock(datetime.combine(ANCHOR_DATE, datetime.min.time(), tzinfo=UTC))
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=clock,
        overrides={
            "intake": {"storage_url": storage, "fields_private_key": private},
            "ocr": {"storage_url": storage, "fields_public_key": public},
        },
    ) as platform:
        insurer_private, insurer_public = generate_keypair()
        ops = await platform.login("dev-ops:olivia")
        body = {
            "name": "演示保险",
            "public_key": insurer_public,
            "instant_claims": {"claim_types": ["outpatient"], "max_amount": "5000.00"},
        }
        answer = await platform.client.put("/ops/v1/insurers/demo-insurer", json=body, headers=ops)
        assert answer.status_code == 201, answer.text
        platform.extra["secret"] = answer.json()["partner_secret"]
        answer = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
        assert answer.status_code == 200, answer.text
        answer = await platform.client.put(
            "/ops/v1/butlers/b-wang",
            json={"display_name": "王管家", "capacity": 5, "active": True},
            headers=ops,
        )
        assert answer.status_code == 200, answer.text
        yield platform, insurer_private


async def call(
    platform: Platform, method: str, path: str, headers: dict[str, str], body: Any = None
) -> Any:
    return await platform.client.request(method, path, json=body, headers=headers)


async def file_claim(platform: Platform, alice: dict[str, str]) -> tuple[str, str]:
    """Draft, upload, wait for OCR, sign and submit; returns the claim's and invoice's ids."""
    draft = {
        "policy_id": "P-1",
        "claim_type": "outpatient",
        "incident_date": "2025-12-01",
        "description": "门诊",
        "payee": {"account_name": INSURED, "bank_card_number": BANK_CARD.fields["card_number"]},
    }
    created = await call(platform, "POST", "/api/v1/claims", alice, draft)
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    invoice_id = await upload(platform, alice, claim_id, INVOICE)
    for sample in (ID_CARD, BANK_CARD):
        await upload(platform, alice, claim_id, sample)

    async def complete() -> bool:
        answer = await call(platform, "GET", f"/api/v1/claims/{claim_id}/checklist", alice)
        return answer.status_code == 200 and bool(answer.json()["complete"])

    await wait_until(complete, timeout=180, interval=0.5)
    signed = await call(
        platform, "POST", f"/api/v1/claims/{claim_id}/signature", alice, {"agreed": True}
    )
    assert signed.status_code == 200, signed.text
    submitted = await call(platform, "POST", f"/api/v1/claims/{claim_id}/submit", alice)
    assert submitted.status_code == 200, submitted.text
    return claim_id, invoice_id


async def attention_reasons(platform: Platform, ops: dict[str, str], claim_id: str) -> list[str]:
    answer = await call(platform, "GET", "/ops/v1/attention?limit=100", ops)
    assert answer.status_code == 200, answer.text
    items = [i for i in answer.json()["items"] if i["claim_id"] == claim_id]
    return [r["code"] for r in items[0]["reasons"]] if items else []


async def assessment(platform: Platform, claim_id: str, alice: dict[str, str]) -> Any:
    answer = await call(platform, "GET", f"/api/v1/claims/{claim_id}/assessment", alice)
    return answer.json() if answer.status_code == 200 else None


async def partner_package(platform: Platform, claim_id: str) -> Any:
    path = f"/partner/v1/claims/{claim_id}/package"
    timestamp = str(int(time.time()))
    secret = platform.extra["secret"]
    message = f"GET\n{path}\n{timestamp}\n".encode()
    headers = {
        "X-Lipei-Insurer": "demo-insurer",
        "X-Lipei-Timestamp": timestamp,
        "X-Lipei-Signature": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(),
    }
    answer = await platform.client.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_field_ocr_cannot_place_is_keyed_by_a_person_and_the_claim_moves_on(
    bootstrap_servers: str, tmp_path: Path
) -> None:
    async with keyed_platform(bootstrap_servers, tmp_path) as (platform, insurer_key):
        ops = await platform.login("dev-ops:olivia")
        alice = await platform.login("dev:alice")
        mine = await call(platform, "GET", "/api/v1/butler", alice)
        butler = await platform.login(f"dev-butler:{mine.json()['butler_id']}")

        # Accepted, with the fields left for a person; the claim is submitted all the same.
        claim_id, invoice_id = await file_claim(platform, alice)
        docs = await call(platform, "GET", f"/api/v1/claims/{claim_id}/documents", alice)
        invoice = next(d for d in docs.json()["items"] if d["document_id"] == invoice_id)
        assert invoice["status"] == "accepted"
        assert sorted(invoice["fields_to_review"]) == ["hospital", "payer_name"]
        assert invoice["keyed_fields"] == []
        assert invoice["fields"]["total_amount"] == INVOICE.fields["total_amount"]

        # Referred for what the rules could not read, and on the queue until keyed.
        referred = await wait_until(lambda: assessment(platform, claim_id, alice), timeout=30)
        assert referred["outcome"] == "referred"
        assert "missing_fields" in [r["code"] for r in referred["reasons"]]
        reasons = await wait_until(lambda: attention_reasons(platform, ops, claim_id), timeout=30)
        assert "fields_to_review" in reasons

        # The butler sees what is left, and keys the hospital in.
        async def butler_view() -> Any:
            answer = await call(platform, "GET", "/butler/v1/users/dev-alice/claims", butler)
            claims = [c for c in answer.json()["items"] if c["claim_id"] == claim_id]
            docs = claims[0]["documents"] if claims else []
            found = [d for d in docs if d["document_id"] == invoice_id and d["fields_to_review"]]
            return found[0] if found else None

        seen = await wait_until(butler_view, timeout=30)
        assert sorted(seen["fields_to_review"]) == ["hospital", "payer_name"]
        path = f"/claims/{claim_id}/documents/{invoice_id}/fields"
        keyed = await call(
            platform,
            "PUT",
            f"/butler/v1/users/dev-alice{path}",
            butler,
            {"fields": {"hospital": HOSPITAL}},
        )
        assert keyed.status_code == 200, keyed.text
        assert keyed.json()["fields_to_review"] == ["payer_name"]
        assert keyed.json()["keyed_fields"] == ["hospital"]
        assert keyed.json()["fields"]["hospital"] == HOSPITAL
        assert "fields_to_review" in await attention_reasons(platform, ops, claim_id)

        # Ops keys the payer: nothing is left, the queue entry goes, the claim is approved.
        keyed = await call(
            platform, "PUT", f"/ops/v1{path}", ops, {"fields": {"payer_name": INSURED}}
        )
        assert keyed.status_code == 200, keyed.text
        assert keyed.json()["fields_to_review"] == []
        assert keyed.json()["fields"]["payer_name"] == "王*"  # masked, as OCR's names are

        async def left_queue() -> bool:
            return "fields_to_review" not in await attention_reasons(platform, ops, claim_id)

        await wait_until(left_queue, timeout=30)

        async def approved() -> Any:
            found = await assessment(platform, claim_id, alice)
            return found if found and found["outcome"] == "approved" else None

        assessed = await wait_until(approved, timeout=30)
        assert assessed["lines"][0]["invoice_number"] == INVOICE.fields["invoice_number"]

        # The insurer's package marks the keyed values; the values themselves are sealed.
        package = await partner_package(platform, claim_id)
        sent = next(d for d in package["documents"] if d["document_id"] == invoice_id)
        assert sent["field_sources"]["hospital"] == "keyed"
        assert sent["field_sources"]["payer_name"] == "keyed"
        assert sent["field_sources"]["total_amount"] == "ocr"
        assert sent["fields_to_review"] == []
        fields = unseal_json(insurer_key, sent["sealed_fields"])
        assert fields["hospital"] == HOSPITAL
        assert fields["payer_name"] == INSURED

        # Who keyed what, and when, is kept.
        audit = await call(platform, "GET", f"/ops/v1{path.replace('/fields', '/keyings')}", ops)
        assert [(k["fields"], k["keyed_role"]) for k in audit.json()["items"]] == [
            (["hospital"], "butler"),
            (["payer_name"], "ops"),
        ]

"""Instant claims (秒赔) end to end, on generated documents read by the real OCR: an approval with
the exact amount, the same invoice filed again, a second invoice in the policy year with no
deductible left, a name that is not the insured's, and an insurer that delegated nothing."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from lipei.clock import MovableClock
from lipei.sealing import generate_keypair
from lipei_testing.platform import Platform, running_platform, wait_until
from ocr_synth import ANCHOR_DATE, Sample, make_document, make_sample

pytestmark = pytest.mark.slow

INSURED = "王芳"
BANK_CARD = make_sample(7, 2)
ID_CARD = make_document("insured", "id_card_front", name=INSURED)
OTHER_ID_CARD = make_document("other", "id_card_front", name="李四")


def invoice(seed: str) -> Sample:
    return make_document(
        seed,
        "medical_invoice",
        payer_name=INSURED,
        issue_date="2025-12-20",
        visit_type="outpatient",
    )


def policy(insurer: str) -> dict[str, Any]:
    return {
        "holder_user_id": "dev-alice",
        "insurer_code": insurer,
        "product_name": "门急诊医疗险",
        "insured_name": INSURED,
        "insured_id_number": "110101199003071234",
        "coverage": ["outpatient"],
        "region_code": "310104",
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "sum_insured": "20000.00",
        "deductible": "100.00",
        "reimbursement_ratio": "0.8000",
    }


def base(sample: Sample) -> Decimal:
    return Decimal(sample.fields["total_amount"]) - Decimal(sample.fields["insurance_paid"])


def cents(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


@asynccontextmanager
async def instant_platform(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[Platform]:
    private, public = generate_keypair()
    storage = str(tmp_path / "documents")
    clock = MovableClock(datetime.combine(ANCHOR_DATE, datetime.min.time(), tzinfo=UTC))
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=clock,
        services=("intake", "ocr", "tracking", "notify", "assessment"),
        overrides={
            "intake": {"storage_url": storage, "fields_private_key": private},
            "ocr": {"storage_url": storage, "fields_public_key": public},
        },
    ) as platform:
        yield platform


async def _setup(platform: Platform) -> tuple[dict[str, str], dict[str, str]]:
    """Returns the ops headers and each insurer's partner secret."""
    ops = await platform.login("dev-ops:olivia")
    secrets: dict[str, str] = {}
    _, key = generate_keypair()
    delegated = {"claim_types": ["outpatient"], "max_amount": "5000.00"}
    for code, body in (
        ("demo-insurer", {"name": "演示保险", "public_key": key, "instant_claims": delegated}),
        ("plain-insurer", {"name": "传统保险", "public_key": key}),
    ):
        answer = await platform.client.put(f"/ops/v1/insurers/{code}", json=body, headers=ops)
        assert answer.status_code == 201, answer.text
        secrets[code] = answer.json()["partner_secret"]
    for policy_id, code in (("P-1", "demo-insurer"), ("P-2", "plain-insurer")):
        answer = await platform.client.put(
            f"/ops/v1/policies/{policy_id}", json=policy(code), headers=ops
        )
        assert answer.status_code == 200, answer.text
    return ops, secrets


async def _partner_get(platform: Platform, insurer: str, secret: str, path: str) -> Any:
    timestamp = str(int(time.time()))
    message = f"GET\n{path}\n{timestamp}\n".encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    headers = {
        "X-Lipei-Insurer": insurer,
        "X-Lipei-Timestamp": timestamp,
        "X-Lipei-Signature": signature,
    }
    return await platform.client.get(path, headers=headers)


async def _file(platform: Platform, alice: dict[str, str], policy_id: str, *docs: Sample) -> str:
    """Draft, upload, wait for OCR's verdicts, sign and submit; returns the claim id."""
    draft = {
        "policy_id": policy_id,
        "claim_type": "outpatient",
        "incident_date": "2025-12-01",
        "description": "门诊",
        "payee": {"account_name": INSURED, "bank_card_number": BANK_CARD.fields["card_number"]},
    }
    created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
    assert created.status_code == 201, created.text
    claim_id: str = created.json()["claim_id"]
    for sample in (*docs, BANK_CARD):
        answer = await platform.client.post(
            f"/api/v1/claims/{claim_id}/documents",
            headers=alice,
            data={"doc_type": sample.doc_type},
            files={"file": (sample.file, sample.data, "application/octet-stream")},
        )
        assert answer.status_code == 202, answer.text

    async def _complete() -> bool:
        answer = await platform.client.get(f"/api/v1/claims/{claim_id}/checklist", headers=alice)
        if answer.status_code != 200:  # e.g. the per-user rate limit while OCR works
            return False
        body = answer.json()
        assert not [m for m in body["materials"] if m["state"] == "rejected"], body
        return bool(body["complete"])

    await wait_until(_complete, timeout=180, interval=0.5)
    signed = await platform.client.post(
        f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
    )
    assert signed.status_code == 200, signed.text
    submitted = await platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice)
    assert submitted.status_code == 200, submitted.text
    return claim_id


async def _assessment(platform: Platform, claim_id: str, headers: dict[str, str]) -> Any:
    async def _found() -> Any:
        answer = await platform.client.get(f"/api/v1/claims/{claim_id}/assessment", headers=headers)
        return answer.json() if answer.status_code == 200 else None

    return await wait_until(_found, timeout=30, interval=0.25)


async def _status(platform: Platform, claim_id: str, headers: dict[str, str]) -> Any:
    answer = await platform.client.get(f"/api/v1/claims/{claim_id}/progress", headers=headers)
    return answer.json() if answer.status_code == 200 else None


async def test_instant_claims_through_the_real_ocr(bootstrap_servers: str, tmp_path: Path) -> None:
    first, second = invoice("first"), invoice("second")
    async with instant_platform(bootstrap_servers, tmp_path) as platform:
        ops, secrets = await _setup(platform)
        alice = await platform.login("dev:alice")

        # A clean claim: approved in seconds, for (base − deductible) × ratio.
        clean = await _file(platform, alice, "P-1", first, ID_CARD)
        assessed = await _assessment(platform, clean, alice)
        assert assessed["outcome"] == "approved", assessed
        assert assessed["payable_amount"] == cents((base(first) - 100) * Decimal("0.8"))
        assert assessed["deductible_applied"] == "100.00"
        assert assessed["lines"][0]["invoice_number"] == first.fields["invoice_number"]
        progress = await wait_until(
            lambda: _approved(platform, clean, alice), timeout=30, interval=0.25
        )
        assert progress["timeline"][-1]["detail"] == (
            f"秒赔：已自动审核，核定金额 ¥{assessed['payable_amount']}"
        )

        # The same invoice again: referred as a duplicate, shown to ops with its reason.
        again = await _file(platform, alice, "P-1", first, ID_CARD)
        duplicate = await _assessment(platform, again, alice)
        assert duplicate["outcome"] == "referred"
        assert [r["code"] for r in duplicate["reasons"]] == ["duplicate_invoice"]

        # A second invoice in the same policy year: the deductible is already used.
        later = await _file(platform, alice, "P-1", second, ID_CARD)
        no_deductible = await _assessment(platform, later, alice)
        assert no_deductible["outcome"] == "approved", no_deductible
        assert no_deductible["deductible_applied"] == "0.00"
        assert no_deductible["payable_amount"] == cents(base(second) * Decimal("0.8"))

        # An ID card that is not the insured's.
        stranger = await _file(platform, alice, "P-1", invoice("third"), OTHER_ID_CARD)
        mismatch = await _assessment(platform, stranger, alice)
        assert [r["code"] for r in mismatch["reasons"]] == ["name_mismatch"]

        # An insurer that delegated nothing: referred, and the claim waits for the insurer.
        plain = await _file(platform, alice, "P-2", invoice("fourth"), ID_CARD)
        waiting = await _assessment(platform, plain, alice)
        assert [r["code"] for r in waiting["reasons"]] == ["not_delegated"]

        queue = (await platform.client.get("/ops/v1/attention", headers=ops)).json()
        reasons = {i["claim_id"]: [r["code"] for r in i["reasons"]] for i in queue["items"]}
        assert "duplicate_invoice" in reasons[again]
        assert "name_mismatch" in reasons[stranger]
        assert plain not in reasons and clean not in reasons
        assert (await _status(platform, plain, alice))["status"] == "submitted"
        assert (await _status(platform, again, alice))["status"] == "submitted"

        # ops and the claim's own insurer read it; another policyholder does not.
        ops_view = await platform.client.get(f"/ops/v1/claims/{plain}/assessment", headers=ops)
        assert ops_view.status_code == 200 and ops_view.json()["outcome"] == "referred"
        bob = await platform.login("dev:bob")
        hidden = await platform.client.get(f"/api/v1/claims/{clean}/assessment", headers=bob)
        assert hidden.status_code == 404
        path = f"/partner/v1/claims/{clean}/assessment"
        own = await _partner_get(platform, "demo-insurer", secrets["demo-insurer"], path)
        assert own.status_code == 200 and own.json()["outcome"] == "approved"
        other = await _partner_get(platform, "plain-insurer", secrets["plain-insurer"], path)
        assert other.status_code == 404

        # The policyholder is told the amount.
        async def _told() -> bool:
            inbox = (await platform.client.get("/api/v1/me/notifications", headers=alice)).json()
            return any(assessed["payable_amount"] in i["body"] for i in inbox["items"])

        await wait_until(_told, timeout=30, interval=0.25)


async def _approved(platform: Platform, claim_id: str, headers: dict[str, str]) -> Any:
    progress = await _status(platform, claim_id, headers)
    return progress if progress and progress["status"] == "approved" else None

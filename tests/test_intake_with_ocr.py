"""intake and the real ocr-service together: an upload through the gateway is read by OCR from
the shared storage, and its verdict (fields sealed to intake's key) reaches the checklist."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intake_service.models import documents
from lipei.clock import MovableClock
from lipei.sealing import generate_keypair, unseal_json
from lipei.testing.platform import running_platform, wait_until
from ocr_service.ocr.synth import ANCHOR_DATE, make_sample

pytestmark = pytest.mark.slow

POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient"],
    "region_code": "310104",
    "valid_from": "2000-01-01",
    "valid_to": "2099-12-31",
    "sum_insured": "20000.00",
}


async def test_ocr_verdicts_reach_the_policyholders_checklist(
    bootstrap_servers: str, tmp_path: Path
) -> None:
    private, public = generate_keypair()
    storage = str(tmp_path / "documents")
    clock = MovableClock(datetime.combine(ANCHOR_DATE, datetime.min.time(), tzinfo=UTC))
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=clock,
        services=("intake", "ocr"),
        overrides={
            "intake": {"storage_url": storage, "fields_private_key": private},
            "ocr": {"storage_url": storage, "fields_public_key": public},
        },
    ) as platform:
        ops = await platform.login("dev-ops:olivia")
        put = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
        assert put.status_code == 200, put.text
        alice = await platform.login("dev:alice")
        draft = {
            "policy_id": "P-1",
            "claim_type": "outpatient",
            "incident_date": ANCHOR_DATE.isoformat(),
            "description": "门诊",
        }
        created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
        assert created.status_code == 201, created.text
        claim_id = created.json()["claim_id"]
        clean_invoice, blurry_id_card = make_sample(7, 0), make_sample(7, 1)
        assert (clean_invoice.doc_type, clean_invoice.quality) == ("medical_invoice", "accept")
        assert blurry_id_card.doc_type == "id_card_front" and blurry_id_card.quality != "accept"
        for sample in (clean_invoice, blurry_id_card):
            response = await platform.client.post(
                f"/api/v1/claims/{claim_id}/documents",
                headers=alice,
                data={"doc_type": sample.doc_type},
                files={"file": (sample.file, sample.data, "application/octet-stream")},
            )
            assert response.status_code == 202, response.text

        async def _decided() -> Any:
            checklist = await platform.client.get(
                f"/api/v1/claims/{claim_id}/checklist", headers=alice
            )
            states = {m["doc_type"]: m for m in checklist.json()["materials"]}
            done = all(
                states[t]["state"] in ("accepted", "rejected")
                for t in ("medical_invoice", "id_card_front")
            )
            return states if done else None

        states = await wait_until(_decided, timeout=120)
        assert states["medical_invoice"]["state"] == "accepted"
        assert states["id_card_front"]["state"] == "rejected"
        assert states["id_card_front"]["reasons"], states["id_card_front"]
        assert all(r["message"] for r in states["id_card_front"]["reasons"])
        docs = await platform.client.get(f"/api/v1/claims/{claim_id}/documents", headers=alice)
        invoice = next(d for d in docs.json()["items"] if d["doc_type"] == "medical_invoice")
        assert invoice["fields"], invoice  # display-safe fields as OCR masked them
        # intake holds OCR's full fields sealed to its own key, and can open them.
        async with platform.runtime("intake").sessionmaker() as s:
            row = (
                await s.execute(
                    select(documents).where(documents.c.document_id == invoice["document_id"])
                )
            ).one()
        fields = unseal_json(private, row.sealed_fields)
        assert fields["total_amount"] == clean_invoice.fields["total_amount"]

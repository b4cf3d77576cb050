"""intake and the real ocr-service together: an upload through the gateway is read by OCR from
the shared storage, and its verdict (fields sealed to intake's key) reaches the checklist; a
whole outpatient claim read by OCR reaches its insurer's topic, readable by that insurer alone."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import select

from intake_service.models import documents
from lipei.clock import MovableClock
from lipei.events import CLAIMS_TOPIC, DOCUMENTS_TOPIC, insurer_topic
from lipei.sealing import generate_keypair, unseal_json
from lipei_testing.platform import Platform, running_platform, wait_until
from ocr_synth import ANCHOR_DATE, Sample, make_sample

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


@asynccontextmanager
async def intake_and_ocr(
    bootstrap_servers: str, tmp_path: Path, fields_keys: tuple[str, str]
) -> AsyncIterator[Platform]:
    """intake and the real OCR service sharing one document store, fields sealed between them
    with `fields_keys` (private, public)."""
    private, public = fields_keys
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
        yield platform


async def test_ocr_verdicts_reach_the_policyholders_checklist(
    bootstrap_servers: str, tmp_path: Path
) -> None:
    private, public = generate_keypair()
    async with intake_and_ocr(bootstrap_servers, tmp_path, (private, public)) as platform:
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


# Clean photos of the three outpatient materials in the generated set (index → type, condition).
INVOICE, ID_CARD, BANK_CARD = make_sample(7, 0), make_sample(7, 13), make_sample(7, 2)


async def _records(bootstrap: str, topic: str, claim_id: str, count: int) -> list[Any]:
    """This claim's records on a topic, read from the start by a plain consumer."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[Any] = []
    try:

        async def _enough() -> bool:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(r for r in batch if r.key == claim_id.encode())
            return len(found) >= count

        await wait_until(_enough, timeout=60)
    finally:
        await consumer.stop()
    return found


async def _upload(
    platform: Platform, headers: dict[str, str], claim_id: str, sample: Sample
) -> None:
    response = await platform.client.post(
        f"/api/v1/claims/{claim_id}/documents",
        headers=headers,
        data={"doc_type": sample.doc_type},
        files={"file": (sample.file, sample.data, "application/octet-stream")},
    )
    assert response.status_code == 202, response.text


async def test_an_outpatient_claim_read_by_ocr_reaches_its_insurer_sealed(
    bootstrap_servers: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert (INVOICE.doc_type, ID_CARD.doc_type, BANK_CARD.doc_type) == (
        "medical_invoice",
        "id_card_front",
        "bank_card",
    )
    assert {INVOICE.quality, ID_CARD.quality, BANK_CARD.quality} == {"accept"}
    name, id_number = ID_CARD.fields["name"], ID_CARD.fields["id_number"]
    card_number = BANK_CARD.fields["card_number"]
    secrets = (name, id_number, card_number, ID_CARD.fields["address"])
    fields_private, fields_public = generate_keypair()
    insurer_private, insurer_public = generate_keypair()
    fields_keys = (fields_private, fields_public)
    async with intake_and_ocr(bootstrap_servers, tmp_path, fields_keys) as platform:
        ops = await platform.login("dev-ops:olivia")
        insurer = await platform.client.put(
            "/ops/v1/insurers/demo-insurer",
            json={"name": "演示保险", "public_key": insurer_public},
            headers=ops,
        )
        assert insurer.status_code == 201, insurer.text
        policy = {**POLICY, "insured_name": name, "insured_id_number": id_number}
        put = await platform.client.put("/ops/v1/policies/P-1", json=policy, headers=ops)
        assert put.status_code == 200, put.text
        alice = await platform.login("dev:alice")
        draft = {
            "policy_id": "P-1",
            "claim_type": "outpatient",
            "incident_date": ANCHOR_DATE.isoformat(),
            "description": "门诊",
            "claimed_amount": INVOICE.fields["total_amount"],
            "payee": {"account_name": name, "bank_card_number": card_number},
        }
        created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
        assert created.status_code == 201, created.text
        claim_id = created.json()["claim_id"]
        for sample in (INVOICE, ID_CARD, BANK_CARD):
            await _upload(platform, alice, claim_id, sample)

        async def _complete() -> Any:
            checklist = await platform.client.get(
                f"/api/v1/claims/{claim_id}/checklist", headers=alice
            )
            body = checklist.json()
            rejected = [m for m in body["materials"] if m["state"] == "rejected"]
            assert not rejected, rejected
            return body["complete"]

        await wait_until(_complete, timeout=120)
        signed = await platform.client.post(
            f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
        )
        assert signed.status_code == 200, signed.text
        submitted = await platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice)
        assert submitted.status_code == 200, submitted.text

        # The insurer, a plain Kafka consumer, opens every sensitive field with its own key.
        [record] = await _records(bootstrap_servers, insurer_topic("demo-insurer"), claim_id, 1)
        assert dict(record.headers)["ce_type"] == b"claim.package"
        for secret in secrets:
            assert secret.encode() not in record.value
        package = json.loads(record.value)
        assert unseal_json(insurer_private, package["policy"]["sealed"]) == {
            "insured_name": name,
            "insured_id_number": id_number,
        }
        assert unseal_json(insurer_private, package["payee"]["sealed"]) == {
            "account_name": name,
            "bank_card_number": card_number,
        }
        by_type = {d["doc_type"]: d for d in package["documents"]}
        assert set(by_type) == {"medical_invoice", "id_card_front", "bank_card"}
        for sample in (INVOICE, ID_CARD, BANK_CARD):
            read = unseal_json(insurer_private, by_type[sample.doc_type]["sealed_fields"])
            assert read == sample.fields, sample.doc_type
        with pytest.raises(Exception):  # noqa: B017 (nacl's CryptoError): another key opens nothing
            unseal_json(fields_private, package["payee"]["sealed"])

        # Nowhere else in plaintext: not on the claims or documents topics, nor in any log line.
        claim_events = await _records(bootstrap_servers, CLAIMS_TOPIC, claim_id, 6)
        verdicts = await _records(bootstrap_servers, DOCUMENTS_TOPIC, claim_id, 3)
        for other in claim_events + verdicts:
            for secret in (id_number, card_number):
                assert secret.encode() not in other.value, other.topic
        assert "gateway.access" in {r.name for r in caplog.records}
        for secret in (id_number, card_number):
            assert secret not in caplog.text

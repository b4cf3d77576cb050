"""ocr-service reads an uploaded document from storage and publishes its verdict on Kafka."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from lipei.clock import MovableClock
from lipei.events import CLAIMS_TOPIC, DOCUMENTS_TOPIC, ClaimDocumentUploaded
from lipei.messaging import Envelope
from lipei.sealing import generate_keypair, unseal_json
from lipei.storage import LocalStorage
from lipei_testing.platform import INTERNAL_TOKEN, running_platform, wait_until
from ocr_synth import ANCHOR_DATE, make_sample

pytestmark = pytest.mark.slow

SEED = 7


async def _send(producer: AIOKafkaProducer, envelope: Envelope) -> None:
    await producer.send_and_wait(
        CLAIMS_TOPIC, envelope.value(), key=envelope.key.encode(), headers=envelope.headers()
    )


async def _upload(
    storage: LocalStorage,
    producer: AIOKafkaProducer,
    index: int,
    doc_type: str | None = None,
    claim_id: str | None = None,
    stored: bytes | None = None,
) -> tuple[str, Any, Envelope]:
    """Store sample `index` (or `stored` in its place) and announce the sample's upload."""
    sample = make_sample(SEED, index)
    document_id = f"doc-{index}"
    claim_id = claim_id or f"claim-{index}"
    key = f"claims/{claim_id}/{document_id}"
    await storage.put(key, sample.data if stored is None else stored, "image/jpeg")
    event = ClaimDocumentUploaded(
        claim_id=claim_id,
        user_id="dev-alice",
        document_id=document_id,
        doc_type=doc_type or sample.doc_type,
        storage_key=key,
        sha256=hashlib.sha256(sample.data).hexdigest(),
        content_type="image/png" if sample.file.endswith("png") else "image/jpeg",
        size_bytes=len(sample.data),
        uploaded_at=datetime.now(UTC),
    )
    envelope = Envelope.wrap(event, source="/lipei/intake-service")
    await _send(producer, envelope)
    return document_id, sample, envelope


async def test_uploaded_documents_get_verdicts_with_sealed_fields(
    bootstrap_servers: str, tmp_path: Path
) -> None:
    private, public = generate_keypair()
    storage_dir = tmp_path / "documents"
    clock = MovableClock(datetime.combine(ANCHOR_DATE, datetime.min.time(), tzinfo=UTC))
    overrides = {"ocr": {"storage_url": str(storage_dir), "fields_public_key": public}}
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=clock,
        overrides=overrides,
        services=("ocr",),
    ):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
        verdicts = AIOKafkaConsumer(
            DOCUMENTS_TOPIC,
            bootstrap_servers=bootstrap_servers,
            group_id="insurer-stand-in",
            auto_offset_reset="earliest",
        )
        await producer.start()
        await verdicts.start()
        try:
            storage = LocalStorage(storage_dir)
            invoice_id, invoice, uploaded = await _upload(storage, producer, 0)  # a clean invoice
            await _send(producer, uploaded)  # delivered twice, as Kafka may
            # a blurry ID card of the same claim: its verdict comes after any for the redelivery
            blurry_id, _, _ = await _upload(storage, producer, 1, claim_id="claim-0")
            wrong_id, _, _ = await _upload(storage, producer, 6, doc_type="bank_card")
            # a clean invoice whose stored bytes were damaged after the upload
            damaged = make_sample(SEED, 0).data[:-4096]
            damaged_id, _, _ = await _upload(storage, producer, 11, stored=damaged)
            seen: dict[str, tuple[str, dict[str, Any], bytes]] = {}
            verdict_count: Counter[str] = Counter()

            async def collect() -> bool:
                batch = await verdicts.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        env = Envelope.from_kafka(record.headers, record.value)
                        seen[env.data["document_id"]] = (env.type, env.data, record.value or b"")
                        verdict_count[env.data["document_id"]] += 1
                return len(seen) == 4

            await wait_until(collect, timeout=120)
        finally:
            await producer.stop()
            await verdicts.stop()

    assert verdict_count[invoice_id] == 1  # the redelivered upload was applied once
    kind, data, raw = seen[invoice_id]
    assert kind == "document.accepted"
    fields = unseal_json(private, data["sealed_fields"])
    assert fields == invoice.fields
    assert invoice.fields["payer_name"].encode() not in raw  # only masked on this topic
    assert data["masked_fields"]["total_amount"] == invoice.fields["total_amount"]

    kind, data, _ = seen[blurry_id]
    assert kind == "document.rejected"
    assert [r["code"] for r in data["reasons"]] == ["blurry"]
    assert data["reasons"][0]["message"] == "照片模糊，请重新拍摄"

    kind, data, _ = seen[wrong_id]
    assert kind == "document.rejected"
    assert [r["code"] for r in data["reasons"]] == ["wrong_type"]

    kind, data, _ = seen[damaged_id]
    assert kind == "document.rejected"
    assert [r["code"] for r in data["reasons"]] == ["unreadable"]
    assert "重新上传" in data["reasons"][0]["message"]


async def test_extract_endpoint_reads_one_file(bootstrap_servers: str, tmp_path: Path) -> None:
    sample = make_sample(SEED, 0)
    async with (
        running_platform(
            bootstrap_servers=bootstrap_servers, tmp_dir=tmp_path, services=("ocr",)
        ) as platform,
        httpx.AsyncClient(
            base_url=platform.service_urls["ocr"],
            timeout=60,
            headers={"X-Lipei-Internal-Token": INTERNAL_TOKEN},
        ) as ocr,
    ):
        response = await ocr.post(
            "/v1/extract",
            data={"doc_type": "medical_invoice"},
            files={"file": ("invoice.jpg", sample.data, "image/jpeg")},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["quality"]["verdict"] == "accept"
        assert body["fields"]["invoice_number"] == sample.fields["invoice_number"]

        # a photo of a thing: judged as a picture, nothing extracted
        photo = await ocr.post(
            "/v1/extract",
            data={"doc_type": "vehicle_photo"},
            files={"file": ("car.jpg", sample.data, "image/jpeg")},
        )
        assert photo.status_code == 200, photo.text
        assert photo.json()["doc_type"] == "vehicle_photo"
        assert photo.json()["fields"] == {}

        bad = await ocr.post(
            "/v1/extract",
            data={"doc_type": "horoscope"},
            files={"file": ("x.jpg", sample.data, "image/jpeg")},
        )
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"

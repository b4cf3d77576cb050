"""The policyholder's filing journey through the gateway, with the real broker and database:
OCR's verdicts are published by the test itself (standing in for ocr-service), and a plain
Kafka consumer stands in for the insurer."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import os
import struct
import time
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from PIL import Image
from sqlalchemy import func, select

from intake_service.domain.guide import GUIDE_FILE
from intake_service.models import claims, documents, policies
from lipei.clock import MovableClock
from lipei.events import (
    CLAIMS_TOPIC,
    ClaimStatusChanged,
    DocumentAccepted,
    DocumentRejected,
    Event,
    Reason,
    insurer_topic,
)
from lipei.messaging.envelope import Envelope
from lipei.messaging.tables import outbox_table
from lipei.sealing import generate_keypair, seal_json, unseal_json
from lipei_testing.platform import INTERNAL_TOKEN, Platform, running_platform, wait_until

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 10, 9, 30, tzinfo=UTC)
ID_NUMBER = "110101199003071234"
CARD = "6222021234567890128"
NAME = "张三"
DESCRIPTION = "急性肠胃炎门诊"  # free text, which may name a diagnosis
MAX_UPLOAD = 300_000
FIELDS_PRIVATE, FIELDS_PUBLIC = generate_keypair()
INSURER_PRIVATE, INSURER_PUBLIC = generate_keypair()

POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": NAME,
    "insured_id_number": ID_NUMBER,
    "coverage": ["outpatient", "inpatient"],
    "region_code": "310104",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "sum_insured": "20000.00",
    "deductible": "100.00",
    "reimbursement_ratio": "0.8",
}
DRAFT = {
    "policy_id": "P-1",
    "claim_type": "outpatient",
    "incident_date": "2026-11-01",
    "description": DESCRIPTION,
    "claimed_amount": "484.50",
    "payee": {"account_name": NAME, "bank_card_number": CARD},
}
FIELDS = {
    "medical_invoice": {"payer_name": NAME, "total_amount": "484.50", "hospital": "瑞金医院"},
    "id_card_front": {"name": NAME, "id_number": ID_NUMBER, "address": "上海市徐汇区某路1号"},
    "bank_card": {"card_number": CARD, "bank_name": "中国工商银行"},
    "expense_list": {"total_amount": "484.50"},
}
MASKED = {
    "medical_invoice": {"payer_name": "张*", "total_amount": "484.50"},
    "id_card_front": {"name": "张*", "id_number": "110***********1234"},
    "bank_card": {"card_number": "6222***********0128"},
    "expense_list": {"total_amount": "484.50"},
}


def image(fmt: str, size: tuple[int, int] = (320, 240), colour: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (colour, 140, 200)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# This deployment's guide: the bundled one, plus a product that asks for more.
PLUS_PRODUCT = "门急诊医疗险（增强版）"


def write_guide(path: Path) -> Path:
    guide = json.loads(GUIDE_FILE.read_text(encoding="utf-8"))
    guide["products"] = [
        {
            "insurer_code": "demo-insurer",
            "product_name": PLUS_PRODUCT,
            "claim_types": [
                {
                    "claim_type": "outpatient",
                    "required": ["medical_invoice", "expense_list", "id_card_front", "bank_card"],
                    "optional": ["diagnosis_certificate"],
                }
            ],
        }
    ]
    path.write_text(json.dumps(guide, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
async def intake_platform(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[Platform]:
    # Only intake runs: the test publishes OCR's verdicts and tracking's status changes itself.
    guide = write_guide(tmp_path / "claim_guide.json")
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        clock=MovableClock(NOW),
        services=("intake",),
        overrides={
            "intake": {
                "storage_url": str(tmp_path / "store" / "documents"),
                "fields_private_key": FIELDS_PRIVATE,
                "max_upload_bytes": MAX_UPLOAD,
                "document_link_secret": "test-link-secret",
                "claim_guide_file": str(guide),
            }
        },
    ) as platform:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
        await producer.start()
        platform.extra["producer"] = producer
        try:
            yield platform
        finally:
            await producer.stop()


async def publish(platform: Platform, event: Event) -> None:
    envelope = Envelope.wrap(event, source="/lipei/test-stand-in")
    producer: AIOKafkaProducer = platform.extra["producer"]
    await producer.send_and_wait(
        event.topic,
        envelope.value(),
        key=envelope.key.encode() if envelope.key else None,
        headers=envelope.headers(),
    )


async def accept(platform: Platform, claim_id: str, document_id: str, doc_type: str) -> None:
    await publish(
        platform,
        DocumentAccepted(
            claim_id=claim_id,
            document_id=document_id,
            doc_type=doc_type,
            masked_fields=MASKED.get(doc_type, {}),
            sealed_fields=seal_json(FIELDS_PUBLIC, FIELDS.get(doc_type, {})),
            accepted_at=NOW,
        ),
    )


async def reject(platform: Platform, claim_id: str, document_id: str, doc_type: str) -> None:
    await publish(
        platform,
        DocumentRejected(
            claim_id=claim_id,
            document_id=document_id,
            doc_type=doc_type,
            reasons=[Reason(code="blurry", message="照片模糊，请重新拍摄")],
            rejected_at=NOW,
        ),
    )


async def upload(
    platform: Platform,
    headers: dict[str, str],
    claim_id: str,
    doc_type: str,
    data: bytes,
    filename: str = "photo.jpg",
    declared: str = "image/jpeg",
) -> httpx.Response:
    return await platform.client.post(
        f"/api/v1/claims/{claim_id}/documents",
        headers=headers,
        data={"doc_type": doc_type},
        files={"file": (filename, data, declared)},
    )


async def checklist(platform: Platform, headers: dict[str, str], claim_id: str) -> Any:
    response = await platform.client.get(f"/api/v1/claims/{claim_id}/checklist", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def complete_claim(
    platform: Platform, headers: dict[str, str], claim_id: str, *, still_needed: int = 0
) -> dict[str, str]:
    """Uploads and accepts the three outpatient materials and waits until the checklist lacks
    only `still_needed` materials; returns doc_type → document id."""
    ids = {}
    for doc_type, fmt in (
        ("medical_invoice", "JPEG"),
        ("id_card_front", "PNG"),
        ("bank_card", "JPEG"),
    ):
        response = await upload(platform, headers, claim_id, doc_type, image(fmt))
        assert response.status_code == 202, response.text
        ids[doc_type] = response.json()["document_id"]
        await accept(platform, claim_id, ids[doc_type], doc_type)

    async def _complete() -> bool:
        return len((await checklist(platform, headers, claim_id))["still_needed"]) == still_needed

    await wait_until(_complete)
    return ids


async def setup_policy(platform: Platform, policy: dict[str, Any] | None = None) -> dict[str, str]:
    ops = await platform.login("dev-ops:olivia")
    registered = await platform.client.put(
        "/ops/v1/insurers/demo-insurer",
        json={"name": "演示保险", "public_key": INSURER_PUBLIC},
        headers=ops,
    )
    assert registered.status_code in (200, 201), registered.text
    response = await platform.client.put("/ops/v1/policies/P-1", json=policy or POLICY, headers=ops)
    assert response.status_code == 200, response.text
    return await platform.login("dev:alice")


def intake_direct(platform: Platform, **headers: str) -> httpx.AsyncClient:
    """intake as the gateway calls it (for the partner and internal paths the gateway serves)."""
    return httpx.AsyncClient(
        base_url=platform.service_urls["intake"],
        headers={"X-Lipei-Internal-Token": INTERNAL_TOKEN, **headers},
    )


async def partner_get(platform: Platform, insurer: str, secret: str, path: str) -> httpx.Response:
    """A signed partner request, as API.md describes it."""
    timestamp = str(int(time.time()))
    message = f"GET\n{path}\n{timestamp}\n".encode()
    return await platform.client.get(
        path,
        headers={
            "X-Lipei-Insurer": insurer,
            "X-Lipei-Timestamp": timestamp,
            "X-Lipei-Signature": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(),
        },
    )


async def read_topic(bootstrap: str, topic: str, count: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    records: list[Any] = []
    try:

        async def _enough() -> bool:
            batch = await consumer.getmany(timeout_ms=500)
            for items in batch.values():
                records.extend(items)
            return len(records) >= count

        await wait_until(_enough, timeout=60)
    finally:
        await consumer.stop()
    return records


async def outbox_drained(platform: Platform) -> bool:
    async with platform.runtime("intake").sessionmaker() as s:
        pending = await s.execute(
            select(func.count()).select_from(outbox_table).where(outbox_table.c.sent_at.is_(None))
        )
        return pending.scalar_one() == 0


async def test_outpatient_claim_from_draft_to_the_insurers_package(
    intake_platform: Platform,
    bootstrap_servers: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every log line of the gateway and intake, at every level, is checked for secrets below;
    # so is every SQL statement intake runs, logged with its parameters and result rows.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    platform = intake_platform
    ops = await platform.login("dev-ops:olivia")
    registered = await platform.client.put(
        "/ops/v1/insurers/demo-insurer",
        json={"name": "演示保险", "public_key": INSURER_PUBLIC},
        headers=ops,
    )
    assert registered.status_code == 201, registered.text
    secret = registered.json()["partner_secret"]
    again = await platform.client.put(
        "/ops/v1/insurers/demo-insurer", json={"name": "演示保险股份"}, headers=ops
    )
    assert again.status_code == 200 and "partner_secret" not in again.json()
    assert again.json()["public_key"] == INSURER_PUBLIC
    async with intake_direct(platform) as internal:
        fetched = await internal.get("/internal/v1/insurers/demo-insurer/partner-secret")
    assert fetched.json() == {"insurer_code": "demo-insurer", "partner_secret": secret}
    assert (
        await platform.client.get("/internal/v1/insurers/demo-insurer/partner-secret")
    ).status_code == 404
    alice = await setup_policy(platform)

    mine = (await platform.client.get("/api/v1/policies", headers=alice)).json()
    assert [p["policy_id"] for p in mine["items"]] == ["P-1"]
    assert mine["items"][0]["insured_id_number_masked"] == "110***********1234"
    assert mine["items"][0]["insured_name"] == NAME
    types = (await platform.client.get("/api/v1/claim-types?limit=4", headers=alice)).json()
    assert len(types["items"]) == 4 and types["next_cursor"]
    rest = await platform.client.get(
        f"/api/v1/claim-types?cursor={types['next_cursor']}", headers=alice
    )
    assert len(rest.json()["items"]) == 2 and rest.json()["next_cursor"] is None

    # A draft, safely retried with its idempotency key.
    keyed = {**alice, "Idempotency-Key": "draft-1"}
    created = await platform.client.post("/api/v1/claims", json=DRAFT, headers=keyed)
    assert created.status_code == 201, created.text
    claim = created.json()
    claim_id = claim["claim_id"]
    assert claim["status"] == "draft"
    assert claim["payee"] == {"account_name": NAME, "bank_card_masked": "6222***********0128"}
    assert claim["description"] == DESCRIPTION
    retried = await platform.client.post("/api/v1/claims", json=DRAFT, headers=keyed)
    assert retried.status_code == 201 and retried.json()["claim_id"] == claim_id
    listed = (await platform.client.get("/api/v1/claims", headers=alice)).json()
    assert [c["claim_id"] for c in listed["items"]] == [claim_id]

    # A blurry bank card is turned away with its reason, then retaken.
    blurry = await upload(platform, alice, claim_id, "bank_card", image("JPEG", colour=10))
    assert blurry.status_code == 202, blurry.text
    assert blurry.json()["status"] == "processing"
    await reject(platform, claim_id, blurry.json()["document_id"], "bank_card")

    async def _bank_card_state() -> str | None:
        items = (await checklist(platform, alice, claim_id))["materials"]
        state = next(i for i in items if i["doc_type"] == "bank_card")["state"]
        return state if state == "rejected" else None

    await wait_until(_bank_card_state)
    docs = (await platform.client.get(f"/api/v1/claims/{claim_id}/documents", headers=alice)).json()
    assert docs["items"][0]["reasons"] == [{"code": "blurry", "message": "照片模糊，请重新拍摄"}]
    pending = await checklist(platform, alice, claim_id)
    assert not pending["complete"]
    assert [i["doc_type"] for i in pending["still_needed"]] == [
        "medical_invoice",
        "id_card_front",
        "bank_card",
    ]

    ids = await complete_claim(platform, alice, claim_id)
    docs = (await platform.client.get(f"/api/v1/claims/{claim_id}/documents", headers=alice)).json()
    id_card = next(d for d in docs["items"] if d["document_id"] == ids["id_card_front"])
    assert id_card["status"] == "accepted"
    assert id_card["fields"] == MASKED["id_card_front"]

    unsigned = await platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice)
    assert unsigned.status_code == 409 and unsigned.json()["type"].endswith("signature-required")
    signed = await platform.client.post(
        f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
    )
    assert signed.status_code == 200, signed.text
    assert len(signed.json()["content_hash"]) == 64
    submitted = await platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    # A submitted claim takes no more documents until the insurer asks for them.
    store = tmp_path / "store"
    sent = await _footprint(platform, store)
    _problem(
        await upload(platform, alice, claim_id, "other", image("PNG"), "more.png"),
        409,
        "not-editable",
    )
    assert await _footprint(platform, store) == sent

    # The insurer's own topic carries the package; only the insurer's key opens its secrets.
    [record] = await read_topic(bootstrap_servers, insurer_topic("demo-insurer"), 1)
    assert dict(record.headers)["ce_type"] == b"claim.package"
    assert record.key == claim_id.encode()
    for plaintext in (ID_NUMBER, CARD, NAME, DESCRIPTION, "上海市徐汇区"):
        assert plaintext.encode() not in record.value
    package = json.loads(record.value)
    assert package["form"]["claimed_amount"] == "484.50"
    assert unseal_json(INSURER_PRIVATE, package["form"]["sealed"]) == {"description": DESCRIPTION}
    assert unseal_json(INSURER_PRIVATE, package["policy"]["sealed"]) == {
        "insured_name": NAME,
        "insured_id_number": ID_NUMBER,
    }
    assert unseal_json(INSURER_PRIVATE, package["payee"]["sealed"]) == {
        "account_name": NAME,
        "bank_card_number": CARD,
    }
    by_type = {d["doc_type"]: d for d in package["documents"]}
    assert set(by_type) == {"medical_invoice", "id_card_front", "bank_card"}
    assert (
        unseal_json(INSURER_PRIVATE, by_type["id_card_front"]["sealed_fields"])
        == FIELDS["id_card_front"]
    )

    # Through the gateway: the link alone fetches the bytes, until it expires; the package again
    # for a signed request of that insurer only.
    link = by_type["id_card_front"]["download_url"]
    got = await platform.client.get(link)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.content.startswith(b"\x89PNG")
    assert (await platform.client.get(link.replace("signature=", "signature=0"))).status_code == 403
    other_doc = link.replace(ids["id_card_front"], ids["bank_card"])
    assert (await platform.client.get(other_doc)).status_code == 403
    package_path = f"/partner/v1/claims/{claim_id}/package"
    again_package = await partner_get(platform, "demo-insurer", secret, package_path)
    assert again_package.status_code == 200, again_package.text
    assert again_package.json()["claim_id"] == claim_id
    assert CARD not in again_package.text and ID_NUMBER not in again_package.text
    other = await platform.client.put(
        "/ops/v1/insurers/other-insurer", json={"name": "别家"}, headers=ops
    )
    other_secret = other.json()["partner_secret"]
    assert (
        await partner_get(platform, "other-insurer", other_secret, package_path)
    ).status_code == 404
    assert (
        await partner_get(platform, "demo-insurer", other_secret, package_path)
    ).status_code == 401
    platform.clock.advance(timedelta(days=8))
    assert (await platform.client.get(link)).status_code == 403

    # The insurer asks for more; the policyholder adds it and submits again.
    await publish(
        platform,
        ClaimStatusChanged(
            claim_id=claim_id, **{"from": "under_review"}, to="materials_requested", at=NOW
        ),
    )

    async def _requested() -> bool:
        got = await platform.client.get(f"/api/v1/claims/{claim_id}", headers=alice)
        return got.json()["status"] == "materials_requested"

    await wait_until(_requested)
    extra = await upload(platform, alice, claim_id, "expense_list", image("PNG"), "list.png")
    assert extra.status_code == 202
    await accept(platform, claim_id, extra.json()["document_id"], "expense_list")

    async def _extra_accepted() -> bool:
        items = (await checklist(platform, alice, claim_id))["materials"]
        return next(i for i in items if i["doc_type"] == "expense_list")["state"] == "accepted"

    await wait_until(_extra_accepted)
    sign_again = await platform.client.post(
        f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
    )
    assert sign_again.status_code == 200
    resubmitted = await platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice)
    assert resubmitted.status_code == 200, resubmitted.text
    assert resubmitted.json()["status"] == "under_review"
    withdrawn = await platform.client.post(f"/api/v1/claims/{claim_id}/withdraw", headers=alice)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    twice = await platform.client.post(f"/api/v1/claims/{claim_id}/withdraw", headers=alice)
    assert twice.status_code == 409

    # Everything intake published to the shared claims topic is free of plaintext secrets.
    await wait_until(lambda: outbox_drained(platform))
    published = await read_topic(bootstrap_servers, CLAIMS_TOPIC, 11)
    types = [dict(r.headers)["ce_type"].decode() for r in published]
    assert types.count("claim.document.uploaded") == 5
    assert "claim.signed" in types and "claim.submitted" in types
    assert types[-2:] == ["claim.materials.supplemented", "claim.withdrawn"]
    for record in published:
        for plaintext in (ID_NUMBER, CARD, NAME, DESCRIPTION):
            assert plaintext.encode() not in record.value
    supplemented = json.loads(published[-2].value)
    assert supplemented["document_ids"] == [extra.json()["document_id"]]
    # Nor are they stored in plaintext.
    async with platform.runtime("intake").sessionmaker() as s:
        row = (await s.execute(select(claims).where(claims.c.claim_id == claim_id))).one()
        stored_policy = (await s.execute(select(policies))).one()
        stored_docs = (await s.execute(select(documents))).all()
    for plaintext in (CARD, NAME, DESCRIPTION):
        assert plaintext not in str(tuple(row))
    for plaintext in (ID_NUMBER, NAME):
        assert plaintext not in str(tuple(stored_policy))
    for doc in stored_docs:
        assert CARD not in str(tuple(doc)) and ID_NUMBER not in str(tuple(doc))
    # Nor logged, by the gateway or intake, at any level, nor in intake's SQL.
    loggers = {r.name for r in caplog.records}
    assert {"gateway.access", "sqlalchemy.engine.Engine"} <= loggers
    assert "INSERT INTO claims" in caplog.text and "INSERT INTO policies" in caplog.text
    assert str(POLICY["product_name"]) in caplog.text  # statements are logged with their values
    for plaintext in (ID_NUMBER, CARD, NAME, DESCRIPTION):
        assert plaintext not in caplog.text


# --- refusals: each a 4xx problem+json that stores and publishes nothing -----------------


async def _footprint(platform: Platform, store: Path) -> tuple[int, int, int, list[str]]:
    async with platform.runtime("intake").sessionmaker() as s:
        counts = [
            (await s.execute(select(func.count()).select_from(t))).scalar_one()
            for t in (claims, documents, outbox_table)
        ]
    files = await asyncio.to_thread(_files_under, store)
    return counts[0], counts[1], counts[2], files


async def _event_types(platform: Platform) -> list[str]:
    async with platform.runtime("intake").sessionmaker() as s:
        rows = await s.execute(select(outbox_table.c.event_type).order_by(outbox_table.c.seq))
        return list(rows.scalars())


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _problem(response: Any, status: int, type_: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"].endswith(type_), body
    assert body["status"] == status and body["detail"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


async def test_refusals_leave_nothing_behind(intake_platform: Platform, tmp_path: Path) -> None:
    platform = intake_platform
    store = tmp_path / "store"
    alice = await setup_policy(platform)
    bob = await platform.login("dev:bob")
    client = platform.client
    created = await client.post(
        "/api/v1/claims", json=DRAFT, headers={**alice, "Idempotency-Key": "k1"}
    )
    assert created.status_code == 201
    claim_id = created.json()["claim_id"]
    await wait_until(lambda: outbox_drained(platform))
    before = await _footprint(platform, store)

    # Drafts that name the wrong policy, type, date, card or key.
    refused_drafts = [
        (bob, DRAFT, 422, "unknown-policy", "policy_id"),
        (alice, {**DRAFT, "claim_type": "pet"}, 422, "claim-type-not-covered", "claim_type"),
        (alice, {**DRAFT, "claim_type": "space"}, 422, "unknown-claim-type", "claim_type"),
        (
            alice,
            {**DRAFT, "incident_date": "2025-12-31"},
            422,
            "incident-date-not-covered",
            "incident_date",
        ),
        (
            alice,
            {**DRAFT, "incident_date": "2026-11-30"},
            422,
            "incident-in-future",
            "incident_date",
        ),
        (
            alice,
            {
                **DRAFT,
                "payee": {"account_name": "张三", "bank_card_number": "6222021234567890123"},
            },
            422,
            "validation-error",
            "payee.bank_card_number",
        ),
        (alice, {**DRAFT, "claimed_amount": "-1"}, 422, "validation-error", "claimed_amount"),
        (
            {**alice, "Idempotency-Key": "k1"},
            {**DRAFT, "claimed_amount": "999.00"},
            422,
            "idempotency-key-reused",
            "Idempotency-Key",
        ),
    ]
    for headers, body, status, type_, field in refused_drafts:
        _problem(
            await client.post("/api/v1/claims", json=body, headers=headers), status, type_, field
        )
    # Someone else's claim does not exist for them.
    for path in ("", "/documents", "/checklist"):
        _problem(
            await client.get(f"/api/v1/claims/{claim_id}{path}", headers=bob),
            404,
            "claim-not-found",
        )
    _problem(
        await upload(platform, bob, claim_id, "medical_invoice", image("JPEG")),
        404,
        "claim-not-found",
    )

    # Files judged by their bytes, size and pixel count.
    refused_files = [
        (b"this is not a photo at all", "invoice.jpg", "image/jpeg", 415, "unsupported-file-type"),
        (b"GIF89a" + os.urandom(64), "invoice.png", "image/png", 415, "unsupported-file-type"),
        (os.urandom(MAX_UPLOAD + 1), "big.jpg", "image/jpeg", 413, "file-too-large"),
        (
            b"\xff\xd8\xff" + os.urandom(MAX_UPLOAD),
            "big.jpg",
            "image/jpeg",
            413,
            "file-too-large",
        ),
        (png_declaring(20000, 20000), "bomb.png", "image/png", 422, "image-too-large"),
    ]
    for data, name, declared, status, type_ in refused_files:
        response = await upload(platform, alice, claim_id, "medical_invoice", data, name, declared)
        _problem(response, status, type_, "file")
    _problem(
        await upload(platform, alice, claim_id, "selfie", image("JPEG")),
        422,
        "unknown-doc-type",
        "doc_type",
    )
    bad_cursor = await client.get("/api/v1/claims?cursor=!!", headers=alice)
    _problem(bad_cursor, 422, "validation-error", "cursor")

    # Submitting too early says everything that is missing, at once.
    early = _problem(
        await client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice),
        409,
        "claim-incomplete",
    )
    assert [i["doc_type"] for i in early["still_needed"]] == [
        "medical_invoice",
        "id_card_front",
        "bank_card",
    ]
    _problem(
        await client.post(
            f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
        ),
        409,
        "claim-incomplete",
    )

    # A file name that points somewhere is refused, whatever the bytes.
    for name in ("../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd"):
        response = await upload(platform, alice, claim_id, "other", image("JPEG"), name)
        _problem(response, 422, "unsafe-file-name", "file")
    assert await _footprint(platform, store) == before
    assert "passwd" not in " ".join(await asyncio.to_thread(_files_under, tmp_path))

    # An ordinary name does not matter either: the server names the file, by its bytes.
    photo = image("JPEG")
    named = await upload(platform, alice, claim_id, "other", photo, "发票 (1).png", "text/plain")
    assert named.status_code == 202, named.text
    after = await _footprint(platform, store)
    [new_file] = set(after[3]) - set(before[3])
    assert new_file == f"documents/claims/{claim_id}/{named.json()['document_id']}.jpg"
    [stored] = (await client.get(f"/api/v1/claims/{claim_id}/documents", headers=alice)).json()[
        "items"
    ]
    assert stored["content_type"] == "image/jpeg" and stored["size_bytes"] == len(photo)
    assert stored["sha256"] == hashlib.sha256(photo).hexdigest()

    # Signing and submitting: unsigned, then a change after signing voids the signature.
    await complete_claim(platform, alice, claim_id)
    await accept(platform, claim_id, named.json()["document_id"], "other")

    async def _all_decided() -> bool:
        docs = (await client.get(f"/api/v1/claims/{claim_id}/documents", headers=alice)).json()
        return all(d["status"] == "accepted" for d in docs["items"])

    await wait_until(_all_decided)
    _problem(
        await client.post(
            f"/api/v1/claims/{claim_id}/signature", json={"agreed": False}, headers=alice
        ),
        422,
        "not-agreed",
        "agreed",
    )
    _problem(
        await client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice),
        409,
        "signature-required",
    )
    signed = await client.post(
        f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
    )
    assert signed.status_code == 200
    assert (await client.get(f"/api/v1/claims/{claim_id}", headers=alice)).json()["signed"]
    late = await upload(platform, alice, claim_id, "diagnosis_certificate", image("PNG"))
    assert late.status_code == 202
    assert not (await client.get(f"/api/v1/claims/{claim_id}", headers=alice)).json()["signed"]
    _problem(
        await client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice),
        409,
        "signature-required",
    )
    _problem(
        await client.post(
            f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
        ),
        409,
        "documents-processing",
    )
    claim = (await client.get(f"/api/v1/claims/{claim_id}", headers=alice)).json()
    assert claim["status"] == "draft" and claim["submitted_at"] is None
    # None of the refused submits left a trace for tracking or the insurer.
    assert await _event_types(platform) == (
        ["claim.drafted"]
        + ["claim.document.uploaded"] * 4
        + ["claim.signed"]
        + ["claim.document.uploaded"]
    )


async def test_an_insurer_without_a_key_cannot_receive_claims(intake_platform: Platform) -> None:
    platform = intake_platform
    ops = await platform.login("dev-ops:olivia")
    bare = await platform.client.put(
        "/ops/v1/insurers/bare-insurer", json={"name": "无密钥保险"}, headers=ops
    )
    assert bare.status_code == 201 and bare.json()["ready_for_packages"] is False
    _problem(
        await platform.client.put("/ops/v1/insurers/Bad_Code", json={"name": "x"}, headers=ops),
        422,
        "validation-error",
    )
    _problem(
        await platform.client.put(
            "/ops/v1/insurers/x-insurer", json={"name": "x", "public_key": "c2hvcnQ="}, headers=ops
        ),
        422,
        "validation-error",
        "public_key",
    )
    alice = await setup_policy(platform, {**POLICY, "insurer_code": "bare-insurer"})
    forbidden = await platform.client.put("/ops/v1/policies/P-9", json=POLICY, headers=alice)
    assert forbidden.status_code == 403
    # Other policyholders in other regions, for the disaster-alert lookup.
    for policy_id, user, region, valid_to in (
        ("P-2", "dev-bob", "310000", "2026-12-31"),
        ("P-3", "dev-carol", "320100", "2026-12-31"),
        ("P-4", "dev-dave", "310115", "2026-06-30"),
    ):
        response = await platform.client.put(
            f"/ops/v1/policies/{policy_id}",
            json={**POLICY, "holder_user_id": user, "region_code": region, "valid_to": valid_to},
            headers=ops,
        )
        assert response.status_code == 200, response.text
    async with intake_direct(platform) as internal:
        shanghai = (await internal.get("/internal/v1/policyholders?region_code=310000")).json()
        xuhui = (await internal.get("/internal/v1/policyholders?region_code=310104")).json()
        bad = await internal.get("/internal/v1/policyholders?region_code=31")
        first = (await internal.get("/internal/v1/policyholders?region_code=310000&limit=1")).json()
        second = (
            await internal.get(
                f"/internal/v1/policyholders?region_code=310000&cursor={first['next_cursor']}"
            )
        ).json()
    assert [(i["user_id"], i["policy_id"]) for i in shanghai["items"]] == [
        ("dev-alice", "P-1"),
        ("dev-bob", "P-2"),
    ]
    assert [i["user_id"] for i in xuhui["items"]] == ["dev-alice", "dev-bob"]
    assert xuhui["items"][0]["insured_name"] == NAME
    assert [i["user_id"] for i in first["items"] + second["items"]] == ["dev-alice", "dev-bob"]
    assert second["next_cursor"] is None
    assert bad.status_code == 422

    created = await platform.client.post("/api/v1/claims", json=DRAFT, headers=alice)
    claim_id = created.json()["claim_id"]
    await complete_claim(platform, alice, claim_id)
    signed = await platform.client.post(
        f"/api/v1/claims/{claim_id}/signature", json={"agreed": True}, headers=alice
    )
    assert signed.status_code == 200
    refused = _problem(
        await platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice),
        409,
        "insurer-not-ready",
    )
    assert "bare-insurer" in refused["detail"]
    claim = (await platform.client.get(f"/api/v1/claims/{claim_id}", headers=alice)).json()
    assert claim["status"] == "draft" and claim["submitted_at"] is None

    # Once its key is registered the claim goes out, once, however often "submit" is tapped.
    ready = await platform.client.put(
        "/ops/v1/insurers/bare-insurer",
        json={"name": "无密钥保险", "public_key": INSURER_PUBLIC},
        headers=ops,
    )
    assert ready.json()["ready_for_packages"] is True
    taps = await asyncio.gather(
        *[
            platform.client.post(f"/api/v1/claims/{claim_id}/submit", headers=alice)
            for _ in range(3)
        ]
    )
    assert sorted(t.status_code for t in taps) == [200, 409, 409]
    async with platform.runtime("intake").sessionmaker() as s:
        packages = await s.execute(
            select(func.count())
            .select_from(outbox_table)
            .where(outbox_table.c.topic == insurer_topic("bare-insurer"))
        )
    assert packages.scalar_one() == 1


async def test_a_products_own_guide_decides_what_its_claims_need(intake_platform: Platform) -> None:
    platform = intake_platform
    alice = await setup_policy(platform)
    ops = await platform.login("dev-ops:olivia")
    plus = {**POLICY, "product_name": PLUS_PRODUCT}
    put = await platform.client.put("/ops/v1/policies/P-PLUS", json=plus, headers=ops)
    assert put.status_code == 200, put.text

    async def outpatient_guide(policy_id: str | None) -> list[tuple[str, bool]]:
        query = f"?policy_id={policy_id}" if policy_id else ""
        got = await platform.client.get(f"/api/v1/claim-types{query}", headers=alice)
        assert got.status_code == 200, got.text
        [outpatient] = [c for c in got.json()["items"] if c["claim_type"] == "outpatient"]
        assert outpatient["title"] == "门急诊医疗"
        return [(m["doc_type"], m["required"]) for m in outpatient["materials"]]

    default = await outpatient_guide(None)
    assert default == await outpatient_guide("P-1")
    assert ("expense_list", False) in default
    assert await outpatient_guide("P-PLUS") == [
        ("medical_invoice", True),
        ("expense_list", True),
        ("id_card_front", True),
        ("bank_card", True),
        ("diagnosis_certificate", False),
    ]
    bob = await platform.login("dev:bob")
    _problem(
        await platform.client.get("/api/v1/claim-types?policy_id=P-PLUS", headers=bob),
        404,
        "policy-not-found",
    )

    needs = {}
    for policy_id in ("P-1", "P-PLUS"):
        draft = {**DRAFT, "policy_id": policy_id}
        created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
        assert created.status_code == 201, created.text
        claim_id = created.json()["claim_id"]
        await complete_claim(platform, alice, claim_id, still_needed=int(policy_id == "P-PLUS"))
        needs[policy_id] = (claim_id, await checklist(platform, alice, claim_id))
    assert needs["P-1"][1]["complete"] is True
    plus_claim, plus_checklist = needs["P-PLUS"]
    assert [i["doc_type"] for i in plus_checklist["still_needed"]] == ["expense_list"]
    signing = _problem(
        await platform.client.post(
            f"/api/v1/claims/{plus_claim}/signature", json={"agreed": True}, headers=alice
        ),
        409,
        "claim-incomplete",
    )
    assert [i["doc_type"] for i in signing["still_needed"]] == ["expense_list"]

"""Keying in document fields through the gateway, ops and butler routes: bad values are a 422
that changes nothing, another butler's user or another user's claim is a 404, a document not
accepted is a 409, and keying the same values again changes nothing (one audit entry)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intake_service import store
from lipei.sealing import generate_keypair, seal_json
from lipei_testing.platform import Platform, running_platform, upload
from ocr_synth import make_document

pytestmark = pytest.mark.slow

INVOICE = make_document("api", "medical_invoice", payer_name="王芳")
READ = {k: v for k, v in INVOICE.fields.items() if k != "hospital"}
POLICY = {
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": "王芳",
    "insured_id_number": "110101199003071233",
    "coverage": ["outpatient"],
    "region_code": "310104",
    "valid_from": "2025-01-01",
    "valid_to": "2027-12-31",
    "sum_insured": "20000.00",
}


async def call(
    platform: Platform, method: str, path: str, headers: dict[str, str], body: Any = None
) -> Any:
    return await platform.client.request(method, path, json=body, headers=headers)


async def claim_with_invoice(
    platform: Platform, ops: dict[str, str], user: str, *, accepted: bool = True
) -> tuple[str, str]:
    """A draft of `user` with an invoice OCR accepted, its hospital left to key."""
    policy = {**POLICY, "holder_user_id": f"dev-{user}"}
    answer = await call(platform, "PUT", f"/ops/v1/policies/P-{user}", ops, policy)
    assert answer.status_code == 200, answer.text
    headers = await platform.login(f"dev:{user}")
    draft = {"policy_id": f"P-{user}", "claim_type": "outpatient", "incident_date": "2026-01-05"}
    created = await call(platform, "POST", "/api/v1/claims", headers, draft)
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    document_id = await upload(platform, headers, claim_id, INVOICE)
    if accepted:
        intake = platform.apps["intake"].state.intake
        async with intake.runtime.unit_of_work() as s:
            await store.record_verdict(
                s,
                document_id,
                status="accepted",
                reasons=[],
                masked_fields=READ,
                sealed_fields=seal_json(intake.field_keys.public_key, READ),
                decided_at=intake.runtime.clock.now(),
                fields_to_review=["hospital"],
            )
    return claim_id, document_id


async def documents(platform: Platform, user: str, claim_id: str) -> list[dict[str, Any]]:
    headers = await platform.login(f"dev:{user}")
    answer = await call(platform, "GET", f"/api/v1/claims/{claim_id}/documents", headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_keying_is_checked_scoped_and_idempotent(
    bootstrap_servers: str, tmp_path: Path
) -> None:
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        services=("intake", "butler"),
        overrides={"intake": {"storage_url": str(tmp_path / "documents")}},
    ) as platform:
        ops = await platform.login("dev-ops:olivia")
        _, key = generate_keypair()
        answer = await call(
            platform,
            "PUT",
            "/ops/v1/insurers/demo-insurer",
            ops,
            {"name": "演示", "public_key": key},
        )
        assert answer.status_code == 201, answer.text
        for butler_id in ("b-wang", "b-li"):
            account = {"display_name": butler_id, "capacity": 1, "active": True}
            answer = await call(platform, "PUT", f"/ops/v1/butlers/{butler_id}", ops, account)
            assert answer.status_code == 200, answer.text
        claim_id, doc_id = await claim_with_invoice(platform, ops, "alice")
        bob_claim, bob_doc = await claim_with_invoice(platform, ops, "bob")
        alice_butler = (
            await call(platform, "GET", "/api/v1/butler", await platform.login("dev:alice"))
        ).json()
        bob_butler = (
            await call(platform, "GET", "/api/v1/butler", await platform.login("dev:bob"))
        ).json()
        butler = await platform.login(f"dev-butler:{alice_butler['butler_id']}")
        other = await platform.login(f"dev-butler:{bob_butler['butler_id']}")
        ops_path = f"/ops/v1/claims/{claim_id}/documents/{doc_id}/fields"
        butler_path = f"/butler/v1/users/dev-alice/claims/{claim_id}/documents/{doc_id}/fields"
        before = await documents(platform, "alice", claim_id)
        assert before[0]["fields_to_review"] == ["hospital"]

        # Bad input: a 422 naming each bad field, and nothing changes.
        for path, who in ((ops_path, ops), (butler_path, butler)):
            for fields, bad in (
                ({"hospital": "某医院", "diagnosis": "感冒"}, "fields.diagnosis"),
                ({"issue_date": "2025/12/20"}, "fields.issue_date"),
                ({"total_amount": "一百元"}, "fields.total_amount"),
                ({"self_paid": "0.01"}, "fields.self_paid"),  # total ≠ insurance + self
                ({"hospital": ""}, "fields.hospital"),
            ):
                answer = await call(platform, "PUT", path, who, {"fields": fields})
                assert answer.status_code == 422, (fields, answer.text)
                assert answer.headers["content-type"] == "application/problem+json"
                assert bad in [e["field"] for e in answer.json()["errors"]], answer.text
            answer = await call(platform, "PUT", path, who, {"fields": {}})
            assert answer.status_code == 422
        assert await documents(platform, "alice", claim_id) == before

        # Not yours: another butler's user, another user's claim, a document of another claim.
        keyed = {"fields": {"hospital": "北京协和医院"}}
        answer = await call(platform, "PUT", butler_path, other, keyed)
        assert answer.status_code == 404, answer.text
        bob_path = f"/butler/v1/users/dev-alice/claims/{bob_claim}/documents/{bob_doc}/fields"
        assert (await call(platform, "PUT", bob_path, butler, keyed)).status_code == 404
        mixed = f"/ops/v1/claims/{claim_id}/documents/{bob_doc}/fields"
        assert (await call(platform, "PUT", mixed, ops, keyed)).status_code == 404
        alice = await platform.login("dev:alice")
        assert (await call(platform, "PUT", ops_path, alice, keyed)).status_code == 403
        assert await documents(platform, "alice", claim_id) == before

        # A document OCR has not accepted has nothing to key yet.
        carol_claim, processing = await claim_with_invoice(platform, ops, "carol", accepted=False)
        answer = await call(
            platform,
            "PUT",
            f"/ops/v1/claims/{carol_claim}/documents/{processing}/fields",
            ops,
            keyed,
        )
        assert answer.status_code == 409, answer.text

        # Keyed by the butler; the same again changes nothing and is audited once.
        first = await call(platform, "PUT", butler_path, butler, keyed)
        assert first.status_code == 200, first.text
        assert first.json()["fields_to_review"] == []
        assert first.json()["keyed_fields"] == ["hospital"]
        again = await call(platform, "PUT", ops_path, ops, keyed)
        assert again.status_code == 200
        assert again.json() == first.json()
        audit_path = ops_path.replace("/fields", "/keyings")
        audit = (await call(platform, "GET", audit_path, ops)).json()["items"]
        assert [(a["fields"], a["keyed_by"], a["keyed_role"]) for a in audit] == [
            (["hospital"], alice_butler["butler_id"], "butler")
        ]
        after = await documents(platform, "alice", claim_id)
        assert after[0]["fields"]["hospital"] == "北京协和医院"
        assert after[0]["keyed_fields"] == ["hospital"]

        # A field OCR read may be corrected too: it becomes keyed.
        fixed = await call(platform, "PUT", ops_path, ops, {"fields": {"visit_type": "inpatient"}})
        assert fixed.status_code == 200, fixed.text
        assert fixed.json()["keyed_fields"] == ["hospital", "visit_type"]
        assert fixed.json()["fields"]["visit_type"] == "inpatient"
        audit = (await call(platform, "GET", audit_path, ops)).json()["items"]
        assert [a["fields"] for a in audit] == [["hospital"], ["visit_type"]]

        # The public OpenAPI document has both routes and the document's new members.
        spec = (await platform.client.get("/openapi.json")).json()
        for path in (
            "/ops/v1/claims/{claim_id}/documents/{document_id}/fields",
            "/butler/v1/users/{user_id}/claims/{claim_id}/documents/{document_id}/fields",
        ):
            assert "put" in spec["paths"][path], path
        schemas = spec["components"]["schemas"]
        assert {"fields_to_review", "keyed_fields"} <= set(schemas["DocumentOut"]["properties"])

"""Rotating the at-rest keys: the seeded data, re-encrypted under a new key, stays readable, and
the stored OCR fields are re-sealed to intake's new field key."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from intake_service.at_rest import Payee, claim_values
from intake_service.domain.field_keys import FieldKeys
from intake_service.models import claims, document_keyings, documents, insurers, policies
from intake_service.rekey import rekey
from intake_service.seed import DEMO_PARTNER_SECRET, seed
from intake_service.settings import Settings
from lipei.db import make_engine, make_sessionmaker
from lipei.keyring import KeyRing
from lipei.sealing import generate_keypair, seal_json, unseal_json

NAME = "演示用户"
ID_NUMBER = "110101199003071234"
CARD_NUMBER = "6222021234567890128"
DESCRIPTION = "急性肠胃炎门诊"
FIELDS = {"name": NAME, "id_number": ID_NUMBER}
KEYED = {"ethnicity": "汉"}


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


async def _stored(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as s:
            return {
                "insurer": (await s.execute(select(insurers.c.partner_secret_enc))).scalar_one(),
                "policy": (await s.execute(select(policies.c.insured_id_number_enc))).scalar_one(),
                "insured": (await s.execute(select(policies.c.insured_name_enc))).scalar_one(),
                "claim": (await s.execute(select(claims.c.payee_card_enc))).scalar_one(),
                "payee": (await s.execute(select(claims.c.payee_name_enc))).scalar_one(),
                "description": (await s.execute(select(claims.c.description_enc))).scalar_one(),
                "document": (await s.execute(select(documents.c.sealed_fields))).scalar_one(),
            }
    finally:
        await engine.dispose()


async def test_rekey_moves_every_value_to_the_new_key(database_url: str) -> None:
    old = f"old:{_key()}"
    await seed(Settings(database_url=database_url, data_keys=old))
    await seed(Settings(database_url=database_url, data_keys=old))  # seeding twice is harmless
    ring = KeyRing.parse(old)
    old_fields, old_fields_public = generate_keypair()
    new_fields, _ = generate_keypair()
    claim_id = str(uuid.uuid4())
    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as s, s.begin():
        await s.execute(
            claims.insert().values(
                claim_id=claim_id,
                user_id="dev-demo",
                policy_id="DEMO-POLICY-1",
                insurer_code="demo-insurer",
                claim_type="outpatient",
                incident_date=date(2026, 11, 1),
                **claim_values(
                    ring, claim_id, description=DESCRIPTION, payee=Payee(NAME, CARD_NUMBER)
                ),
                status="draft",
                has_signature_image=False,
                created_at=datetime.now(UTC),
            )
        )
        document_id = str(uuid.uuid4())
        await s.execute(
            documents.insert().values(
                document_id=document_id,
                claim_id=claim_id,
                doc_type="id_card_front",
                storage_key=f"claims/{claim_id}/d.png",
                sha256="ab" * 32,
                content_type="image/png",
                size_bytes=10,
                status="accepted",
                reasons="[]",
                masked_fields="{}",
                sealed_fields=seal_json(old_fields_public, FIELDS),
                uploaded_at=datetime.now(UTC),
                supplement_pending=False,
                keyed_fields='["ethnicity"]',
                keyed_sealed=seal_json(old_fields_public, KEYED),
            )
        )
        await s.execute(
            document_keyings.insert().values(
                keying_id="k-1",
                claim_id=claim_id,
                document_id=document_id,
                sequence=1,
                field_names='["ethnicity"]',
                sealed_values=seal_json(old_fields_public, KEYED),
                keyed_by="olivia",
                keyed_role="ops",
                keyed_at=datetime.now(UTC),
            )
        )
    await engine.dispose()

    new = f"new:{_key()}"
    rotated = KeyRing.parse(f"{new},{old}")
    field_ring = FieldKeys.parse(f"{new_fields},{old_fields}")
    # The policy's name and ID number; the claim's payee name, card number and description.
    assert await rekey(database_url, rotated, field_ring) == {
        "insurers": 1,
        "policies": 2,
        "claims": 3,
        "documents": 2,  # what OCR read, and what a person keyed
        "document_keyings": 1,
    }
    assert await rekey(database_url, rotated, field_ring) == {
        "insurers": 0,
        "policies": 0,
        "claims": 0,
        "documents": 0,
        "document_keyings": 0,
    }

    stored = await _stored(database_url)
    sealed = stored.pop("document")
    assert {rotated.key_id_of(v) for v in stored.values()} == {"new"}
    assert unseal_json(new_fields, sealed) == FIELDS
    assert FieldKeys.parse(new_fields).open(sealed) == FIELDS
    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as s:
        keyed = (await s.execute(select(documents.c.keyed_sealed))).scalar_one()
        audited = (await s.execute(select(document_keyings.c.sealed_values))).scalar_one()
    await engine.dispose()
    assert unseal_json(new_fields, keyed) == unseal_json(new_fields, audited) == KEYED
    # Once rotated, the old key can be dropped from the ring: nothing needs it any more.
    new_only = KeyRing.parse(new)
    assert new_only.decrypt(stored["insurer"], context="demo-insurer") == DEMO_PARTNER_SECRET
    assert new_only.decrypt(stored["policy"], context="DEMO-POLICY-1") == ID_NUMBER
    assert new_only.decrypt(stored["insured"], context="DEMO-POLICY-1") == NAME
    assert new_only.decrypt(stored["claim"]) == CARD_NUMBER
    assert new_only.decrypt(stored["payee"], context=claim_id) == NAME
    assert new_only.decrypt(stored["description"], context=claim_id) == DESCRIPTION

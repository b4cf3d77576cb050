"""Upgrading a database whose names and claim descriptions were stored in plaintext: the
migration encrypts them with the service's key ring, refuses to without one, and a downgrade
gives the plaintext back."""

from __future__ import annotations

import base64
import os
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from intake_service.app import MIGRATIONS
from intake_service.at_rest import claim_description, claim_payee, insured_name
from intake_service.models import claims, metadata, policies
from lipei.db import alembic_config, make_engine, migrate
from lipei.keyring import KeyRing
from lipei.messaging import messaging_metadata

RING = f"k1:{base64.b64encode(os.urandom(32)).decode()}"
NAME = "张三"
PAYEE = "李四"
DIAGNOSIS = "2型糖尿病复诊"
NOW = datetime(2026, 11, 10, tzinfo=UTC)


async def _alembic(engine: AsyncEngine, run: Any, revision: str) -> None:
    def _run(connection: Any) -> None:
        cfg = alembic_config(MIGRATIONS, str(engine.url))
        cfg.attributes["connection"] = connection
        run(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_run)


def _plain_tables() -> tuple[sa.TableClause, sa.TableClause]:
    """The two tables as the first revision shaped them, with their plaintext columns."""
    old_policies = sa.table(
        "policies",
        *(sa.column(c) for c in ("policy_id", "holder_user_id", "insurer_code", "product_name")),
        *(sa.column(c) for c in ("insured_name", "insured_id_number_enc", "coverage")),
        *(sa.column(c) for c in ("region_code", "valid_from", "valid_to", "sum_insured")),
    )
    old_claims = sa.table(
        "claims",
        *(sa.column(c) for c in ("claim_id", "user_id", "policy_id", "insurer_code")),
        *(sa.column(c) for c in ("claim_type", "incident_date", "description", "payee_name")),
        *(sa.column(c) for c in ("payee_card_enc", "status", "has_signature_image")),
        sa.column("created_at"),
    )
    return old_policies, old_claims


async def _seed_plaintext(engine: AsyncEngine, keys: KeyRing) -> None:
    old_policies, old_claims = _plain_tables()
    claim = {
        "user_id": "dev-alice",
        "policy_id": "P-1",
        "insurer_code": "demo-insurer",
        "claim_type": "outpatient",
        "incident_date": date(2026, 11, 1),
        "status": "draft",
        "has_signature_image": False,
        "created_at": NOW,
    }
    async with engine.begin() as conn:
        await conn.execute(
            old_policies.insert().values(
                policy_id="P-1",
                holder_user_id="dev-alice",
                insurer_code="demo-insurer",
                product_name="门急诊医疗险",
                insured_name=NAME,
                insured_id_number_enc=keys.encrypt("110101199003071234", context="P-1"),
                coverage='["outpatient"]',
                region_code="310104",
                valid_from=date(2026, 1, 1),
                valid_to=date(2026, 12, 31),
                sum_insured="20000.00",
            )
        )
        await conn.execute(
            old_claims.insert(),
            [
                {
                    **claim,
                    "claim_id": "C-paid",
                    "description": DIAGNOSIS,
                    "payee_name": PAYEE,
                    "payee_card_enc": keys.encrypt("6222021234567890128"),
                },
                {
                    **claim,
                    "claim_id": "C-bare",
                    "description": "",
                    "payee_name": None,
                    "payee_card_enc": None,
                },
            ],
        )


async def _rows(engine: AsyncEngine, table: sa.TableClause | sa.Table) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.select(table))).all())


async def _revision(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        return (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar_one()


async def test_existing_plaintext_is_encrypted_and_comes_back_on_downgrade(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = KeyRing.parse(RING)
    engine = make_engine(database_url)
    try:
        await _alembic(engine, command.upgrade, "0001")
        await _seed_plaintext(engine, keys)
        old_policies, old_claims = _plain_tables()
        before = (await _rows(engine, old_policies), await _rows(engine, old_claims))

        # Without the service's key ring it stops, and the database stays as it was.
        monkeypatch.delenv("DATA_KEYS", raising=False)
        with pytest.raises(RuntimeError, match="DATA_KEYS is not set"):
            await migrate(engine, MIGRATIONS)
        assert await _revision(engine) == "0001"
        assert (await _rows(engine, old_policies), await _rows(engine, old_claims)) == before

        monkeypatch.setenv("DATA_KEYS", RING)
        await migrate(engine, MIGRATIONS)
        [policy] = await _rows(engine, policies)
        by_id = {row.claim_id: row for row in await _rows(engine, claims)}
        for row in (policy, *by_id.values()):
            for plaintext in (NAME, PAYEE, DIAGNOSIS):
                assert plaintext not in str(tuple(row))
        assert insured_name(keys, policy) == NAME
        assert claim_description(keys, by_id["C-paid"]) == DIAGNOSIS
        paid = claim_payee(keys, by_id["C-paid"])
        assert paid is not None and paid.account_name == PAYEE
        assert claim_description(keys, by_id["C-bare"]) == ""
        assert by_id["C-bare"].payee_name_enc is None
        # The migrated schema is the one the service's tables describe.
        tables = sa.MetaData()
        for table in (*metadata.tables.values(), *messaging_metadata.tables.values()):
            table.to_metadata(tables)
        async with engine.connect() as conn:
            drift = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), tables)
            )
        assert drift == []

        await _alembic(engine, command.downgrade, "0001")
        assert (await _rows(engine, old_policies), await _rows(engine, old_claims)) == before
    finally:
        await engine.dispose()

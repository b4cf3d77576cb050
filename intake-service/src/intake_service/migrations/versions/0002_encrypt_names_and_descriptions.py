"""encrypt at rest the insured's name, the payee's account name and the claim's free text

Revision ID: 0002
Revises: 0001

Existing rows are encrypted with the service's key ring (DATA_KEYS), each value bound to its
row's primary key as at_rest.py reads it; downgrading decrypts them back. Either way needs the
key ring the service runs with, so with rows to convert and no DATA_KEYS configured the
migration stops rather than fall back to the built-in development key.
"""

# No `from __future__ import annotations`: Alembic loads this file outside sys.modules, where
# dataclasses cannot resolve string annotations.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic import op

from intake_service.settings import Settings
from lipei.keyring import KeyRing

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


@dataclass(frozen=True)
class Converted:
    table: str
    primary_key: str
    plain: str
    former_type: Any  # of the plaintext column
    encrypted: str
    nullable: bool


COLUMNS = (
    Converted("policies", "policy_id", "insured_name", sa.String(100), "insured_name_enc", False),
    Converted("claims", "claim_id", "payee_name", sa.String(100), "payee_name_enc", True),
    Converted("claims", "claim_id", "description", sa.Text(), "description_enc", False),
)

Convert = Callable[[KeyRing, str, str], str]  # (keys, value, row's primary key) -> new value


class MigrationRefused(RuntimeError):
    pass


def _key_ring(rows: int, doing: str) -> KeyRing:
    settings = Settings()
    if "data_keys" not in settings.model_fields_set:
        raise MigrationRefused(
            f"{rows} stored name(s) and claim description(s) must be {doing} with the key ring "
            "intake-service runs with, and DATA_KEYS is not set here: run the migration again "
            "with the service's DATA_KEYS (nothing was changed)"
        )
    return KeyRing.parse(settings.data_keys)


def _converted(source_is_plain: bool, doing: str, convert: Convert) -> list[list[dict[str, str]]]:
    """Each column's rows as (row_pk, value) converted, all read and converted before any
    schema change, so that a refusal leaves the database as it was."""
    conn = op.get_bind()
    found = []
    for c in COLUMNS:
        source = c.plain if source_is_plain else c.encrypted
        t = sa.table(c.table, sa.column(c.primary_key), sa.column(source))
        query = sa.select(t.c[c.primary_key], t.c[source]).where(t.c[source].is_not(None))
        found.append(conn.execute(query).all())
    total = sum(len(rows) for rows in found)
    if total == 0:
        return [[] for _ in COLUMNS]
    keys = _key_ring(total, doing)
    return [
        [{"row_pk": pk, "value": convert(keys, value, pk)} for pk, value in rows] for rows in found
    ]


def _write(target_is_plain: bool, converted: list[list[dict[str, str]]]) -> None:
    conn = op.get_bind()
    for c, rows in zip(COLUMNS, converted, strict=True):
        if not rows:
            continue
        target = c.plain if target_is_plain else c.encrypted
        t = sa.table(c.table, sa.column(c.primary_key), sa.column(target))
        conn.execute(
            t.update()
            .where(t.c[c.primary_key] == sa.bindparam("row_pk"))
            .values({target: sa.bindparam("value")}),
            rows,
        )


def _encrypt(keys: KeyRing, value: str, pk: str) -> str:
    return keys.encrypt(value, context=pk)


def _decrypt(keys: KeyRing, value: str, pk: str) -> str:
    try:
        return keys.decrypt(value, context=pk)
    except Exception as exc:
        raise MigrationRefused(
            f"no key of DATA_KEYS opens the stored values of row {pk!r} (nothing was changed)"
        ) from exc


def upgrade() -> None:
    converted = _converted(True, "encrypted", _encrypt)
    for c in COLUMNS:
        with op.batch_alter_table(c.table) as batch:
            batch.add_column(sa.Column(c.encrypted, sa.Text(), nullable=True))
    _write(False, converted)
    for c in COLUMNS:
        with op.batch_alter_table(c.table) as batch:
            batch.drop_column(c.plain)
            if not c.nullable:
                batch.alter_column(c.encrypted, existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    converted = _converted(False, "decrypted", _decrypt)
    for c in COLUMNS:
        with op.batch_alter_table(c.table) as batch:
            batch.add_column(sa.Column(c.plain, c.former_type, nullable=True))
    _write(True, converted)
    for c in COLUMNS:
        with op.batch_alter_table(c.table) as batch:
            batch.drop_column(c.encrypted)
            if not c.nullable:
                batch.alter_column(c.plain, existing_type=c.former_type, nullable=False)

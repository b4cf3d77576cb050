"""Encryption at rest (AES-256-GCM) with a key ring, so keys can rotate: the scheme and the
`DATA_KEYS` format intake-service uses, for any service that keeps personal text.

`DATA_KEYS` is `id1:base64(32 bytes),id2:...`; the first key encrypts, every key decrypts. Each
stored value is `<key id>:<base64 nonce+ciphertext>`, optionally bound to a context (the row's
primary key), so a value copied into another row does not open. Rotate by putting a new key
first, restarting, re-encrypting what is stored (`reencrypt_columns`), then dropping the old key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lipei.keyring import KeyRing, KeyRingError

__all__ = ["EncryptedColumn", "KeyRing", "KeyRingError", "reencrypt_columns"]


@dataclass(frozen=True)
class EncryptedColumn:
    """A column of encrypted values; `bound`: the row's primary key is the context."""

    table: Table
    primary_key: Column[Any]
    column: Column[Any]
    bound: bool = True


async def reencrypt_columns(
    sessionmaker: async_sessionmaker[AsyncSession],
    keys: KeyRing,
    columns: Sequence[EncryptedColumn],
    *,
    batch: int = 500,
) -> dict[str, int]:
    """Re-encrypt every stale value under the ring's current key, one batch per transaction;
    returns how many values of each table changed. Safe to run again: current values stay."""
    counts: dict[str, int] = {}
    for encrypted in columns:
        table, pk, column = encrypted.table, encrypted.primary_key, encrypted.column
        stale = column.is_not(None) & ~column.startswith(f"{keys.current_id}:", autoescape=True)
        changed = 0
        while True:
            async with sessionmaker() as session, session.begin():
                rows = (await session.execute(select(pk, column).where(stale).limit(batch))).all()
                for key, stored in rows:
                    fresh = keys.reencrypt(stored, context=str(key) if encrypted.bound else "")
                    if fresh is not None:
                        await session.execute(
                            table.update().where(pk == key).values({column.name: fresh})
                        )
                        changed += 1
            if len(rows) < batch:
                break
        counts[table.name] = counts.get(table.name, 0) + changed
    return counts

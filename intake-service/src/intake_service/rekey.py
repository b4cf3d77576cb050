"""Key rotation: `python -m intake_service.rekey` re-encrypts every value at rest under the
first key of DATA_KEYS, and re-seals the stored OCR fields to the first key of
FIELDS_PRIVATE_KEY. Rotate by putting a new key first (keeping the old ones), restarting (and
pointing OCR at the new public key), running this, then dropping the old keys. Safe to run
again; it touches only stale values."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from sqlalchemy import Column, Table, select

from intake_service.at_rest import ENCRYPTED_COLUMNS
from intake_service.domain.field_keys import FieldKeys, FieldKeysError
from intake_service.models import document_keyings, documents
from intake_service.settings import Settings
from lipei.db import make_engine, make_sessionmaker
from lipei.keyring import KeyRing

log = logging.getLogger(__name__)

# Values sealed to intake's field key: what OCR read, what people keyed, and the keying audit.
SEALED_COLUMNS: tuple[tuple[Table, Column[Any], Column[Any]], ...] = (
    (documents, documents.c.document_id, documents.c.sealed_fields),
    (documents, documents.c.document_id, documents.c.keyed_sealed),
    (document_keyings, document_keyings.c.keying_id, document_keyings.c.sealed_values),
)


async def rekey(
    database_url: str, keys: KeyRing, field_keys: FieldKeys | None = None
) -> dict[str, int]:
    """Returns how many values of each table were re-encrypted (or re-sealed)."""
    engine = make_engine(database_url)
    counts: dict[str, int] = {}
    try:
        sessionmaker = make_sessionmaker(engine)
        for encrypted in ENCRYPTED_COLUMNS:
            table, pk, column = encrypted.table, encrypted.primary_key, encrypted.column
            changed = 0
            async with sessionmaker() as s, s.begin():
                rows = (await s.execute(select(pk, column).where(column.is_not(None)))).all()
                for key, stored in rows:
                    fresh = keys.reencrypt(stored, context=key if encrypted.bound else "")
                    if fresh is not None:
                        await s.execute(
                            table.update().where(pk == key).values({column.name: fresh})
                        )
                        changed += 1
            counts[table.name] = counts.get(table.name, 0) + changed
        if field_keys is not None:
            for table, pk, column in SEALED_COLUMNS:
                changed = await _reseal_fields(sessionmaker, field_keys, table, pk, column)
                counts[table.name] = counts.get(table.name, 0) + changed
    finally:
        await engine.dispose()
    return counts


async def _reseal_fields(
    sessionmaker: Any, field_keys: FieldKeys, table: Table, pk: Column[Any], column: Column[Any]
) -> int:
    changed = 0
    async with sessionmaker() as s, s.begin():
        rows = (await s.execute(select(pk, column).where(column.is_not(None)))).all()
        for row_id, sealed in rows:
            try:
                fresh = field_keys.reseal(sealed)
            except FieldKeysError:
                # Already unreadable: rotating cannot bring it back, nor should it stop the rest.
                log.warning("no field key opens the sealed %s of %s", column.name, row_id)
                continue
            if fresh is not None:
                await s.execute(table.update().where(pk == row_id).values({column.name: fresh}))
                changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake_service.rekey", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL or intake's default")
    args = parser.parse_args(argv)
    settings = Settings()
    counts = asyncio.run(
        rekey(
            args.database_url or settings.database_url,
            KeyRing.parse(settings.data_keys),
            FieldKeys.parse(settings.fields_private_key),
        )
    )
    for table, changed in counts.items():
        print(f"{table}: {changed} value(s) re-encrypted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

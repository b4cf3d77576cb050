"""Key rotation: `python -m butler_service.rekey` re-encrypts every text at rest (messages,
complaints and their resolutions, review and dispute notes) under the first key of DATA_KEYS.
Rotate by putting a new key first (keeping the old ones), restarting, running this, then dropping
the old keys. Safe to run again; it touches only stale values."""

from __future__ import annotations

import argparse
import asyncio

from butler_service.models import complaints, disputes, messages, reviews
from butler_service.settings import Settings
from lipei.at_rest import EncryptedColumn, KeyRing, reencrypt_columns
from lipei.db import make_engine, make_sessionmaker

# Every encrypted column, each bound to its row's id.
ENCRYPTED_COLUMNS = (
    EncryptedColumn(messages, messages.c.message_id, messages.c.text_enc),
    EncryptedColumn(complaints, complaints.c.complaint_id, complaints.c.text_enc),
    EncryptedColumn(complaints, complaints.c.complaint_id, complaints.c.resolution_enc),
    EncryptedColumn(reviews, reviews.c.review_id, reviews.c.note_enc),
    EncryptedColumn(disputes, disputes.c.claim_id, disputes.c.note_enc),
)


async def rekey(database_url: str, keys: KeyRing) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        return await reencrypt_columns(make_sessionmaker(engine), keys, ENCRYPTED_COLUMNS)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m butler_service.rekey", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL or the service's default")
    args = parser.parse_args(argv)
    settings = Settings()
    counts = asyncio.run(
        rekey(args.database_url or settings.database_url, KeyRing.parse(settings.data_keys))
    )
    for table, changed in counts.items():
        print(f"{table}: {changed} value(s) re-encrypted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

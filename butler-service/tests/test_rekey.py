"""Rotating the key of the text at rest: every value moves to the new key and still opens."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sqlalchemy import select

from butler_service.models import messages, metadata
from butler_service.rekey import rekey
from lipei.at_rest import KeyRing
from lipei.db import make_engine, make_sessionmaker

OLD = KeyRing.parse("old:" + base64.b64encode(b"o" * 32).decode())
BOTH = KeyRing.parse(
    "new:" + base64.b64encode(b"n" * 32).decode() + ",old:" + base64.b64encode(b"o" * 32).decode()
)


async def test_rekey_moves_every_message_to_the_new_key(database_url: str) -> None:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    sessions = make_sessionmaker(engine)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    async with sessions() as s, s.begin():
        for i in range(3):
            message_id = f"m{i}"
            await s.execute(
                messages.insert().values(
                    message_id=message_id,
                    user_id="u",
                    author="user",
                    text_enc=OLD.encrypt(f"身份证{i}", context=message_id),
                    at=now,
                )
            )
    await engine.dispose()

    assert (await rekey(database_url, BOTH))["messages"] == 3
    assert (await rekey(database_url, BOTH))["messages"] == 0

    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as s:
        rows = (await s.execute(select(messages.c.message_id, messages.c.text_enc))).all()
    await engine.dispose()
    assert {BOTH.key_id_of(r.text_enc) for r in rows} == {"new"}
    assert sorted(BOTH.decrypt(r.text_enc, context=r.message_id) for r in rows) == [
        "身份证0",
        "身份证1",
        "身份证2",
    ]

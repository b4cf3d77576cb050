"""What an operator does with a service's outbox: `python -m <service> outbox status|replay`, as
README.md shows it, against a database migrated by `python -m <service> migrate`; and the
retention window that keeps sent events replayable."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from lipei.db import make_engine, make_sessionmaker
from lipei.messaging.outbox import purge_sent
from lipei.messaging.tables import outbox_table
from lipei.settings import ServiceSettings

pytestmark = pytest.mark.slow

BEIJING = timezone(timedelta(hours=8))


async def _service(database_url: str, cwd: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tracking_service", *args],
        env=env,
        cwd=cwd,  # away from any .env in the repository
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def _row(event_id: str, *, created: datetime, sent: datetime | None) -> dict[str, object]:
    return {
        "event_id": event_id,
        "topic": "lipei.claim-status.v1",
        "key": "C-1",
        "event_type": "claim.status.changed",
        "headers": [["ce_id", event_id]],
        "payload": "{}",
        "created_at": created,
        "sent_at": sent,
        "attempts": 0 if sent is None else 1,
    }


async def _unsent(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(outbox_table.c.event_id).where(outbox_table.c.sent_at.is_(None))
            )
            return set(rows.scalars())
    finally:
        await engine.dispose()


async def test_replay_queues_again_what_was_sent_since_the_given_time(
    database_url: str, tmp_path: Path
) -> None:
    assert "newest schema" in await _service(database_url, tmp_path, "migrate")
    now = datetime.now(UTC)
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            outbox_table.insert(),
            [
                _row(
                    "sent-yesterday", created=now - timedelta(days=1), sent=now - timedelta(days=1)
                ),
                _row("sent-just-now", created=now - timedelta(minutes=10), sent=now),
                _row("waiting", created=now, sent=None),
            ],
        )
    await engine.dispose()

    assert "1 event(s) waiting" in await _service(database_url, tmp_path, "outbox", "status")
    # The operator gives the time in their own zone (README's example is Beijing time).
    since = (now - timedelta(hours=1)).astimezone(BEIJING).isoformat()
    replayed = await _service(database_url, tmp_path, "outbox", "replay", "--since", since)

    assert "1 event(s) queued again" in replayed
    assert await _unsent(database_url) == {"sent-just-now", "waiting"}
    assert "2 event(s) waiting" in await _service(database_url, tmp_path, "outbox", "status")


async def test_sent_events_are_kept_for_the_retention_window_and_unsent_ones_always(
    database_url: str,
) -> None:
    retention = ServiceSettings(outbox_retention_hours=24).outbox_retention
    now = datetime.now(UTC)
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(outbox_table.metadata.create_all)
        await conn.execute(
            outbox_table.insert(),
            [
                _row(
                    "sent-2-days-ago", created=now - timedelta(days=2), sent=now - timedelta(days=2)
                ),
                _row(
                    "sent-an-hour-ago",
                    created=now - timedelta(hours=1),
                    sent=now - timedelta(hours=1),
                ),
                # The broker has been away for days: this one was never sent and must survive.
                _row("stuck-3-days", created=now - timedelta(days=3), sent=None),
            ],
        )
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            assert await purge_sent(session, older_than=retention) == 1
        async with sessions() as session:
            kept = set((await session.execute(select(outbox_table.c.event_id))).scalars())
    finally:
        await engine.dispose()
    assert kept == {"sent-an-hour-ago", "stuck-3-days"}

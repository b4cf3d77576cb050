"""After the memory-only broker restarts: every service publishes its outbox retention window again.

What `python -m <service> outbox replay --since ...` does, for every service's database at once
and without starting an interpreter per service: the rows sent since the start of the retention
window are queued again, and each running service's relay sends them. Consumers are idempotent,
so what they had applied already changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from lipei_dev.broker import wait_for_port

DEFAULT_RETENTION_HOURS = 24 * 7  # lipei.settings.ServiceSettings.outbox_retention_hours


def replay_since(env: Mapping[str, str], now: datetime | None = None) -> datetime:
    """The start of a service's retention window (OUTBOX_RETENTION_HOURS, as it reads it)."""
    hours = float(env.get("OUTBOX_RETENTION_HOURS") or DEFAULT_RETENTION_HOURS)
    return (now or datetime.now(UTC)) - timedelta(hours=hours)


async def replay_outbox(database_url: str, since: datetime) -> int:
    """Queue again one database's events sent since `since`; returns how many."""
    # Imported here: the stand-ins' image carries lipei_dev without the services' library.
    from lipei.db import make_engine, make_sessionmaker
    from lipei.messaging.outbox import mark_for_replay

    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await mark_for_replay(session, since=since)
    finally:
        await engine.dispose()


def replay_outboxes(
    services: Mapping[str, Mapping[str, str]],
    *,
    broker_port: int,
    say: Callable[[str], None] = print,
) -> dict[str, int]:
    """`services`: each service and the environment it runs with (its DATABASE_URL and
    OUTBOX_RETENTION_HOURS). Waits for the broker to listen; returns how many events each
    service queued again (a service whose database failed is left out, and said)."""
    if not wait_for_port(broker_port):
        say(f"broker did not listen on {broker_port}; outboxes not replayed")
        return {}

    async def replay_all() -> dict[str, int]:
        counts: dict[str, int] = {}
        for name, env in services.items():
            try:
                counts[name] = await replay_outbox(env["DATABASE_URL"], replay_since(env))
            except Exception as exc:  # one database away must not keep the others from replaying
                say(f"{name}: outbox replay failed: {type(exc).__name__}: {exc}")
        return counts

    counts = asyncio.run(replay_all())
    say(
        "broker restarted; outboxes replayed: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
    )
    return counts

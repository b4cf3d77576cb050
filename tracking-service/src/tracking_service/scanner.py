"""The deadline scanner: a background loop reporting each missed legal clock once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError

from lipei.runtime import ServiceRuntime
from tracking_service.handlers import Tracker

log = logging.getLogger(__name__)

BATCH = 200


async def scan_once(runtime: ServiceRuntime, tracker: Tracker) -> int:
    """Look at every claim with a clock due by now; returns how many were looked at."""
    async with runtime.sessionmaker() as session:
        due = await tracker.store.due_claim_ids(session, runtime.clock.now(), BATCH)
    for claim_id in due:
        try:
            async with runtime.unit_of_work() as session:
                await tracker.report_due(session, claim_id)
        except IntegrityError:
            log.info("claim %s: breach already reported elsewhere", claim_id)
    return len(due)


def deadline_loop(
    runtime: ServiceRuntime, tracker: Tracker, interval: float
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        while True:
            try:
                await scan_once(runtime, tracker)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("deadline scan failed; retrying")
            await asyncio.sleep(interval)

    return run

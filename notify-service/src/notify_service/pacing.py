"""Keeping to a provider's rate limit: each send waits for its slot rather than meeting the
provider's rate-limit error and a retry."""

from __future__ import annotations

import asyncio
import time


class Pacer:
    """At most `per_second` calls a second, spread evenly (0: no limit)."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)

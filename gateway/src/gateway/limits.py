"""Request budgets per user and per client IP (fixed one-minute windows).

Redis keeps the counters when configured, so every gateway replica shares them; otherwise a
dictionary in this process does.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError


class Counter(Protocol):
    async def hit(self, key: str, window_seconds: int) -> int:
        """Count one request under `key` in the current window; returns the count so far."""
        ...


class LocalCounter:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._counts: dict[str, tuple[int, int]] = {}
        self._clock = clock

    async def hit(self, key: str, window_seconds: int) -> int:
        return self.hit_here(key, window_seconds)

    def hit_here(self, key: str, window_seconds: int) -> int:
        window = int(self._clock() // window_seconds)
        seen_window, count = self._counts.get(key, (window, 0))
        count = count + 1 if seen_window == window else 1
        self._counts[key] = (window, count)
        if len(self._counts) > 100_000:  # forget old windows so memory stays bounded
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        return count


class BudgetsUnavailable(Exception):
    """The shared counters (Redis) did not answer: no budget can be checked."""


class RedisCounter:
    def __init__(self, redis: Redis, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._clock = clock

    async def hit(self, key: str, window_seconds: int) -> int:
        window = int(self._clock() // window_seconds)
        name = f"lipei:rl:{key}:{window}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window_seconds + 5)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            raise BudgetsUnavailable(type(exc).__name__) from exc
        return int(count)


class RateLimiter:
    def __init__(self, counter: Counter, clock: Callable[[], float] = time.time) -> None:
        self._counter = counter
        self._clock = clock

    @property
    def counts_here(self) -> bool:
        """The counters are this process's own: a check needs no network round trip."""
        return isinstance(self._counter, LocalCounter)

    async def check(self, key: str, limit: int, window_seconds: int = 60) -> int | None:
        """None when within budget, else the seconds until the next window (Retry-After)."""
        if limit <= 0:
            return None
        return self._verdict(await self._counter.hit(key, window_seconds), limit, window_seconds)

    def check_here(self, key: str, limit: int, window_seconds: int = 60) -> int | None:
        """`check`, at once: only where the counters are here, or the budget is off."""
        if limit <= 0:
            return None
        if not isinstance(self._counter, LocalCounter):
            raise RuntimeError("the budgets are counted elsewhere; use check()")
        return self._verdict(self._counter.hit_here(key, window_seconds), limit, window_seconds)

    def _verdict(self, count: int, limit: int, window_seconds: int) -> int | None:
        if count <= limit:
            return None
        now = self._clock()
        return max(1, math.ceil(window_seconds - now % window_seconds))

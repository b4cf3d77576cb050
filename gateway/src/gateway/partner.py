"""Signed partner requests: HMAC-SHA256 over method, path, timestamp and body; no replays."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

import httpx
from redis.asyncio import Redis

from lipei.web import INTERNAL_TOKEN_HEADER


class PartnerRefused(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def signature(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256(secret, METHOD\\nPATH\\nTIMESTAMP\\nBODY)."""
    message = f"{method.upper()}\n{path}\n{timestamp}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_timestamp(timestamp: str, now: float, window_seconds: int) -> None:
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise PartnerRefused("X-Lipei-Timestamp must be Unix seconds")
    if abs(int(timestamp) - now) > window_seconds:
        raise PartnerRefused("X-Lipei-Timestamp is outside the allowed window")


class ReplayStore:
    """Remembers signatures for the window; `first_use` is False when one is seen again."""

    def __init__(self, redis: Redis | None, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._clock = clock
        self._seen: dict[str, float] = {}

    async def first_use(self, sig: str, ttl_seconds: int) -> bool:
        if self._redis is not None:
            key = f"lipei:partner-sig:{sig}"
            return bool(await self._redis.set(key, 1, nx=True, ex=ttl_seconds))
        now = self._clock()
        if len(self._seen) > 10_000:
            self._seen = {k: v for k, v in self._seen.items() if v > now}
        if self._seen.get(sig, 0) > now:
            return False
        self._seen[sig] = now + ttl_seconds
        return True


class PartnerSecrets:
    """Partner secrets from intake-service, cached briefly so a rotation takes effect soon."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        internal_token: str,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._internal_token = internal_token
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, str | None]] = {}

    async def secret_for(self, insurer_code: str) -> str | None:
        cached = self._cache.get(insurer_code)
        if cached and cached[0] > self._clock():
            return cached[1]
        response = await self._client.get(
            f"/internal/v1/insurers/{insurer_code}/partner-secret",
            headers={INTERNAL_TOKEN_HEADER: self._internal_token},
        )
        if response.status_code == 404:
            secret = None
        elif response.status_code == 200:
            value = response.json().get("partner_secret")
            secret = value if isinstance(value, str) and value else None
        else:
            response.raise_for_status()
            raise httpx.HTTPError(f"unexpected status {response.status_code}")
        self._cache[insurer_code] = (self._clock() + self._cache_seconds, secret)
        return secret


class PartnerVerifier:
    def __init__(
        self,
        secrets: PartnerSecrets,
        replays: ReplayStore,
        *,
        window_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secrets = secrets
        self._replays = replays
        self._window = window_seconds
        self._clock = clock

    async def verify(
        self, *, insurer: str, timestamp: str, sig: str, method: str, path: str, body: bytes
    ) -> str:
        """The insurer code when the request is genuine and fresh; else PartnerRefused."""
        if not insurer or not timestamp or not sig:
            raise PartnerRefused(
                "sign partner requests (X-Lipei-Insurer, X-Lipei-Timestamp, X-Lipei-Signature)"
            )
        if len(insurer) > 64 or not insurer.replace("-", "").replace("_", "").isalnum():
            raise PartnerRefused("unknown insurer")
        check_timestamp(timestamp, self._clock(), self._window)
        secret = await self._secrets.secret_for(insurer)
        if secret is None:
            raise PartnerRefused("unknown insurer")
        expected = signature(secret, method, path, timestamp, body)
        if not hmac.compare_digest(expected, sig.strip().lower()):
            raise PartnerRefused("the signature does not match")
        if not await self._replays.first_use(expected, 2 * self._window):
            raise PartnerRefused("this signature was already used")
        return insurer

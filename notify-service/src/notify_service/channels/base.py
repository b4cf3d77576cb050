"""What a provider call comes to, and the in-call retry every adapter shares."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """`ok`; or failed, `permanent` when trying again cannot help (bad number, refusal)."""

    ok: bool
    error: str | None = None
    permanent: bool = False
    # The WeChat user withdrew consent for this template: stop using WeChat for them.
    consent_refused: bool = False


SENT = Outcome(ok=True)


def transient(error: str) -> Outcome:
    return Outcome(ok=False, error=error)


def permanent(error: str, *, consent_refused: bool = False) -> Outcome:
    return Outcome(ok=False, error=error, permanent=True, consent_refused=consent_refused)


# The request never left: the provider cannot have acted on it.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
UNKNOWN = "no answer: the message may have reached the user, so it is not sent again"


async def with_retries(
    call: Callable[[], Awaitable[Outcome]], *, retries: int, backoff_seconds: float
) -> Outcome:
    """Retry a call on 5xx, 429 and connections that never opened (transient outcomes) with
    exponential backoff; 4xx and provider refusals are returned at once. A call sent but not
    answered (read timeout, dropped connection) may have been delivered: trying again could
    send the message twice, so it fails for good (dead-lettered for a person to check)."""
    attempt = 0
    while True:
        try:
            outcome = await call()
        except NOT_SENT as exc:
            outcome = transient(f"{type(exc).__name__}: {exc}")
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            return permanent(f"{UNKNOWN} ({type(exc).__name__}: {exc})")
        if outcome.ok or outcome.permanent or attempt >= retries:
            return outcome
        attempt += 1
        log.info("provider call failed (%s); retry %d", outcome.error, attempt)
        await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))


def http_outcome(response: httpx.Response) -> Outcome | None:
    """5xx and 429 are worth retrying, other 4xx are not; None for 2xx (read the body)."""
    if response.status_code >= 500 or response.status_code == 429:
        return transient(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        return permanent(f"HTTP {response.status_code}: {response.text[:200]}")
    return None

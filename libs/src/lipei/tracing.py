"""W3C trace context of the work in hand, so every event it causes carries the same trace.

An HTTP request sets it from its `traceparent` header (the gateway mints one when a client sends
none); a consumer sets it from the event it applies. The outbox stamps it on every event written
meanwhile, so one trace runs from the mini-program through each Kafka hop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("traceparent", default=None)

# version-traceid-parentid-flags, lowercase hex; all-zero ids are invalid (W3C Trace Context §3.2).
_TRACEPARENT = re.compile(r"^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")


def valid(traceparent: str | None) -> str | None:
    """The header if it is a well-formed version-00 traceparent, else None (never propagated)."""
    if traceparent and _TRACEPARENT.match(traceparent.strip()):
        return traceparent.strip()
    return None


def current_traceparent() -> str | None:
    return _current.get()


@contextmanager
def traced(traceparent: str | None) -> Iterator[None]:
    token = _current.set(valid(traceparent))
    try:
        yield
    finally:
        _current.reset(token)

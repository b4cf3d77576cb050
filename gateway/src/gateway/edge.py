"""What every request passes first: its request id, the per-IP budget and the access log.

A plain ASGI middleware (not BaseHTTPMiddleware): it adds no task or stream copy per request,
which matters on the one hop every call takes.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Iterable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.limits import BudgetsUnavailable, RateLimiter
from lipei.web import problem_response

access_log = logging.getLogger("gateway.access")
log = logging.getLogger(__name__)

UNLIMITED_PATHS = frozenset({"/healthz", "/readyz"})
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class Edge:
    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, ip_per_minute: int) -> None:
        self.app = app
        self.limiter = limiter
        self.ip_per_minute = ip_per_minute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_for(scope.get("headers", ()))
        scope.setdefault("state", {})["request_id"] = request_id
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        path: str = scope["path"]
        if path not in UNLIMITED_PATHS and scope["method"] != "OPTIONS":
            client = scope.get("client")
            ip = client[0] if client else "unknown"
            refusal = await budget_refusal(self.limiter, f"ip:{ip}", self.ip_per_minute)
            if refusal is not None:
                await refusal(scope, receive, send_with_id)
                log_access(scope["method"], path, refusal.status_code, started, request_id)
                return
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log_access(scope["method"], scope["path"], status or 500, started, request_id)


def request_id_for(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The caller's `X-Request-ID` if it is a plain token (it lands in every log line and is
    echoed back), else a new one."""
    for key, value in headers:
        if key == b"x-request-id":
            offered = value.decode("latin-1")
            if len(offered) <= 128 and _REQUEST_ID.fullmatch(offered):
                return offered
            break
    # 32 hex digits, as a uuid4's: unique, not secret, and a fifth of the cost on every read
    return f"{random.getrandbits(128):032x}"


def log_access(method: str, path: str, status: int, started: float, request_id: str) -> None:
    access_log.info(
        "%s %s %s %.1fms request_id=%s",
        method,
        path,
        status,
        (time.perf_counter() - started) * 1000,
        request_id,
    )


async def budget_refusal(limiter: RateLimiter, key: str, limit: int) -> JSONResponse | None:
    """Count one request on `key`'s budget: None within it, else the answer refusing it (429,
    or 503 while the shared budgets cannot be counted)."""
    try:
        retry_after = await limiter.check(key, limit)
    except BudgetsUnavailable as exc:
        log.warning("request budgets unavailable: %s", exc)
        return budgets_unavailable()
    return None if retry_after is None else too_many(retry_after)


def budgets_unavailable() -> JSONResponse:
    """The answer while the shared budgets cannot be counted: try again, never a 500."""
    return problem_response(
        503,
        "request budgets are unavailable; try again soon",
        type="budgets-unavailable",
        headers={"Retry-After": "5"},
    )


def too_many(retry_after: int) -> JSONResponse:
    """The answer to a caller over a budget, per IP or per user."""
    return problem_response(
        429,
        "too many requests; slow down",
        type="rate-limited",
        headers={"Retry-After": str(retry_after)},
    )

"""What every request passes first: its request id, the per-IP budget and the access log.

A plain ASGI middleware (not BaseHTTPMiddleware): it adds no task or stream copy per request,
which matters on the one hop every call takes.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.limits import RateLimiter
from lipei.web import PROBLEM_JSON

access_log = logging.getLogger("gateway.access")

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
        offered = _header(scope, b"x-request-id")
        # A caller's id is kept only if it is a plain token: it lands in every log line.
        request_id = offered if offered and _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
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
            retry_after = await self.limiter.check(f"ip:{ip}", self.ip_per_minute)
            if retry_after is not None:
                await _too_many(send_with_id, retry_after)
                _log(scope, 429, started, request_id)
                return
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _log(scope, status or 500, started, request_id)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            text: str = value.decode("latin-1")
            # an id is echoed into logs and headers: keep it short and printable
            return text if 0 < len(text) <= 128 and text.isprintable() else None
    return None


def _log(scope: Scope, status: int, started: float, request_id: str) -> None:
    access_log.info(
        "%s %s %s %.1fms request_id=%s",
        scope["method"],
        scope["path"],
        status,
        (time.perf_counter() - started) * 1000,
        request_id,
    )


async def _too_many(send: Send, retry_after: int) -> None:
    body: dict[str, Any] = {
        "type": "https://lipei.example/problems/rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "too many requests; slow down",
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})

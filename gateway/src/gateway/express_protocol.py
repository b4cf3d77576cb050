"""The gateway's HTTP protocol: uvicorn's (one write per answer), with the express lane's reads
answered from the parser's callbacks (express.py); every other request goes on to the app.

The lane comes from the app's lifespan state (`EXPRESS_STATE`), so a server running the app
without it (or before start-up ends) simply serves everything through the app.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.middleware.proxy_headers import _TrustedHosts
from uvicorn.protocols.http.httptools_impl import STATUS_LINE

from gateway.express import ExpressLane, Read
from lipei.http_protocol import CoalescingHttpToolsProtocol

EXPRESS_STATE = "lipei.express"


class _ExpressCycle:
    """What uvicorn's protocol knows of the request in hand while the lane answers it."""

    __slots__ = (
        "body",
        "disconnected",
        "keep_alive",
        "message_event",
        "more_body",
        "response_complete",
    )

    def __init__(self, keep_alive: bool) -> None:
        self.keep_alive = keep_alive
        self.response_complete = False
        self.disconnected = False
        self.more_body = True
        self.body = b""
        self.message_event = asyncio.Event()


class GatewayHttpProtocol(CoalescingHttpToolsProtocol):
    """`uvicorn.run(..., http=GatewayHttpProtocol)`."""

    def on_headers_complete(self) -> None:
        lane: ExpressLane | None = self.app_state.get(EXPRESS_STATE)
        if (
            lane is not None
            and (self.cycle is None or self.cycle.response_complete)
            and not self.pipeline
            # a caller not reading its answers is the app's to hold back
            and not self.flow.write_paused
            and self.parser.get_method() == b"GET"
            and self.parser.get_http_version() == "1.1"
            and not self.parser.should_upgrade()
        ):
            read = lane.take(self.url, self.headers, self._client_ip())
            if read is not None:
                self._express(lane, read)
                return
        super().on_headers_complete()

    def _express(self, lane: ExpressLane, read: Read) -> None:
        cycle = _ExpressCycle(keep_alive=self.parser.should_keep_alive())
        self.cycle = cycle  # type: ignore[assignment]

        def answer(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
            cycle.response_complete = True
            if cycle.disconnected or self.transport.is_closing():
                return
            # As uvicorn writes an answer: status line, its default headers, then the app's.
            head = [STATUS_LINE[status]]
            for name, value in (*self.server_state.default_headers, *headers):
                head += (name, b": ", value, b"\r\n")
            if not cycle.keep_alive:
                head.append(b"connection: close\r\n")
            head += (b"\r\n", body)
            self.transport.write(b"".join(head))
            if not cycle.keep_alive:
                self.transport.close()
            self.on_response_complete()

        lane.forward(read, answer)

    def _client_ip(self) -> str | None:
        """The caller's address as the app sees it (uvicorn's proxy-headers rule)."""
        host = self.client[0] if self.client else None
        if not self.config.proxy_headers:
            return host
        allowed = self.config.forwarded_allow_ips
        trusted = _trusted_hosts(allowed if isinstance(allowed, str) else ",".join(allowed))
        if host in trusted:
            forwarded = [v for n, v in self.headers if n == b"x-forwarded-for"]
            if forwarded:
                client, _ = trusted.get_trusted_client_address(
                    b", ".join(forwarded).decode("latin1")
                )
                if client:
                    return str(client)
        return host


@functools.cache
def _trusted_hosts(allowed: str) -> Any:
    return _TrustedHosts(allowed)

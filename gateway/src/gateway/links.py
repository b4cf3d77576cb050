"""Keep-alive connections to one service driven by the event loop's callbacks: a read is sent
and its answer delivered to a callback, with no task, stream or future in between.

The express lane (express.py) forwards the hottest reads over these. They carry small JSON
answers, read whole; anything else goes through `pool.Pool` and httpx as before.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

import httptools

from gateway.pool import (
    Answer,
    Response,
    UpstreamBroken,
    UpstreamClosed,
    http_address,
    request_head,
)

# An answer larger than this is not a hot read's: the read fails rather than hold it all.
MAX_ANSWER_BYTES = 1024 * 1024

Delivery = Callable[[Response | None, BaseException | None], None]


class _Link(asyncio.Protocol):
    """One connection, one read at a time."""

    def __init__(self, links: Links) -> None:
        self._links = links
        self.transport: asyncio.Transport | None = None
        self.idle_since = time.monotonic()
        self._answer: Answer | None = None
        self._parser: httptools.HttpResponseParser | None = None
        self._deliver: Delivery | None = None
        self._retry: Callable[[], None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._expired = False
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(
        self, head: bytes, deliver: Delivery, retry: Callable[[], None] | None, timeout: float
    ) -> None:
        """`retry` is called instead of `deliver` when the service closed this (pooled)
        connection before any byte of the answer came: the read is sent again on a new one."""
        assert self.transport is not None
        answer = self._answer = Answer()
        self._parser = answer.parser = httptools.HttpResponseParser(answer)
        self._deliver = deliver
        self._retry = retry
        self._expired = False
        self._timer = self._links.loop.call_later(timeout, self._expire)
        self.transport.write(head)

    def data_received(self, data: bytes) -> None:
        answer, parser = self._answer, self._parser
        if answer is None or parser is None:  # nothing asked: the service is out of step
            self._close()
            return
        self._retry = None  # the answer has begun: it is this connection's to finish
        try:
            parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._finish(None, UpstreamBroken(str(exc)))
            return
        if answer.done:
            body = b"".join(answer.take())
            self._finish(Response(parser.get_status_code(), answer.headers, body), None)
        elif answer.size > MAX_ANSWER_BYTES:
            self._finish(None, UpstreamBroken("the answer is larger than a read's"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._links.forget(self)
        if self._deliver is None:
            return
        if self._expired:
            self._finish(None, TimeoutError(f"no answer within {self._links.timeout} s"))
        elif self._retry is not None:
            retry, self._retry = self._retry, None
            self._stop_timer()
            self._deliver = None
            retry()
        else:
            self._finish(None, exc or UpstreamClosed())

    def _expire(self) -> None:
        self._expired = True
        self._close()

    def _finish(self, response: Response | None, error: BaseException | None) -> None:
        deliver, self._deliver = self._deliver, None
        self._stop_timer()
        keep = response is not None and self._answer is not None and self._answer.keep_alive
        self._answer = self._parser = None
        if keep:
            self._links.put_back(self)
        else:
            self._close()
        if deliver is not None:
            deliver(response, error)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _close(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.close()


class Links:
    """Connections to one service (http://host:port), reused while younger than `keepalive`."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        connect_timeout: float,
        keepalive_seconds: float,
        max_links: int = 200,
        max_idle: int = 50,
    ) -> None:
        self.host, self.port, self.authority = http_address(base_url)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.keepalive_seconds = keepalive_seconds
        self.max_links = max_links
        self.max_idle = max_idle
        self._idle: deque[_Link] = deque()
        self._open = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: set[asyncio.Task[None]] = set()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def full(self) -> bool:
        """No idle connection and no room for another: the read should wait elsewhere."""
        return not self._idle and self._open >= self.max_links

    def get(self, target: bytes, headers: list[tuple[bytes, bytes]], deliver: Delivery) -> None:
        """GET `target`; `deliver(answer, None)` or `deliver(None, error)` is called once."""
        head = request_head(target, self.authority, headers)
        link = self._pooled()
        if link is None:
            self._connect_then_send(head, deliver)
            return
        link.send(head, deliver, lambda: self._connect_then_send(head, deliver), self.timeout)

    def put_back(self, link: _Link) -> None:
        if len(self._idle) < self.max_idle:
            link.idle_since = time.monotonic()
            self._idle.append(link)
        else:
            link.transport.close()  # type: ignore[union-attr]

    def forget(self, link: _Link) -> None:
        self._open -= 1
        if link in self._idle:
            self._idle.remove(link)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().transport.close()  # type: ignore[union-attr]
        for task in self._connecting:
            task.cancel()

    def _pooled(self) -> _Link | None:
        oldest = time.monotonic() - self.keepalive_seconds
        while self._idle:
            link = self._idle.pop()
            if link.idle_since > oldest and not link.closed:
                return link
            link.transport.close()  # type: ignore[union-attr]
        return None

    def _connect_then_send(self, head: bytes, deliver: Delivery) -> None:
        task = self.loop.create_task(self._connect(head, deliver))
        self._connecting.add(task)
        task.add_done_callback(self._connecting.discard)

    async def _connect(self, head: bytes, deliver: Delivery) -> None:
        self._open += 1
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, link = await self.loop.create_connection(
                    lambda: _Link(self), self.host, self.port
                )
        except BaseException as exc:
            self._open -= 1
            deliver(None, exc if isinstance(exc, Exception) else ConnectionError("cancelled"))
            if not isinstance(exc, Exception):
                raise
            return
        link.send(head, deliver, None, self.timeout)

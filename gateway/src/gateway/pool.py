"""Keep-alive HTTP/1.1 connections to one service, for the reads that carry no request body.

The reads (a claim, its progress, lists) are most of the traffic. Sent through httpx each costs
the gateway about as much CPU as the service spends answering it; here a read is one write of a
prebuilt head and llhttp (httptools, which uvicorn already parses requests with) reading the
answer. Small answers are read whole and sent on in one piece; larger ones (document downloads)
stream through. Everything else (bodies, uploads, signed partner calls) keeps going through httpx.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools

# Answers up to this size are read whole before the gateway answers (one body message).
WHOLE_BODY_BYTES = 64 * 1024
_READ_BYTES = 64 * 1024


class UpstreamClosed(Exception):
    """The service closed the connection before answering (a pooled one it had just closed)."""


class UpstreamBroken(Exception):
    """The service answered with something that is not HTTP/1.1."""


@dataclass
class Answer:
    """What llhttp has read of one answer so far (its callbacks fill it in)."""

    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    head_done: bool = False
    done: bool = False
    # Read when the answer ends: once feed_data returns, llhttp has reset for the next one.
    keep_alive: bool = False
    parser: httptools.HttpResponseParser | None = None

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.head_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(bytes(body))
        self.size += len(body)

    def on_message_complete(self) -> None:
        self.done = True
        self.keep_alive = self.parser is not None and self.parser.should_keep_alive()

    def take(self) -> list[bytes]:
        chunks, self.chunks = self.chunks, []
        return chunks


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = time.monotonic()

    def close(self) -> None:
        self.writer.close()

    async def _feed(self, parser: httptools.HttpResponseParser) -> None:
        data = await self.reader.read(_READ_BYTES)
        if not data:
            raise UpstreamClosed
        try:
            parser.feed_data(data)
        except httptools.HttpParserError as exc:
            raise UpstreamBroken(str(exc)) from exc


@dataclass
class Response:
    status: int
    headers: list[tuple[bytes, bytes]]
    # The whole body when `rest` is None; else its first part, and `rest` reads the others.
    body: bytes
    rest: Rest | None = None


class Rest:
    """The unread part of a large answer. `aclose` (always called, read or not) gives the
    connection back, or closes it when the body was not read to its end."""

    def __init__(
        self,
        pool: Pool,
        connection: Connection,
        parser: httptools.HttpResponseParser,
        answer: Answer,
    ) -> None:
        self._pool = pool
        self._connection = connection
        self._parser = parser
        self._answer = answer
        self._open = True

    async def chunks(self) -> AsyncIterator[bytes]:
        while not self._answer.done:
            async with asyncio.timeout(self._pool.timeout):
                await self._connection._feed(self._parser)
            if self._answer.done:  # pooled again before the last part goes out
                await self.aclose()
            for chunk in self._answer.take():
                yield chunk

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            keep = self._answer.done and self._answer.keep_alive
            self._pool._put_back(self._connection, keep)


class Pool:
    """Connections to one service (http://host:port), reused while younger than `keepalive`."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        connect_timeout: float,
        keepalive_seconds: float,
        max_connections: int = 200,
        max_idle: int = 50,
    ) -> None:
        self.host, self.port, self.authority = http_address(base_url)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.keepalive_seconds = keepalive_seconds
        self.max_idle = max_idle
        self._idle: deque[Connection] = deque()
        self._slots = Slots(max_connections)

    async def get(self, target: bytes, headers: list[tuple[bytes, bytes]]) -> Response:
        """GET `target` (path and query). A pooled connection the service closed meanwhile is
        retried once on a new one: a GET changes nothing, so sending it twice is harmless."""
        head = request_head(target, self.authority, headers)
        # A slot bounds the requests under way, not the downloads that follow: one whose caller
        # went away before reading it must not hold a slot for good.
        async with self._slots:
            connection = self._pooled()
            if connection is not None:
                try:
                    return await self._exchange(connection, head)
                except (UpstreamClosed, ConnectionError):
                    connection.close()
            return await self._exchange(await self._connect(), head)

    async def close(self) -> None:
        while self._idle:
            self._idle.pop().close()

    def _pooled(self) -> Connection | None:
        oldest = time.monotonic() - self.keepalive_seconds
        while self._idle:
            connection = self._idle.pop()
            if connection.idle_since > oldest and not connection.reader.at_eof():
                return connection
            connection.close()
        return None

    async def _connect(self) -> Connection:
        async with asyncio.timeout(self.connect_timeout):
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=_READ_BYTES)
        return Connection(reader, writer)

    async def _exchange(self, connection: Connection, head: bytes) -> Response:
        """Send the request; read the answer's head and, when small, its body (the connection
        is pooled again at once; otherwise once `Rest` has read the body)."""
        answer = Answer()
        parser = answer.parser = httptools.HttpResponseParser(answer)
        # A timer that closes the connection, not asyncio.timeout: the same bound for a tenth of
        # the cost on a path taken by every read. A closed connection ends the read below.
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            connection.writer.transport.abort()

        timer = asyncio.get_running_loop().call_later(self.timeout, expire)
        try:
            connection.writer.write(head)
            while not answer.head_done:
                await connection._feed(parser)
            while not answer.done and answer.size <= WHOLE_BODY_BYTES:
                await connection._feed(parser)
        except BaseException as exc:
            connection.close()
            if expired:
                raise TimeoutError(f"no answer within {self.timeout} s") from exc
            raise
        finally:
            timer.cancel()
        status = parser.get_status_code()
        if answer.done:
            self._put_back(connection, answer.keep_alive)
            return Response(status, answer.headers, b"".join(answer.take()))
        first = b"".join(answer.take())
        return Response(status, answer.headers, first, Rest(self, connection, parser, answer))

    def _put_back(self, connection: Connection, keep: bool) -> None:
        if keep and len(self._idle) < self.max_idle:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            connection.close()


class Slots:
    """A bound on requests under way: asyncio.Semaphore's, with a cheaper way in when a slot is
    free (its `locked()` walks its waiters on every acquire)."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def __aenter__(self) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter  # the slot was handed over by `__aexit__`
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot as it was cancelled: pass it on
            else:
                self._waiters.remove(waiter)
            raise

    async def __aexit__(self, *_: object) -> None:
        self._release()

    def _release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


def http_address(base_url: str) -> tuple[str, int, bytes]:
    """Host, port and `Host` header of a service's http:// base URL."""
    url = urlsplit(base_url)
    if url.scheme != "http" or not url.hostname:
        raise ValueError(f"kept-alive reads need an http:// service URL, not {base_url!r}")
    return url.hostname, url.port or 80, url.netloc.encode("latin-1")


def request_head(target: bytes, authority: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    lines = [b"GET " + target + b" HTTP/1.1", b"host: " + authority]
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"

"""Forwarding to the services: reads without a body over our own keep-alive pools (pool.py),
everything else over pooled httpx clients, streaming bodies both ways."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
from fastapi import Request
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from gateway import pool
from lipei import tracing
from lipei.web import (
    INSURER_HEADER,
    INTERNAL_TOKEN_HEADER,
    REQUEST_ID_HEADER,
    ROLES_HEADER,
    USER_HEADER,
    cookieless,
    problem_response,
)

log = logging.getLogger(__name__)

# Hop-by-hop headers (RFC 9110 §7.6.1) and identity headers only the gateway may set.
_DROP_REQUEST = {
    "host",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "authorization",
    "content-length",
    USER_HEADER.lower(),
    ROLES_HEADER.lower(),
    INSURER_HEADER.lower(),
    INTERNAL_TOKEN_HEADER.lower(),
    REQUEST_ID_HEADER.lower(),  # replaced by the id the gateway vetted
    "traceparent",  # replaced by the request's own trace context
    "tracestate",
}
_DROP_RESPONSE = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "server",
    "date",
}
_DROP_REQUEST_RAW = frozenset(name.encode() for name in _DROP_REQUEST)
_DROP_RESPONSE_RAW = frozenset(name.encode() for name in _DROP_RESPONSE)

# Safe to send twice: a pooled keep-alive connection the service closed at the moment we reused
# it fails before any answer, and these methods change nothing, so one fresh try is harmless.
_RETRYABLE_METHODS = {"GET", "HEAD", "OPTIONS"}
_TRANSIENT = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class BodyTooLarge(Exception):
    pass


async def limited(stream: AsyncIterator[bytes], max_bytes: int) -> AsyncIterator[bytes]:
    """Pass the body through chunk by chunk, stopping once it exceeds `max_bytes`."""
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > max_bytes:
            raise BodyTooLarge
        yield chunk


def too_large(max_bytes: int) -> Response:
    return problem_response(
        413, f"the request body is larger than {max_bytes} bytes", type="body-too-large"
    )


class Upstreams:
    def __init__(
        self,
        urls: dict[str, str],
        *,
        timeout: float,
        internal_token: str,
        max_body_bytes: int = 12 * 1024 * 1024,
        keepalive_seconds: float = 20.0,
    ) -> None:
        self._clients = {
            name: httpx.AsyncClient(
                base_url=url,
                # the caller's own Cookie header is forwarded; the client itself keeps none
                cookies=cookieless(),
                timeout=httpx.Timeout(timeout, connect=2.0),
                limits=httpx.Limits(
                    max_connections=200,
                    max_keepalive_connections=50,
                    keepalive_expiry=keepalive_seconds,
                ),
            )
            for name, url in urls.items()
        }
        self._pools = {
            name: pool.Pool(
                url,
                timeout=timeout,
                connect_timeout=2.0,
                keepalive_seconds=keepalive_seconds,
            )
            for name, url in urls.items()
            if url.startswith("http://")
        }
        self._urls = dict(urls)
        self._internal_token = internal_token
        self._max_body_bytes = max_body_bytes
        self._tracer: tracing.Tracing | None = None

    def trace_with(self, tracer: tracing.Tracing) -> None:
        """Pooled reads record a client span where `tracer` records (httpx's are instrumented)."""
        self._tracer = tracer if tracer.recording else None

    def urls(self) -> dict[str, str]:
        """Every service's base URL by name."""
        return dict(self._urls)

    def client(self, upstream: str) -> httpx.AsyncClient:
        return self._clients[upstream]

    def clients(self) -> dict[str, httpx.AsyncClient]:
        """Every service's client by name, in the order they were configured."""
        return dict(self._clients)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        for connections in self._pools.values():
            await connections.close()

    async def forward(
        self,
        request: Request,
        upstream: str,
        *,
        user_id: str | None = None,
        roles: tuple[str, ...] = (),
        insurer_code: str | None = None,
        body: bytes | None = None,
    ) -> Response:
        client = self._clients.get(upstream)
        if client is None:  # a service this deployment does not run
            return _unavailable(upstream)
        pooled = self._pools.get(upstream)
        if pooled is not None and body is None and _bodiless_get(request):
            return await self._read(request, upstream, pooled, user_id, roles, insurer_code)
        headers = self._headers(request, user_id=user_id, roles=roles, insurer_code=insurer_code)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body_bytes:
            return too_large(self._max_body_bytes)
        retryable = request.method in _RETRYABLE_METHODS
        if body is None and retryable:
            try:
                body = b"".join([c async for c in limited(request.stream(), self._max_body_bytes)])
            except BodyTooLarge:
                return too_large(self._max_body_bytes)
        url = _target(request)

        def build() -> httpx.Request:
            content = body if body is not None else limited(request.stream(), self._max_body_bytes)
            return client.build_request(request.method, url, headers=headers, content=content)

        try:
            upstream_request = build()
        except httpx.InvalidURL:
            return problem_response(400, "the request URL is not valid", type="invalid-url")
        try:
            try:
                response = await client.send(upstream_request, stream=True)
            except _TRANSIENT as exc:
                if not retryable:
                    raise
                log.info("%s dropped the connection (%s); trying once more", upstream, exc)
                response = await client.send(build(), stream=True)
        except (BodyTooLarge, httpx.HTTPError) as exc:
            return self._failure(upstream, exc)
        except (OSError, AttributeError) as exc:
            # A connection the service closed as it opened (a service stopping): httpcore and
            # anyio may raise these instead of an httpx error. Not ours to answer with a 500.
            log.warning("%s dropped the connection: %r", upstream, exc)
            return _unavailable(upstream)
        out = StreamingResponse(
            response.aiter_raw(),
            status_code=response.status_code,
            background=BackgroundTask(response.aclose),
        )
        # Each header line as sent: several Set-Cookie lines must stay several lines.
        for key, value in response.headers.multi_items():
            if key.lower() not in _DROP_RESPONSE:
                out.headers.append(key, value)
        return out

    async def _read(
        self,
        request: Request,
        upstream: str,
        pooled: pool.Pool,
        user_id: str | None,
        roles: tuple[str, ...],
        insurer_code: str | None,
    ) -> Response:
        """A GET without a body over the pool: the same headers and answers as through httpx."""
        added = self._headers_added(user_id=user_id, roles=roles, insurer_code=insurer_code)
        added[REQUEST_ID_HEADER] = getattr(request.state, "request_id", "")
        headers = [(k, v) for k, v in request.scope["headers"] if k not in _DROP_REQUEST_RAW]
        target = _target(request).encode("latin-1")
        try:
            if self._tracer is None:
                tracing.inject(added)
                answer = await pooled.get(target, headers + _encoded(added))
            else:
                answer = await self._traced_get(pooled, target, headers, added)
        except (pool.UpstreamClosed, pool.UpstreamBroken, OSError) as exc:
            return self.read_failure(upstream, exc)
        if answer.rest is None:
            return _Raw(answer.status, answer.headers, answer.body)
        out = [(k, v) for k, v in answer.headers if k not in _DROP_RESPONSE_RAW]
        return StreamingResponse(
            _joined(answer.body, answer.rest),
            status_code=answer.status,
            headers={k.decode("latin-1"): v.decode("latin-1") for k, v in out},
            background=BackgroundTask(answer.rest.aclose),
        )

    async def _traced_get(
        self,
        pooled: pool.Pool,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        added: dict[str, str],
    ) -> pool.Response:
        """The read inside a client span, whose context the service continues."""
        assert self._tracer is not None
        attributes: dict[str, str | int] = {
            "http.request.method": "GET",
            "server.address": pooled.host,
            "server.port": pooled.port,
            "url.full": f"http://{pooled.authority.decode()}{target.decode('latin-1')}",
        }
        with self._tracer.tracer.start_as_current_span(
            "GET", kind=SpanKind.CLIENT, attributes=attributes
        ) as span:
            tracing.inject(added)
            answer = await pooled.get(target, headers + _encoded(added))
            span.set_attribute("http.response.status_code", answer.status)
            return answer

    def read_headers(
        self,
        caller: list[tuple[bytes, bytes]],
        *,
        user_id: str,
        roles: tuple[str, ...],
        request_id: str,
        trace: Context,
    ) -> list[tuple[bytes, bytes]]:
        """A read's headers as `_read` sends them: the caller's, less hop-by-hop and identity
        ones, then the identity the gateway vouches for, the request id and trace context."""
        added = self._headers_added(user_id=user_id, roles=roles, insurer_code=None)
        added[REQUEST_ID_HEADER] = request_id
        tracing.inject(added, trace)
        return [(k, v) for k, v in caller if k not in _DROP_REQUEST_RAW] + _encoded(added)

    def read_failure(self, upstream: str, exc: BaseException) -> Response:
        """The answer to a read that got none: the service closed, broke, timed out or was
        not there."""
        if isinstance(exc, pool.UpstreamClosed):
            return self._failure(upstream, httpx.RemoteProtocolError(str(exc) or "closed"))
        if isinstance(exc, pool.UpstreamBroken):
            return self._failure(upstream, httpx.RemoteProtocolError(str(exc)))
        if isinstance(exc, TimeoutError):  # before OSError, of which it is a kind
            return self._failure(upstream, httpx.ReadTimeout(str(exc) or "timed out"))
        return self._failure(upstream, httpx.ConnectError(str(exc) or type(exc).__name__))

    def _headers_added(
        self, *, user_id: str | None, roles: tuple[str, ...], insurer_code: str | None
    ) -> dict[str, str]:
        """The identity the gateway vouches for."""
        headers = {INTERNAL_TOKEN_HEADER: self._internal_token}
        if user_id:
            headers[USER_HEADER] = user_id
        if roles:
            headers[ROLES_HEADER] = ",".join(roles)
        if insurer_code:
            headers[INSURER_HEADER] = insurer_code
        return headers

    def _headers(
        self,
        request: Request,
        *,
        user_id: str | None,
        roles: tuple[str, ...],
        insurer_code: str | None,
    ) -> dict[str, str]:
        """The caller's headers less hop-by-hop ones, plus the identity the gateway vouches for."""
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST}
        headers[REQUEST_ID_HEADER] = getattr(request.state, "request_id", "")
        tracing.inject(headers)
        headers.update(self._headers_added(user_id=user_id, roles=roles, insurer_code=insurer_code))
        return headers

    def _failure(self, upstream: str, exc: BodyTooLarge | httpx.HTTPError) -> Response:
        """The answer when sending failed: 413 for a body over the limit, else 503."""
        if isinstance(exc, BodyTooLarge):
            return too_large(self._max_body_bytes)
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.RemoteProtocolError):
            log.warning("%s unavailable: %s", upstream, exc)
            return _unavailable(upstream)
        if isinstance(exc, httpx.TimeoutException):
            log.warning("%s timed out: %s", upstream, exc)
            return problem_response(
                503,
                f"the {upstream} service did not answer in time",
                type="upstream-timeout",
                headers={"Retry-After": "5"},
            )
        # the body stream gave up inside httpx: the limit, not the service
        if isinstance(exc.__cause__, BodyTooLarge) or isinstance(exc.__context__, BodyTooLarge):
            return too_large(self._max_body_bytes)
        log.warning("%s failed: %s", upstream, exc)
        return _unavailable(upstream)


class _Raw(Response):
    """An answer read whole from a service, its headers passed on as they came."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status_code = status
        self.body = body
        self.background = None
        self.raw_headers = passed_on(status, headers, body)


def passed_on(
    status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> list[tuple[bytes, bytes]]:
    """A service's answer headers as the caller gets them: less hop-by-hop ones, with the
    length of the body that was read whole."""
    out = [(k, v) for k, v in headers if k not in _DROP_RESPONSE_RAW]
    if not (status < 200 or status in (204, 304)):
        out.append((b"content-length", str(len(body)).encode()))
    return out


def _bodiless_get(request: Request) -> bool:
    if request.method != "GET":
        return False
    headers = request.headers
    return "transfer-encoding" not in headers and headers.get("content-length", "0") == "0"


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Our own header values: a value that could end the header line is refused outright."""
    encoded = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
    if any(b"\r" in v or b"\n" in v for _, v in encoded):
        raise ValueError("a header value may not contain a line break")
    return encoded


async def _joined(first: bytes, rest: pool.Rest) -> AsyncIterator[bytes]:
    if first:
        yield first
    async for chunk in rest.chunks():
        yield chunk


def _target(request: Request) -> str:
    """The path and query exactly as received (still percent-encoded)."""
    target = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    return str(target.decode("latin-1") + ("?" + query.decode("latin-1") if query else ""))


def _unavailable(upstream: str) -> Response:
    return problem_response(
        503,
        f"the {upstream} service is unavailable; try again soon",
        type="upstream-unavailable",
        headers={"Retry-After": "5"},
    )

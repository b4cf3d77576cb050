"""The express lane: the reads every policyholder polls — a claim and its progress — forwarded
from the connection's own callbacks, with no ASGI cycle, task or stream per request (budgets
kept in Redis are awaited in a task: they are network round trips anyway).

Through the app (ASGI, FastAPI, a task and streams per read) the gateway spent four times what
nginx does on such a read. Here a read takes the same checks in the same order — the route, the
bearer token, the per-IP and per-user budgets — forwards the same headers, and answers with the
same bytes, request id, metrics and access-log line. Whatever is not the plain case (a token to
refuse, a CORS request, a body, a traced deployment, a pipelined request) is not taken here: the
app answers it, every rule and problem+json answer as before. Once a read is taken, it is
answered here, a refusal or a service's failure included, so no budget is counted twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httptools
from opentelemetry import context as otel_context
from opentelemetry.context import Context
from starlette.responses import Response as StarletteResponse

from gateway.components import Components
from gateway.edge import access_log, budget_refusal, log_access, request_id_for, too_many
from gateway.forwarding import OWN_ROUTES
from gateway.links import Links
from gateway.pool import Response
from gateway.proxy import passed_on
from gateway.routing import ROUTES, Route, get_route
from gateway.tokens import Identity, InvalidToken
from lipei.logs import current_claim, current_service
from lipei.telemetry import Telemetry, claim_in_path
from lipei.tracing import context_from_headers, minted_context

# The reads taken here: small JSON answers, polled by every mini-program.
EXPRESS_TEMPLATES = frozenset({"/api/v1/claims/{claim_id}", "/api/v1/claims/{claim_id}/progress"})
# Headers that send a request to the app: CORS, a body, an upgrade.
_APP_HEADERS = frozenset({b"origin", b"transfer-encoding", b"expect", b"upgrade"})

# (status, headers, body) written to the caller
Answer = Callable[[int, list[tuple[bytes, bytes]], bytes], None]


@dataclass
class Read:
    """A read the lane has taken, from its checks to its answer."""

    route: Route
    path: str
    target: bytes
    identity: Identity
    client_ip: str
    request_id: str
    trace: Context
    headers: list[tuple[bytes, bytes]]
    started: float


class ExpressLane:
    def __init__(self, parts: Components, telemetry: Telemetry) -> None:
        self._parts = parts
        self._telemetry = telemetry
        self._metrics = telemetry.metrics if telemetry.metrics_enabled else None
        # links only to the services the lane's reads go to
        served = {route.upstream for route in ROUTES if route.template in EXPRESS_TEMPLATES}
        self._links = {
            name: Links(
                url,
                timeout=parts.settings.upstream_timeout_seconds,
                connect_timeout=2.0,
                keepalive_seconds=parts.settings.upstream_keepalive_seconds,
            )
            for name, url in parts.upstreams.urls().items()
            if name in served and url.startswith("http://")
        }
        settings = parts.settings
        self._ip_limit = settings.rate_limit_ip_per_minute
        self._user_limit = settings.rate_limit_user_per_minute
        # Budgets kept elsewhere (Redis) are network round trips: awaited in a task of their own.
        self._budgets_here = parts.limiter.counts_here or (
            self._ip_limit <= 0 and self._user_limit <= 0
        )
        self._counting: set[asyncio.Task[None]] = set()

    def close(self) -> None:
        for links in self._links.values():
            links.close()
        for task in self._counting:
            task.cancel()

    def take(
        self, url: bytes, headers: list[tuple[bytes, bytes]], client_ip: str | None
    ) -> Read | None:
        """The read, if this lane answers it (a GET with its head read); None: the app does."""
        if self._telemetry.tracing.recording or client_ip is None:
            return None
        parsed = httptools.parse_url(url)
        raw_path: bytes = parsed.path
        if b"%" in raw_path:  # percent-encoded: the app decodes and matches it
            return None
        path = raw_path.decode("ascii")
        if path in OWN_ROUTES or any(part in (".", "..") for part in path.split("/")):
            return None
        route = get_route(path)
        if route is None or route.template not in EXPRESS_TEMPLATES:
            return None
        links = self._links.get(route.upstream)
        if links is None or links.full():
            return None
        token = b""
        for name, value in headers:
            if name in _APP_HEADERS or (name == b"content-length" and value != b"0"):
                return None
            if name == b"authorization" and not token:  # the first, as the app reads it
                token = value
        scheme, _, credentials = token.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not credentials:
            return None
        try:
            identity = self._parts.tokens.verify(credentials.strip())
        except InvalidToken:
            return None
        return Read(
            route=route,
            path=path,
            # as the app forwards it: path and query, whatever form the caller wrote
            target=raw_path + b"?" + parsed.query if parsed.query else raw_path,
            identity=identity,
            client_ip=client_ip,
            request_id=request_id_for(headers),
            trace=context_from_headers(headers) or minted_context(),
            headers=headers,
            started=time.perf_counter(),
        )

    def forward(self, read: Read, answer: Answer) -> None:
        """Count the budgets (per IP, then per user, as the app does), forward, and `answer`
        once, whatever happens."""
        if not self._budgets_here:
            task = asyncio.get_running_loop().create_task(self._counted_elsewhere(read, answer))
            self._counting.add(task)
            task.add_done_callback(self._counting.discard)
            return
        limiter = self._parts.limiter
        retry_after = limiter.check_here(f"ip:{read.client_ip}", self._ip_limit)
        if retry_after is None:
            retry_after = limiter.check_here(f"user:{read.identity.user_id}", self._user_limit)
        self._counted(read, None if retry_after is None else too_many(retry_after), answer)

    async def _counted_elsewhere(self, read: Read, answer: Answer) -> None:
        limiter = self._parts.limiter
        refusal = await budget_refusal(limiter, f"ip:{read.client_ip}", self._ip_limit)
        if refusal is None:
            user = f"user:{read.identity.user_id}"
            refusal = await budget_refusal(limiter, user, self._user_limit)
        self._counted(read, refusal, answer)

    def _counted(self, read: Read, refusal: StarletteResponse | None, answer: Answer) -> None:
        if refusal is not None:
            self._answer(read, refusal, answer)
            return
        upstream = read.route.upstream
        headers = self._parts.upstreams.read_headers(
            read.headers,
            user_id=read.identity.user_id,
            roles=read.identity.roles,
            request_id=read.request_id,
            trace=read.trace,
        )

        def delivered(response: Response | None, error: BaseException | None) -> None:
            if response is None:
                failure = self._parts.upstreams.read_failure(upstream, error or ConnectionError())
                self._answer(read, failure, answer)
            else:
                out = passed_on(response.status, response.headers, response.body)
                self._answer_raw(read, response.status, out, response.body, answer)

        self._links[upstream].get(read.target, headers, delivered)

    def _answer(self, read: Read, response: StarletteResponse, answer: Answer) -> None:
        self._answer_raw(
            read, response.status_code, list(response.raw_headers), bytes(response.body), answer
        )

    def _answer_raw(
        self,
        read: Read,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        answer: Answer,
    ) -> None:
        # As the edge sends it: the vetted request id last, in place of any the service sent.
        headers = [(k, v) for k, v in headers if k != b"x-request-id"]
        headers.append((b"x-request-id", read.request_id.encode("latin-1")))
        answer(status, headers, body)
        if self._metrics is not None:
            elapsed = time.perf_counter() - read.started
            self._metrics.observe_request(read.route.template, "GET", status, elapsed)
        if access_log.isEnabledFor(logging.INFO):
            self._log(read, status)

    def _log(self, read: Read, status: int) -> None:
        """The edge's access-log line, with the service, trace and claim it carries there."""
        trace_token = otel_context.attach(read.trace)
        service_token = current_service.set(self._telemetry.service)
        claim_token = current_claim.set(claim_in_path(read.path))
        try:
            log_access("GET", read.path, status, read.started, read.request_id)
        finally:
            current_claim.reset(claim_token)
            current_service.reset(service_token)
            otel_context.detach(trace_token)

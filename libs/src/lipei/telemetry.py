"""A service's metrics and traces together, and what every HTTP request passes through for them.

`ObservedRequests` is a plain ASGI middleware (no task or stream copy per request): it times each
request into the RED metrics under its route template, puts the request in its trace (continuing
the caller's, or minting one at the gateway when tracing records nothing), and names the service
and the claim for the log lines written meanwhile.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from prometheus_client import start_http_server
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lipei.logs import current_claim, current_service
from lipei.metrics import UNMATCHED_ROUTE, ServiceMetrics
from lipei.settings import ServiceSettings
from lipei.tracing import Tracing, context_from_headers, minted_context

log = logging.getLogger(__name__)

# Sessions made by a service's runtime carry its telemetry (the outbox reads it from there).
SESSION_KEY = "lipei.telemetry"
# A route that serves many public paths (the gateway's forwarding) names the template it chose.
ROUTE_TEMPLATE_KEY = "lipei.route_template"

# FastAPI's own OpenTelemetry layer, off: every app here traces through `Tracing.instrument_app`
# and counts through `ObservedRequests`. Left on, it would look up the global providers and the
# environment on every request and, with a global provider set, record each request twice.
FASTAPI_TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
_CLAIM_IN_PATH = re.compile(r"/claims/([A-Za-z0-9._-]{1,64})(?:/|$)")


@dataclass
class Telemetry:
    service: str
    metrics: ServiceMetrics
    tracing: Tracing
    metrics_enabled: bool = True

    @classmethod
    def for_service(cls, settings: ServiceSettings) -> Telemetry:
        return cls(
            service=settings.service_name,
            metrics=ServiceMetrics(),
            tracing=Tracing(
                settings.service_name, otlp_endpoint=settings.otel_exporter_otlp_endpoint
            ),
            metrics_enabled=settings.metrics_enabled,
        )


def claim_in_path(path: str) -> str | None:
    """The claim a request is about, for its log lines."""
    claim = _CLAIM_IN_PATH.search(path)
    return claim.group(1) if claim else None


def route_template(scope: Scope) -> str:
    named = scope.get(ROUTE_TEMPLATE_KEY)
    if named is not None:
        return str(named)
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def name_route(scope: Scope, template: str) -> None:
    """Count and trace this request under `template` (a path template, never the path itself)."""
    scope[ROUTE_TEMPLATE_KEY] = template
    span = trace.get_current_span()
    if span.is_recording():
        span.update_name(f"{scope['method']} {template}")
        span.set_attribute("http.route", template)


class ObservedRequests:
    def __init__(self, app: ASGIApp, *, telemetry: Telemetry, mint_traces: bool = False) -> None:
        self.app = app
        self.telemetry = telemetry
        self.metrics = telemetry.metrics if telemetry.metrics_enabled else None
        self.mint_traces = mint_traces
        self.attach_context = not telemetry.tracing.recording

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        token = None
        # Where tracing records, its middleware (outside this one) opened the request's span.
        # Otherwise the request's context comes from its headers alone: a request task may have
        # been started from the one before on its connection, and inherited its context.
        if self.attach_context:
            incoming = context_from_headers(scope.get("headers", ()))
            if incoming is None:
                incoming = minted_context() if self.mint_traces else Context()
            token = otel_context.attach(incoming)
        service_token = current_service.set(self.telemetry.service)
        claim_token = current_claim.set(claim_in_path(scope["path"]))

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            current_claim.reset(claim_token)
            current_service.reset(service_token)
            if token is not None:
                otel_context.detach(token)
            if self.metrics is not None:
                elapsed = time.perf_counter() - started
                self.metrics.observe_request(
                    route_template(scope), scope["method"], status, elapsed
                )


class MetricsPort:
    """`/metrics` on a port of its own (the gateway's: never on its public port)."""

    def __init__(self, metrics: ServiceMetrics, *, host: str, port: int) -> None:
        self._metrics = metrics
        self._host = host
        self._port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None

    def start(self) -> None:
        try:
            self._server, self._thread = start_http_server(
                self._port, addr=self._host, registry=self._metrics.registry
            )
        except OSError as exc:  # a taken port costs the metrics, never the traffic
            log.error("metrics port %s not opened: %s", self._port, exc)
            return
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        log.info("metrics on %s/metrics", self.url)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

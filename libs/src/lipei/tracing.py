"""Traces with OpenTelemetry, one tracer provider per service.

Where `OTEL_EXPORTER_OTLP_ENDPOINT` is set a service records spans with the SDK and exports them
over OTLP: HTTP requests in and out (the FastAPI and httpx instrumentations), database statements
(SQLAlchemy's), and each event's way through the outbox and Kafka (spans of our own, since the
outbox relays an event long after the request that caused it). Otherwise nothing is recorded: the
API's no-op tracer still carries each request's W3C trace context on to the requests and events it
causes, so logs and events keep their trace ids at no cost.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.trace import (
    INVALID_SPAN,
    NonRecordingSpan,
    NoOpTracerProvider,
    Span,
    SpanContext,
    TraceFlags,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

TRACEPARENT = "traceparent"
# Not traced: probes and scrapes would bury the requests worth reading.
UNTRACED_PATHS = "healthz,readyz,metrics"

_w3c = TraceContextTextMapPropagator()
_captured: list[SpanProcessor] = []
_NO_METERS = NoOpMeterProvider()


@contextmanager
def capturing(exporter: SpanExporter) -> Iterator[None]:
    """Services built meanwhile also record every span to `exporter` (tests follow traces so)."""
    processor = SimpleSpanProcessor(exporter)
    _captured.append(processor)
    try:
        yield
    finally:
        _captured.remove(processor)


class Tracing:
    """A service's tracer provider and the instrumentations it installs where it records."""

    def __init__(self, service_name: str, *, otlp_endpoint: str = "") -> None:
        processors: list[SpanProcessor] = list(_captured)
        # Owned processors are shut down with the service; captured ones belong to the caller.
        self._owned: list[SpanProcessor] = []
        if otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")
            self._owned.append(BatchSpanProcessor(exporter))
        processors.extend(self._owned)
        self.recording = bool(processors)
        self.provider: trace.TracerProvider
        if self.recording:
            sdk = TracerProvider(resource=Resource.create({"service.name": service_name}))
            for processor in processors:
                sdk.add_span_processor(processor)
            self.provider = sdk
        else:
            self.provider = NoOpTracerProvider()
        self.tracer = self.provider.get_tracer("lipei")

    def instrument_app(self, app: FastAPI) -> None:
        if not self.recording:
            return
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=self.provider,
            meter_provider=_NO_METERS,
            excluded_urls=UNTRACED_PATHS,
            exclude_spans=["receive", "send"],
        )

    def instrument_client(self, client: httpx.AsyncClient) -> None:
        if not self.recording:
            return
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor.instrument_client(
            client, tracer_provider=self.provider, meter_provider=_NO_METERS
        )

    def instrument_engine(self, engine: AsyncEngine | Engine) -> None:
        if not self.recording:
            return
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        usage = _NO_METERS.get_meter("lipei").create_up_down_counter("db.client.connections.usage")
        # Statements join the work they serve; background polling starts no traces of its own.
        sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
        EngineTracer(_ChildrenOnly(self.tracer), sync, usage)

    def shutdown(self) -> None:
        """Send what is buffered (bounded by the exporter's own timeout)."""
        for processor in self._owned:
            processor.shutdown()


class _ChildrenOnly(trace.Tracer):
    """A tracer that starts spans only inside a trace already under way."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(self, name: str, context: Context | None = None, *args: Any, **kw: Any) -> Span:
        if not trace.get_current_span(context).get_span_context().is_valid:
            return INVALID_SPAN
        return self._tracer.start_span(name, context, *args, **kw)

    @contextmanager
    def start_as_current_span(  # type: ignore[override]
        self, name: str, context: Context | None = None, *args: Any, **kw: Any
    ) -> Iterator[Span]:
        span = self.start_span(name, context, *args, **kw)
        with trace.use_span(span, end_on_exit=True) as current:
            yield current


# --- W3C trace context in headers and events -----------------------------------------------


def current_traceparent() -> str | None:
    """The `traceparent` of the work in hand, or None outside any trace."""
    return traceparent_of(trace.get_current_span())


def traceparent_of(span: Span) -> str | None:
    carrier: dict[str, str] = {}
    _w3c.inject(carrier, context=trace.set_span_in_context(span))
    return carrier.get(TRACEPARENT)


def context_of(traceparent: str | None) -> Context:
    """The context to continue from a stored or received `traceparent` (empty when invalid)."""
    return _w3c.extract({TRACEPARENT: traceparent} if traceparent else {})


def context_from_headers(headers: Sequence[tuple[bytes, bytes]]) -> Context | None:
    """The trace context an ASGI request carries, or None."""
    for name, value in headers:
        if name == b"traceparent":
            context = context_of(value.decode("latin-1"))
            return context if trace.get_current_span(context).get_span_context().is_valid else None
    return None


def minted_context() -> Context:
    """A new trace for a request that came without one (no span is recorded for it)."""
    # Ids need to be unique, not secret: the SDK's own generator draws them the same way.
    span_context = SpanContext(
        trace_id=random.getrandbits(128) or 1,
        span_id=random.getrandbits(64) or 1,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    return trace.set_span_in_context(NonRecordingSpan(span_context))


def inject(headers: dict[str, str], context: Context | None = None) -> None:
    """Write the trace context (by default the current one) into outgoing `headers` (nothing
    outside a trace)."""
    _w3c.inject(headers, context)

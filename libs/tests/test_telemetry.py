"""The shared telemetry pieces on their own: log lines, metrics counted from committed events, and
the HTTP metrics' bounded labels."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lipei import tracing
from lipei.db import make_engine, make_sessionmaker
from lipei.events import ClaimDrafted, ClaimStatusChanged, NotificationFailed, dead_letter_topic
from lipei.logs import JsonFormatter, TextFormatter, claim_context
from lipei.messaging import enqueue, messaging_metadata
from lipei.metrics import ServiceMetrics
from lipei.settings import ServiceSettings
from lipei.telemetry import SESSION_KEY, Telemetry

AT = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("lipei.test", logging.INFO, __file__, 1, message, (), None)


def test_a_json_line_names_the_service_trace_span_and_claim() -> None:
    formatter = JsonFormatter("tracking-service")
    plain = json.loads(formatter.format(_record("started")))
    assert plain["service"] == "tracking-service" and plain["logger"] == "lipei.test"
    assert plain["trace_id"] is None and plain["span_id"] is None and "claim_id" not in plain
    assert {"time", "level", "message"} <= set(plain)
    context = tracing.context_of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    with trace.use_span(trace.get_current_span(context)), claim_context("C-1"):
        line = json.loads(formatter.format(_record("applied")))
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert line["span_id"] == "b7ad6b7169203331"
    assert line["claim_id"] == "C-1"
    with claim_context("C-2"):
        assert TextFormatter("intake-service").format(_record("x")).endswith("x claim=C-2")


def test_request_metrics_keep_their_labels_bounded() -> None:
    metrics = ServiceMetrics()
    metrics.observe_request("/v1/claims/{claim_id}", "GET", 200, 0.01)
    metrics.observe_request("/v1/claims/{claim_id}", "BREW", 405, 0.01)
    text = metrics.exposition().decode()
    samples = [
        s.labels for f in text_string_to_metric_families(text) for s in f.samples if s.labels
    ]
    assert {s["method"] for s in samples if "method" in s} == {"GET", "other"}


@pytest.fixture
async def observed_sessions(
    database_url: str,
) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], Telemetry]]:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    telemetry = Telemetry.for_service(ServiceSettings(service_name="t"))
    yield make_sessionmaker(engine, info={SESSION_KEY: telemetry}), telemetry
    await engine.dispose()


def _value(metrics: ServiceMetrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return value or 0.0


async def test_events_count_once_their_transaction_commits(
    observed_sessions: tuple[async_sessionmaker[AsyncSession], Telemetry],
) -> None:
    sessions, telemetry = observed_sessions
    metrics = telemetry.metrics
    drafted = ClaimDrafted(
        claim_id="C-1",
        user_id="u",
        policy_id="p",
        insurer_code="i",
        claim_type="outpatient",
        incident_date=date(2026, 11, 1),
        drafted_at=AT,
    )
    with pytest.raises(RuntimeError):
        async with sessions() as s, s.begin():
            await enqueue(s, drafted, source="/t")
            raise RuntimeError("the change failed")
    assert _value(metrics, "lipei_claims_total", status="draft") == 0
    changed = ClaimStatusChanged.model_validate(
        {"claim_id": "C-1", "from": "draft", "to": "submitted", "at": AT}
    )
    failed = NotificationFailed(
        notification_id="N-1",
        user_id="u",
        channel="sms",
        trigger="t",
        at=AT,
        error="bad number",
        permanent=True,
    )
    async with sessions() as s, s.begin():
        await enqueue(s, drafted, source="/t")
        await enqueue(s, changed, source="/t")
        await enqueue(s, failed, source="/t")
        await enqueue(s, failed, source="/t", topic=dead_letter_topic(failed.topic))
        await enqueue(s, changed, source="/t", topic="lipei.insurer.i.v1")  # a copy
        assert _value(metrics, "lipei_claims_total", status="draft") == 0  # not yet committed
    assert _value(metrics, "lipei_claims_total", status="draft") == 1
    assert _value(metrics, "lipei_claims_total", status="submitted") == 1
    assert _value(metrics, "lipei_notifications_total", channel="sms", outcome="failed") == 1
    dlq = dead_letter_topic(failed.topic)
    assert _value(metrics, "lipei_dead_letters_total", topic=dlq) == 1
    assert _value(metrics, "lipei_outbox_events_total", type="claim.status.changed") == 1


async def test_an_event_written_in_a_trace_is_published_as_its_child(
    database_url: str,
) -> None:
    """The outbox records the writing span; the relay's span continues from it."""
    exporter = InMemorySpanExporter()
    with tracing.capturing(exporter):
        telemetry = Telemetry.for_service(ServiceSettings(service_name="t"))
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    sessions = make_sessionmaker(engine, info={SESSION_KEY: telemetry})
    drafted = ClaimDrafted(
        claim_id="C-1",
        user_id="u",
        policy_id="p",
        insurer_code="i",
        claim_type="outpatient",
        incident_date=date(2026, 11, 1),
        drafted_at=AT,
    )
    with telemetry.tracing.tracer.start_as_current_span("request") as request:
        async with sessions() as s, s.begin():
            envelope = await enqueue(s, drafted, source="/t")
    await engine.dispose()
    (written,) = [s for s in exporter.get_finished_spans() if s.name == "claim.drafted outbox"]
    assert written.parent is not None
    assert written.parent.span_id == request.get_span_context().span_id
    assert envelope.traceparent == tracing.traceparent_of(trace.NonRecordingSpan(written.context))

"""The Prometheus metrics every service serves at `/metrics`, each service in a registry of its own.

HTTP requests per route template, consumer lag, the outbox backlog, and the work of each service.
Most work is counted from the events a service commits (claims by status, documents by verdict,
OCR stage times, notifications, deadline breaches), so a service that publishes the event through
its outbox is counted without a line of its own. Labels are bounded: route templates, event types,
statuses and channels, never a claim or user id.
"""

from __future__ import annotations

import prometheus_client
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from lipei.events import (
    ClaimAssessed,
    ClaimDeadlineBreached,
    ClaimDrafted,
    ClaimStatusChanged,
    DocumentAccepted,
    DocumentVerdict,
    Event,
    NotificationFailed,
    NotificationSent,
)

# `*_created` series double every counter and no dashboard here reads them.
prometheus_client.disable_created_metrics()

# The classic text format: every Prometheus version reads it.
EXPOSITION_TYPE = CONTENT_TYPE_PLAIN_0_0_4
UNMATCHED_ROUTE = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
OCR_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0)
# A butler answers within minutes to hours.
REPLY_BUCKETS = (30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 86400.0)

_HttpChildren = tuple[prometheus_client.metrics.Counter, prometheus_client.metrics.Histogram]


class ServiceMetrics:
    """One service's metrics. `assessments` and `butler_reply_seconds` are for the services that
    do that work to call: `metrics.assessed(outcome)`, `metrics.butler_replied(seconds)`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        route = ["route", "method", "status"]
        self.http_requests = Counter(
            "http_requests_total", "HTTP requests answered", route, registry=r
        )
        self.http_duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            route,
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        self.consumer_lag = Gauge(
            "lipei_consumer_lag_messages",
            "Messages not yet applied: end offset minus committed offset, per topic and group",
            ["topic", "group"],
            registry=r,
        )
        self.outbox_pending = Gauge(
            "lipei_outbox_pending_events", "Events committed but not yet published", registry=r
        )
        self.outbox_oldest_pending = Gauge(
            "lipei_outbox_oldest_pending_seconds",
            "Age of the oldest event waiting to be published (0 when none waits)",
            registry=r,
        )
        self.outbox_events = Counter(
            "lipei_outbox_events_total", "Events committed to the outbox", ["type"], registry=r
        )
        self.dead_letters = Counter(
            "lipei_dead_letters_total",
            "Messages sent to a dead-letter topic",
            ["topic"],
            registry=r,
        )
        self.ocr_seconds = Histogram(
            "lipei_ocr_seconds", "Time per OCR stage", ["stage"], buckets=OCR_BUCKETS, registry=r
        )
        self.documents = Counter(
            "lipei_documents_total", "Documents judged, by verdict", ["verdict"], registry=r
        )
        self.claims = Counter(
            "lipei_claims_total", "Claims entering each status", ["status"], registry=r
        )
        self.assessments = Counter(
            "lipei_assessments_total", "Claims assessed, by outcome", ["outcome"], registry=r
        )
        self.notifications = Counter(
            "lipei_notifications_total",
            "Messages to users by channel and outcome (sent, retrying, failed)",
            ["channel", "outcome"],
            registry=r,
        )
        self.butler_reply_seconds = Histogram(
            "lipei_butler_reply_seconds",
            "Time from a policyholder's message to the butler's reply",
            buckets=REPLY_BUCKETS,
            registry=r,
        )
        self.deadline_breaches = Counter(
            "lipei_deadline_breaches_total",
            "Legal time limits that ran out, by clock",
            ["kind"],
            registry=r,
        )
        self._http: dict[tuple[str, str, int], _HttpChildren] = {}

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._http.get(key)
        if children is None:
            labels = (route, method if method in _METHODS else "other", str(status))
            children = (self.http_requests.labels(*labels), self.http_duration.labels(*labels))
            self._http[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def assessed(self, outcome: str) -> None:
        """A claim was assessed: `approved` or `referred`."""
        self.assessments.labels(outcome=outcome).inc()

    def butler_replied(self, seconds: float) -> None:
        """A butler answered a policyholder `seconds` after their message."""
        self.butler_reply_seconds.observe(seconds)

    def committed(self, event: Event, topic: str) -> None:
        """`event` was committed to the outbox for `topic`."""
        if topic.endswith(".dlq"):
            self.dead_letters.labels(topic=topic).inc()
            return
        if topic != getattr(event, "topic", topic):
            return  # a copy for an insurer's own topic: the fact is counted once
        self.outbox_events.labels(type=event.event_type).inc()
        self._count_work(event)

    def _count_work(self, event: Event) -> None:
        if isinstance(event, ClaimStatusChanged):
            self.claims.labels(status=event.to).inc()
        elif isinstance(event, ClaimDrafted):
            self.claims.labels(status="draft").inc()
        elif isinstance(event, DocumentVerdict):
            accepted = isinstance(event, DocumentAccepted)
            self.documents.labels(verdict="accepted" if accepted else "rejected").inc()
            for stage, millis in event.timings_ms.items():
                self.ocr_seconds.labels(stage=stage).observe(millis / 1000)
        elif isinstance(event, NotificationSent):
            self.notifications.labels(channel=event.channel, outcome="sent").inc()
        elif isinstance(event, NotificationFailed):
            outcome = "failed" if event.permanent else "retrying"
            self.notifications.labels(channel=event.channel, outcome=outcome).inc()
        elif isinstance(event, ClaimDeadlineBreached):
            self.deadline_breaches.labels(kind=event.kind).inc()
        elif isinstance(event, ClaimAssessed):
            self.assessed(event.outcome)

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)

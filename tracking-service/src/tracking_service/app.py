"""Composition root: settings, runtime (database, outbox relay, consumers, deadline scanner)
and HTTP routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lipei.app import service_app
from lipei.clock import Clock
from lipei.runtime import ServiceRuntime
from tracking_service import api, api_stats
from tracking_service.domain.deadlines import DeadlinePolicy
from tracking_service.handlers import Tracker
from tracking_service.scanner import deadline_loop
from tracking_service.settings import Settings
from tracking_service.store import ClaimStore

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS, clock=clock)
    policy = DeadlinePolicy(
        days=settings.deadline_days, by_claim_type=settings.deadline_days_by_claim_type
    )
    tracker = Tracker(ClaimStore(policy=policy, outbox=runtime.outbox), runtime.clock)
    runtime.add_consumer("tracking", tracker.subscriptions())
    runtime.add_loop(
        "deadline-scanner", deadline_loop(runtime, tracker, settings.deadline_scan_seconds)
    )
    app = service_app(
        title="Lipei tracking-service",
        runtime=runtime,
        routers=[api.router, api_stats.router],
        hot_reads=api.HOT_READS,
    )
    app.state.tracker = tracker
    return app

"""Composition root: settings, runtime (database, outbox relay, consumers) and HTTP routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from intake_service import (
    api_claims,
    api_documents,
    api_keying,
    api_partner,
    api_registry,
    handlers,
    problems,
)
from intake_service.container import Intake
from intake_service.settings import Settings
from lipei.app import service_app
from lipei.clock import Clock
from lipei.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS, clock=clock)
    intake = Intake.build(settings, runtime)
    runtime.add_consumer("intake", handlers.subscriptions)
    app = service_app(
        title="Lipei intake-service",
        runtime=runtime,
        routers=[
            api_registry.router,
            api_claims.router,
            api_documents.router,
            api_keying.router,
            api_partner.router,
        ],
        hot_reads=api_claims.HOT_READS,
    )
    app.state.intake = intake
    problems.install(app)
    return app

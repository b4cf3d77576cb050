"""Composition root: settings, runtime (database, outbox relay, the two consumers), the decision
table and the HTTP routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from assessment_service import api
from assessment_service.assessor import Assessor
from assessment_service.domain.rules import DEFAULT_RULES, RuleBook
from assessment_service.handlers import claim_subscriptions, decision_subscriptions
from assessment_service.settings import Settings
from lipei.app import service_app
from lipei.clock import Clock
from lipei.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS, clock=clock)
    rules = RuleBook(Path(settings.rules_file) if settings.rules_file else DEFAULT_RULES)
    assessor = Assessor(rules=rules, clock=runtime.clock, outbox=runtime.outbox)
    runtime.add_consumer("assessment", claim_subscriptions(assessor))
    runtime.add_consumer("assessment-ledger", decision_subscriptions(assessor))
    app = service_app(title="Lipei assessment-service", runtime=runtime, routers=[api.router])
    app.state.assessor = assessor
    return app

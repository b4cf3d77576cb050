"""Composition root: settings, runtime (database, outbox relay, the claims read model's
consumer, the knowledge base's refresh loop) and HTTP routes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from butler_service import api_butler, api_ops, api_user
from butler_service.context import Context
from butler_service.domain.errors import ButlerError, Invalid
from butler_service.handlers import ReadModel
from butler_service.intake_client import IntakeClient
from butler_service.knowledge.index import shared_segmenter
from butler_service.knowledge_base import KnowledgeBase
from butler_service.settings import Settings
from lipei.app import service_app
from lipei.at_rest import KeyRing
from lipei.clock import Clock
from lipei.runtime import ServiceRuntime
from lipei.web import problem_response

MIGRATIONS = Path(__file__).parent / "migrations"


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    """A domain refusal as problem+json (422s name the field, as validation errors do)."""
    assert isinstance(exc, ButlerError)
    if isinstance(exc, Invalid):
        errors = [{"field": exc.field, "message": exc.message}]
        return problem_response(exc.status, exc.detail, type=exc.kind, errors=errors)
    return problem_response(exc.status, exc.detail, type=exc.kind)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS, clock=clock)
    knowledge = KnowledgeBase(
        runtime.sessionmaker,
        runtime.clock,
        refresh_seconds=settings.knowledge_refresh_seconds,
        segmenter=shared_segmenter(),
    )
    runtime.add_consumer("butler", ReadModel(runtime.clock).subscriptions())
    runtime.add_loop("knowledge-base", knowledge.run)
    intake = IntakeClient.from_settings(settings)

    async def hold_client() -> None:
        """Keeps the HTTP client to intake for the service's lifetime; closes it at the end."""
        try:
            await asyncio.Event().wait()
        finally:
            await intake.aclose()

    runtime.add_loop("butler-intake-client", hold_client)
    app = service_app(
        title="Lipei butler-service",
        runtime=runtime,
        routers=[api_user.router, api_butler.router, api_ops.router],
    )
    app.state.context = Context(
        runtime=runtime,
        settings=settings,
        keys=KeyRing.parse(settings.data_keys),
        hours=settings.service_hours,
        knowledge=knowledge,
        intake=intake,
    )
    app.add_exception_handler(ButlerError, _refused)
    return app

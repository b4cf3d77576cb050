"""Composition root: settings, runtime (database, outbox relay, consumer) and HTTP routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lipei.app import service_app
from lipei.clock import Clock
from lipei.runtime import ServiceRuntime
from lipei.storage import open_storage
from ocr_service import api
from ocr_service.handlers import subscriptions
from ocr_service.reading import DocumentReader
from ocr_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS, clock=clock)
    reader = DocumentReader(
        engine=settings.ocr_engine,
        threads=settings.ocr_threads,
        concurrency=settings.ocr_concurrency,
    )
    storage = open_storage(settings.storage_url)
    # Consumer group "ocr": instances share the uploads between them (scale by partitions).
    runtime.add_consumer("ocr", subscriptions(runtime, storage, reader, settings))
    runtime.add_loop("ocr-warm-up", reader.warm_up)
    app = service_app(title="Lipei ocr-service", runtime=runtime, routers=[api.router])
    app.state.reader = reader
    return app

"""Composition root: settings, runtime (database, outbox relay, consumers, dispatch loop) and
HTTP routes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from lipei.app import service_app
from lipei.clock import Clock
from lipei.runtime import ServiceRuntime
from notify_service.api import router
from notify_service.channels.senders import Senders
from notify_service.dispatcher import Dispatcher
from notify_service.domain.escalation import EscalationPolicy
from notify_service.fanout import FanOut
from notify_service.handlers import Handlers
from notify_service.intake_client import IntakeClient
from notify_service.notices import Notices
from notify_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "notify-service"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS, clock=clock)
    policy = EscalationPolicy(
        sms_after=timedelta(hours=settings.escalate_sms_after_hours),
        voice_after=timedelta(hours=settings.escalate_voice_after_hours),
    )
    intake = IntakeClient.from_settings(settings)
    notices = Notices(runtime.outbox, policy)
    handlers = Handlers(runtime, settings, notices, intake)
    runtime.add_consumer(CONSUMER, handlers.subscriptions())
    fanout = FanOut(runtime, settings, notices, intake)
    runtime.add_loop("notify-alert-fanout", fanout.run)
    senders = Senders(settings)
    dispatcher = Dispatcher(runtime, settings, policy, senders)
    runtime.add_loop("notify-dispatch", dispatcher.run)
    app = service_app(title="Lipei notify-service", runtime=runtime, routers=[router])
    app.state.dispatcher = dispatcher
    app.state.fanout = fanout

    async def hold_clients() -> None:
        """Keeps the HTTP clients for the service's lifetime and closes them when it stops."""
        try:
            await asyncio.Event().wait()
        finally:
            await senders.close()
            await intake.aclose()

    runtime.add_loop("notify-http-clients", hold_clients)
    return app

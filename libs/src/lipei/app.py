"""The FastAPI application every service builds around its runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from lipei.runtime import ServiceRuntime
from lipei.web import health_router, install_problem_handlers, install_request_ids


def service_app(
    *, title: str, runtime: ServiceRuntime, routers: Iterable[APIRouter], version: str = "0.1.0"
) -> FastAPI:
    """Health probes, problem+json errors, request ids, and the runtime started in the lifespan."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, version=version, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    install_problem_handlers(app)
    install_request_ids(app)
    app.include_router(health_router(runtime.readiness_checks()))
    for router in routers:
        app.include_router(router)
    return app


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]

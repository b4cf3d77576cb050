"""The FastAPI application every service builds around its runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response

from lipei.heap import freeze_startup_heap
from lipei.hot_reads import HotReads, HotRoute
from lipei.metrics import EXPOSITION_TYPE
from lipei.runtime import ServiceRuntime
from lipei.telemetry import FASTAPI_TELEMETRY_OFF, ObservedRequests
from lipei.web import health_router, install_problem_handlers, install_request_ids


def service_app(
    *,
    title: str,
    runtime: ServiceRuntime,
    routers: Iterable[APIRouter],
    hot_reads: tuple[HotRoute, ...] = (),
    version: str = "0.1.0",
) -> FastAPI:
    """Health probes, metrics, problem+json errors, request ids, traces, and the runtime started
    in the lifespan. `hot_reads`: GETs answered ahead of FastAPI's routing (`lipei.hot_reads`)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        freeze_startup_heap()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, version=version, lifespan=lifespan, telemetry=FASTAPI_TELEMETRY_OFF)
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    install_problem_handlers(app)
    if hot_reads:  # inside the request ids, metrics and traces
        app.add_middleware(
            HotReads,
            routes=hot_reads,
            internal_token=runtime.settings.internal_token,
            exception_handlers=app.exception_handlers,
        )
    install_request_ids(app)
    app.add_middleware(ObservedRequests, telemetry=runtime.telemetry)  # outermost of ours
    runtime.tracing.instrument_app(app)
    app.include_router(health_router(runtime.readiness_checks()))
    app.include_router(metrics_router)
    for router in routers:
        app.include_router(router)
    return app


# async: FastAPI runs a sync dependency in its thread pool, a thread hop on every request.
async def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]

# Scraped by Prometheus on the service's own port; like the probes, it needs no internal token.
metrics_router = APIRouter(tags=["metrics"])


@metrics_router.get("/metrics", include_in_schema=False, response_class=Response)
async def metrics(runtime: RuntimeDep) -> Response:
    await runtime.sample()
    return Response(runtime.metrics.exposition(), media_type=EXPOSITION_TYPE)

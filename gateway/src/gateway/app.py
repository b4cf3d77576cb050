"""Composition root of the gateway: its parts, the edge middleware and the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from gateway import forwarding, own_routes, session_routes
from gateway.components import build_components
from gateway.edge import Edge
from gateway.express import ExpressLane
from gateway.express_protocol import EXPRESS_STATE
from gateway.fast_reads import FastReads
from gateway.settings import Settings
from lipei.heap import freeze_startup_heap
from lipei.telemetry import FASTAPI_TELEMETRY_OFF, MetricsPort, ObservedRequests, Telemetry
from lipei.web import install_problem_handlers


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    parts = build_components(settings)
    telemetry = Telemetry.for_service(settings)
    for client in (*parts.upstreams.clients().values(), parts.wechat_client):
        telemetry.tracing.instrument_client(client)
    parts.upstreams.trace_with(telemetry.tracing)
    # Never on the public port: the gateway never forwards `/metrics` either.
    metrics_port = MetricsPort(telemetry.metrics, host=settings.host, port=settings.metrics_port)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        metrics_port.start()
        app.state.metrics_url = metrics_port.url
        express = ExpressLane(parts, telemetry)
        freeze_startup_heap()
        try:
            # the server's protocol (GatewayHttpProtocol) finds the lane in the lifespan state
            yield {EXPRESS_STATE: express}
        finally:
            express.close()
            metrics_port.stop()
            await parts.close()
            telemetry.tracing.shutdown()

    app = FastAPI(
        title="Lipei API",
        version="0.1.0",
        description="Online insurance claims: policyholders, insurers (partner API) and ops.",
        lifespan=lifespan,
        # /openapi.json is the merged document of every service (own_routes)
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=FASTAPI_TELEMETRY_OFF,
    )
    app.state.components = parts
    app.state.telemetry = telemetry
    install_problem_handlers(app)
    # innermost of ours: a read it forwards has passed CORS, the edge and the metrics as before
    app.add_middleware(FastReads, parts=parts)
    origins = [o.strip() for o in settings.cors_allowed_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    # outermost: every answer, even a refusal, carries the request id
    app.add_middleware(Edge, limiter=parts.limiter, ip_per_minute=settings.rate_limit_ip_per_minute)
    # Outside the edge: refusals are counted too, and the request's trace starts here.
    app.add_middleware(ObservedRequests, telemetry=telemetry, mint_traces=True)
    telemetry.tracing.instrument_app(app)
    app.include_router(own_routes.router)
    app.include_router(session_routes.router)
    app.include_router(forwarding.router)  # last: it takes every path the others leave
    return app

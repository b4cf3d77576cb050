"""Composition root of the console: the gateway client, the pages, static files, security
headers, health probes and metrics. It keeps no database: every page is read from the gateway
with the logged-in person's token."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from console import pages_auth, pages_butler, pages_ops
from console.gateway_client import ApiError, Forbidden, Gateway, NotFound, Refused, Unauthenticated
from console.headers import SecurityHeaders
from console.session import COOKIE_PATH, SESSION_COOKIE
from console.settings import Settings
from console.web import HERE, Context, LoginRequired, StaleForm, WrongRole, error_page
from lipei.metrics import EXPOSITION_TYPE
from lipei.telemetry import FASTAPI_TELEMETRY_OFF, ObservedRequests, Telemetry
from lipei.web import health_router

log = logging.getLogger(__name__)


def _to_login(request: Request, expired: bool) -> Response:
    target = "/console/?expired=1" if expired else "/console/"
    # HTMX follows HX-Redirect with a full page load (a polled inbox whose token expired)
    if request.headers.get("hx-request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


def install_error_pages(app: FastAPI) -> None:
    """Every refusal as a page a person can read, never a stack trace or a 500."""

    async def login_required(request: Request, exc: Exception) -> Response:
        return _to_login(request, isinstance(exc, LoginRequired) and exc.expired)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        if isinstance(exc, Unauthenticated):
            return _to_login(request, expired=True)
        if isinstance(exc, NotFound):
            return error_page(
                request, 404, "找不到该页面", "要找的用户或理赔不存在，或不归您负责。"
            )
        if isinstance(exc, Forbidden):
            return error_page(request, 403, "无权访问", "您的账号不能查看这个页面。")
        if isinstance(exc, Refused):
            return error_page(request, 422, "请求未被接受", exc.detail)
        return error_page(request, 503, "服务暂时不可用", "请稍后刷新重试。")

    async def wrong_role(request: Request, _: Exception) -> Response:
        return error_page(
            request, 403, "无权访问", "控制台只供管家和运营人员使用，或此页面不属于您的角色。"
        )

    async def stale_form(request: Request, _: Exception) -> Response:
        return error_page(
            request, 403, "表单已过期", "页面已过期（例如您已重新登录），请刷新页面后再提交。"
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return error_page(request, 404, "找不到该页面", "地址有误，或页面已不存在。")
        return error_page(request, exc.status_code, "请求有误", str(exc.detail))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        fields = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return error_page(request, 422, "输入有误", f"请检查：{fields}")

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(WrongRole, wrong_role)
    app.add_exception_handler(StaleForm, stale_form)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)


def _metrics_router(telemetry: Telemetry) -> APIRouter:
    router = APIRouter(tags=["metrics"])

    @router.get("/metrics", include_in_schema=False, response_class=Response)
    async def metrics() -> Response:
        return Response(telemetry.metrics.exposition(), media_type=EXPOSITION_TYPE)

    return router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    gateway = Gateway(settings.gateway_url, timeout=settings.gateway_timeout_seconds)
    telemetry = Telemetry.for_service(settings)
    telemetry.tracing.instrument_client(gateway.client)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await gateway.close()
            telemetry.tracing.shutdown()

    async def gateway_answers() -> None:
        (await gateway.client.get("/healthz", timeout=2.0)).raise_for_status()

    app = FastAPI(
        title="Lipei console",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=FASTAPI_TELEMETRY_OFF,
    )
    app.state.context = Context(settings=settings, gateway=gateway)
    install_error_pages(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ObservedRequests, telemetry=telemetry)
    telemetry.tracing.instrument_app(app)
    app.include_router(health_router({"gateway": gateway_answers}))
    app.include_router(_metrics_router(telemetry))
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (pages_auth.router, pages_butler.router, pages_ops.router):
        app.include_router(router)
    return app

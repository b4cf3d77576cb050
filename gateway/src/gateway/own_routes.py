"""The gateway's own read-only endpoints: health probes and the one OpenAPI document."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gateway.components import ComponentsDep, UpstreamsDep
from gateway.proxy import Upstreams
from gateway.routing import WEB_PREFIXES
from lipei.web import Health, Readiness

router = APIRouter()


def api_clients(upstreams: Upstreams) -> dict[str, httpx.AsyncClient]:
    """The services behind the API; the web console is neither a readiness condition of the
    API nor part of its document."""
    web = set(WEB_PREFIXES.values())
    return {name: c for name, c in upstreams.clients().items() if name not in web}


@router.get("/healthz", tags=["health"])
async def healthz() -> Health:
    return Health()


@router.get("/readyz", tags=["health"], responses={503: {"model": Readiness}})
async def readyz(upstreams: UpstreamsDep, response: Response) -> Readiness:
    """Every service answers its own `/healthz` (a check is `ok`, `HTTP <status>` or
    `unavailable: <error>`); else 503 with Retry-After."""
    checks: dict[str, str] = {}
    for name, client in api_clients(upstreams).items():
        try:
            answer = await client.get("/healthz", timeout=2.0)
            checks[name] = "ok" if answer.status_code == 200 else f"HTTP {answer.status_code}"
        except httpx.HTTPError as exc:
            checks[name] = f"unavailable: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    if not ok:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return Readiness(status="ok" if ok else "unavailable", checks=checks)


# The document itself is free-form JSON; it describes every other route.
@router.get("/openapi.json", include_in_schema=False, response_class=JSONResponse)
async def openapi(request: Request, parts: ComponentsDep) -> JSONResponse:
    document = await parts.openapi.get(request.app.openapi(), api_clients(parts.upstreams))
    return JSONResponse(document)

"""Every public path other than the gateway's own: find the route, check who calls (token, role or
partner signature) and the caller's budget, then forward to the service that owns the path."""

from __future__ import annotations

import logging

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.responses import Response

from gateway.components import Components, ComponentsDep
from gateway.edge import budget_refusal
from gateway.partner import PartnerRefused
from gateway.proxy import BodyTooLarge, limited, too_large
from gateway.routing import WEB_METHODS, Route, match, web_upstream
from gateway.tokens import Identity, InvalidToken, TokenIssuer
from lipei.telemetry import name_route
from lipei.web import INSURER_HEADER, Problem

log = logging.getLogger(__name__)

router = APIRouter()

# The gateway's own endpoints, for 405 answers to other methods.
OWN_ROUTES = {
    "/api/v1/session": "POST",
    "/healthz": "GET",
    "/readyz": "GET",
    "/openapi.json": "GET",
}


# Included last: it answers whatever the gateway's own routes do not. The services document
# these paths; the merged OpenAPI document takes them from there.
@router.api_route(
    "/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    include_in_schema=False,
    response_class=StreamingResponse,
)
async def forward(request: Request, path: str, parts: ComponentsDep) -> Response:
    web = web_upstream("/" + path)
    if web is not None:
        return await _web_page(request, path, web, parts)
    return await forward_on(request, _route_for(request.method, path), parts)


async def forward_on(request: Request, chosen: Route, parts: Components) -> Response:
    """Check who calls `chosen` and their budget, then forward to its service."""
    name_route(request.scope, chosen.template)
    if chosen.audience == "partner":
        return await _as_partner(request, chosen.upstream, parts)
    if chosen.audience == "link":
        return await parts.upstreams.forward(request, chosen.upstream)
    identity = bearer_identity(request, parts.tokens)
    refusal = await budget_refusal(
        parts.limiter, f"user:{identity.user_id}", parts.settings.rate_limit_user_per_minute
    )
    if refusal is not None:
        return refusal
    if chosen.audience == "ops" and "ops" not in identity.roles:
        raise Problem(403, "this needs the ops role", type="forbidden")
    if chosen.audience == "butler" and not {"butler", "ops"} & set(identity.roles):
        raise Problem(403, "this needs the butler role", type="forbidden")
    return await parts.upstreams.forward(
        request, chosen.upstream, user_id=identity.user_id, roles=identity.roles
    )


async def _web_page(request: Request, path: str, upstream: str, parts: Components) -> Response:
    """A console page: forwarded as it came (cookies included), no bearer token asked for."""
    name_route(request.scope, f"/{path.split('/')[0]}/{{page}}")
    if any(part in (".", "..") for part in path.split("/")):
        raise Problem(404, "no such resource", type="not-found")
    if request.method not in WEB_METHODS:
        raise not_allowed(request.method, set(WEB_METHODS))
    return await parts.upstreams.forward(request, upstream)


def _route_for(method: str, path: str) -> Route:
    own = OWN_ROUTES.get("/" + path)
    if own is not None:
        raise not_allowed(method, {own})
    candidates = match("/" + path)
    # dot segments would be resolved on the way upstream: never forward them
    if not candidates or any(part in (".", "..") for part in path.split("/")):
        raise Problem(404, "no such resource", type="not-found")
    chosen = next((r for r in candidates if method in r.methods), None)
    if chosen is None:
        raise not_allowed(method, set().union(*(r.methods for r in candidates)))
    return chosen


async def _as_partner(request: Request, upstream: str, parts: Components) -> Response:
    """A signed insurer request: the signature covers the body, so it is read whole first."""
    max_bytes = parts.settings.max_body_bytes
    try:
        body = b"".join([c async for c in limited(request.stream(), max_bytes)])
    except BodyTooLarge:
        return too_large(max_bytes)
    try:
        insurer = await parts.partners.verify(
            insurer=request.headers.get(INSURER_HEADER, ""),
            timestamp=request.headers.get("X-Lipei-Timestamp", ""),
            sig=request.headers.get("X-Lipei-Signature", ""),
            method=request.method,
            path=request.url.path,
            body=body,
        )
    except PartnerRefused as exc:
        raise Problem(401, exc.detail, type="invalid-signature") from exc
    except httpx.HTTPError as exc:
        log.warning("partner secrets unavailable: %s", type(exc).__name__)
        raise Problem(
            503,
            "partner authentication is unavailable; try again soon",
            type="upstream-unavailable",
            headers={"Retry-After": "5"},
        ) from exc
    refusal = await budget_refusal(
        parts.limiter, f"insurer:{insurer}", parts.settings.rate_limit_user_per_minute
    )
    if refusal is not None:
        return refusal
    return await parts.upstreams.forward(request, upstream, insurer_code=insurer, body=body)


def not_allowed(method: str, allowed: set[str]) -> Problem:
    return Problem(
        405,
        f"{method} is not allowed here",
        type="method-not-allowed",
        headers={"Allow": ", ".join(sorted(allowed))},
    )


def bearer_identity(request: Request, tokens: TokenIssuer) -> Identity:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Problem(
            401,
            "sign in first (Authorization: Bearer <token>)",
            type="unauthenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return tokens.verify(token.strip())
    except InvalidToken as exc:
        raise Problem(
            401,
            f"the access token is not valid: {exc}",
            type="invalid-token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from exc

"""Composition root of the gateway."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from redis.asyncio import Redis
from starlette.responses import Response

from gateway.edge import Edge
from gateway.limits import LocalCounter, RateLimiter, RedisCounter
from gateway.login import LoggedIn, dev_login, push_contact, user_id_for_openid
from gateway.openapi_doc import fetch_upstream_docs, merge
from gateway.partner import PartnerRefused, PartnerSecrets, PartnerVerifier, ReplayStore
from gateway.proxy import BodyTooLarge, Upstreams, limited, too_large
from gateway.routing import match
from gateway.settings import Settings
from gateway.tokens import Identity, InvalidToken, TokenIssuer, parse_keys
from gateway.wechat import LoginRefused, WeChatLogin
from lipei.web import (
    INSURER_HEADER,
    Problem,
    install_problem_handlers,
    problem_response,
)

log = logging.getLogger(__name__)

# The gateway's own endpoints, for 405 answers to other methods.
_OWN_ROUTES = {
    "/api/v1/session": "POST",
    "/healthz": "GET",
    "/readyz": "GET",
    "/openapi.json": "GET",
}


class SessionIn(BaseModel):
    code: str = Field(
        min_length=1,
        max_length=256,
        description="the code from wx.login(); `dev:<name>` where the dev provider is on",
        examples=["dev:alice"],
    )


class SessionOut(BaseModel):
    access_token: str
    token_type: str = Field(examples=["Bearer"])
    expires_in: int = Field(examples=[7200])
    user_id: str = Field(examples=["dev-alice"])


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    tokens = TokenIssuer(
        secret=settings.jwt_secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.token_ttl_seconds,
        kid=settings.jwt_kid,
        previous_keys=parse_keys(settings.jwt_previous_keys),
    )
    upstreams = Upstreams(
        {
            "intake": settings.intake_url,
            "ocr": settings.ocr_url,
            "tracking": settings.tracking_url,
            "notify": settings.notify_url,
        },
        timeout=settings.upstream_timeout_seconds,
        internal_token=settings.internal_token,
        max_body_bytes=settings.max_body_bytes,
        keepalive_seconds=settings.upstream_keepalive_seconds,
    )
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    limiter = RateLimiter(RedisCounter(redis) if redis else LocalCounter())
    partners = PartnerVerifier(
        PartnerSecrets(
            upstreams.client("intake"),
            internal_token=settings.internal_token,
            cache_seconds=settings.partner_secret_cache_seconds,
        ),
        ReplayStore(redis),
        window_seconds=settings.partner_window_seconds,
    )
    wechat_client = httpx.AsyncClient(
        base_url=settings.wechat_api_url, timeout=settings.wechat_timeout_seconds
    )
    wechat = (
        WeChatLogin(wechat_client, appid=settings.wechat_appid, secret=settings.wechat_secret)
        if settings.wechat_appid
        else None
    )
    merged_doc: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await upstreams.close()
            await wechat_client.aclose()
            if redis is not None:
                await redis.aclose()

    app = FastAPI(
        title="Lipei API",
        version="0.1.0",
        description="Online insurance claims: policyholders, insurers (partner API) and ops.",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    install_problem_handlers(app)

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
    app.add_middleware(Edge, limiter=limiter, ip_per_minute=settings.rate_limit_ip_per_minute)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        for name in ("intake", "ocr", "tracking", "notify"):
            try:
                answer = await upstreams.client(name).get("/healthz", timeout=2.0)
                checks[name] = "ok" if answer.status_code == 200 else f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                checks[name] = f"unavailable: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
            headers=None if ok else {"Retry-After": "5"},
        )

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        if not merged_doc:
            clients = {n: upstreams.client(n) for n in ("intake", "ocr", "tracking", "notify")}
            docs = await fetch_upstream_docs(clients)
            document = merge(app.openapi(), docs)
            if all(d is not None for d in docs.values()):
                merged_doc.update(document)  # cache only a complete document
            return JSONResponse(document)
        return JSONResponse(merged_doc)

    @app.post(
        "/api/v1/session",
        tags=["session"],
        response_model=SessionOut,
        responses={
            401: {"description": "the code is not valid"},
            403: {"description": "WeChat refused this login"},
            429: {"description": "too many logins; see Retry-After"},
            503: {"description": "WeChat login is unavailable; see Retry-After"},
        },
    )
    async def session(body: SessionIn) -> SessionOut:
        """Log in with the mini-program's `wx.login()` code and receive an access token."""
        logged_in = await _login(body.code)
        await push_contact(
            upstreams.client("notify"),
            user_id=logged_in.identity.user_id,
            openid=logged_in.openid,
            internal_token=settings.internal_token,
            wait=settings.contact_push_timeout_seconds,
        )
        return SessionOut(
            access_token=tokens.issue(logged_in.identity),
            token_type="Bearer",
            expires_in=tokens.ttl_seconds,
            user_id=logged_in.identity.user_id,
        )

    async def _login(code: str) -> LoggedIn:
        if settings.dev_login_enabled and code.startswith(("dev:", "dev-ops:")):
            found = dev_login(code)
            if found is not None:
                return found
        elif wechat is not None:
            try:
                user = await wechat.code2session(code)
            except LoginRefused as exc:
                headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
                raise Problem(exc.status, exc.detail, type=exc.kind, headers=headers) from exc
            identity = Identity(user_id_for_openid(user.openid, settings.user_id_hash_key))
            return LoggedIn(identity, user.openid)
        raise Problem(401, "this login code is not valid", type="invalid-login-code")

    @app.api_route(
        "/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        include_in_schema=False,
    )
    async def route(request: Request, path: str) -> Response:
        own = _OWN_ROUTES.get("/" + path)
        if own is not None:
            raise _not_allowed(request.method, {own})
        candidates = match("/" + path)
        # dot segments would be resolved on the way upstream: never forward them
        if not candidates or any(part in (".", "..") for part in path.split("/")):
            raise Problem(404, "no such resource", type="not-found")
        chosen = next((r for r in candidates if request.method in r.methods), None)
        if chosen is None:
            raise _not_allowed(request.method, set().union(*(r.methods for r in candidates)))
        if chosen.audience == "partner":
            return await _partner(request, chosen.upstream)
        if chosen.audience == "link":
            return await upstreams.forward(request, chosen.upstream)
        identity = _bearer_identity(request, tokens)
        retry_after = await limiter.check(
            f"user:{identity.user_id}", settings.rate_limit_user_per_minute
        )
        if retry_after is not None:
            return _too_many(retry_after)
        if chosen.audience == "ops" and "ops" not in identity.roles:
            raise Problem(403, "this needs the ops role", type="forbidden")
        return await upstreams.forward(
            request, chosen.upstream, user_id=identity.user_id, roles=identity.roles
        )

    async def _partner(request: Request, upstream: str) -> Response:
        try:
            body = b"".join([c async for c in limited(request.stream(), settings.max_body_bytes)])
        except BodyTooLarge:
            return too_large(settings.max_body_bytes)
        try:
            insurer = await partners.verify(
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
        retry_after = await limiter.check(f"insurer:{insurer}", settings.rate_limit_user_per_minute)
        if retry_after is not None:
            return _too_many(retry_after)
        return await upstreams.forward(request, upstream, insurer_code=insurer, body=body)

    return app


def _not_allowed(method: str, allowed: set[str]) -> Problem:
    return Problem(
        405,
        f"{method} is not allowed here",
        type="method-not-allowed",
        headers={"Allow": ", ".join(sorted(allowed))},
    )


def _too_many(retry_after: int) -> JSONResponse:
    return problem_response(
        429,
        "too many requests; slow down",
        type="rate-limited",
        headers={"Retry-After": str(retry_after)},
    )


def _bearer_identity(request: Request, tokens: TokenIssuer) -> Identity:
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

"""The gateway's long-lived parts (token issuer, service clients, limits, partner checks, WeChat),
built once per app, and the typed dependencies that hand them to routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

import httpx
from fastapi import Depends, Request
from redis.asyncio import Redis

from gateway.limits import LocalCounter, RateLimiter, RedisCounter
from gateway.openapi_doc import MergedDocument
from gateway.partner import PartnerSecrets, PartnerVerifier, ReplayStore
from gateway.proxy import Upstreams
from gateway.settings import Settings
from gateway.tokens import TokenIssuer, parse_keys
from gateway.wechat import WeChatLogin


@dataclass
class Components:
    settings: Settings
    tokens: TokenIssuer
    upstreams: Upstreams
    limiter: RateLimiter
    partners: PartnerVerifier
    wechat_client: httpx.AsyncClient
    # None unless a WeChat app id is configured (dev logins only)
    wechat: WeChatLogin | None
    redis: Redis | None
    openapi: MergedDocument = field(default_factory=MergedDocument)

    async def close(self) -> None:
        await self.upstreams.close()
        await self.wechat_client.aclose()
        if self.redis is not None:
            await self.redis.aclose()


def build_components(settings: Settings) -> Components:
    upstreams = Upstreams(
        {
            "intake": settings.intake_url,
            "ocr": settings.ocr_url,
            "tracking": settings.tracking_url,
            "notify": settings.notify_url,
            "butler": settings.butler_url,
            "assessment": settings.assessment_url,
            "console": settings.console_url,
        },
        timeout=settings.upstream_timeout_seconds,
        internal_token=settings.internal_token,
        max_body_bytes=settings.max_body_bytes,
        keepalive_seconds=settings.upstream_keepalive_seconds,
    )
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    wechat_client = httpx.AsyncClient(
        base_url=settings.wechat_api_url, timeout=settings.wechat_timeout_seconds
    )
    return Components(
        settings=settings,
        tokens=TokenIssuer(
            secret=settings.jwt_secret,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.token_ttl_seconds,
            kid=settings.jwt_kid,
            previous_keys=parse_keys(settings.jwt_previous_keys),
        ),
        upstreams=upstreams,
        limiter=RateLimiter(RedisCounter(redis) if redis else LocalCounter()),
        partners=PartnerVerifier(
            PartnerSecrets(
                upstreams.client("intake"),
                internal_token=settings.internal_token,
                cache_seconds=settings.partner_secret_cache_seconds,
            ),
            ReplayStore(redis),
            window_seconds=settings.partner_window_seconds,
        ),
        wechat_client=wechat_client,
        wechat=(
            WeChatLogin(wechat_client, appid=settings.wechat_appid, secret=settings.wechat_secret)
            if settings.wechat_appid
            else None
        ),
        redis=redis,
    )


# async, so FastAPI resolves them on the event loop rather than in its thread pool: every
# forwarded request passes through them.
async def _components(request: Request) -> Components:
    components: Components = request.app.state.components
    return components


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.components.settings
    return settings


async def _upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.components.upstreams
    return upstreams


ComponentsDep = Annotated[Components, Depends(_components)]
SettingsDep = Annotated[Settings, Depends(_settings)]
UpstreamsDep = Annotated[Upstreams, Depends(_upstreams)]

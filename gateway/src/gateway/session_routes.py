"""`POST /api/v1/session`: a mini-program login code (or a dev code) becomes an access token."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gateway.components import Components, ComponentsDep
from gateway.login import LoggedIn, dev_login, push_contact, user_id_for_openid
from gateway.tokens import Identity
from gateway.wechat import LoginRefused
from lipei.web import Problem

router = APIRouter(tags=["session"])


class SessionIn(BaseModel):
    code: str = Field(
        min_length=1,
        max_length=256,
        description="the code from wx.login(); `dev:<name>`, `dev-ops:<name>` or "
        "`dev-butler:<butler_id>` where the dev provider is on",
        examples=["dev:alice"],
    )


class SessionOut(BaseModel):
    access_token: str
    token_type: str = Field(examples=["Bearer"])
    expires_in: int = Field(examples=[7200])
    user_id: str = Field(examples=["dev-alice"])


@router.post(
    "/api/v1/session",
    responses={
        401: {"description": "the code is not valid"},
        403: {"description": "WeChat refused this login"},
        429: {"description": "too many logins; see Retry-After"},
        503: {"description": "WeChat login is unavailable; see Retry-After"},
    },
)
async def session(body: SessionIn, parts: ComponentsDep) -> SessionOut:
    """Log in with the mini-program's `wx.login()` code and receive an access token."""
    logged_in = await log_in(body.code, parts)
    await push_contact(
        parts.upstreams.client("notify"),
        user_id=logged_in.identity.user_id,
        openid=logged_in.openid,
        internal_token=parts.settings.internal_token,
        wait=parts.settings.contact_push_timeout_seconds,
    )
    return SessionOut(
        access_token=parts.tokens.issue(logged_in.identity),
        token_type="Bearer",
        expires_in=parts.tokens.ttl_seconds,
        user_id=logged_in.identity.user_id,
    )


async def log_in(code: str, parts: Components) -> LoggedIn:
    """Who `code` belongs to: a dev identity where those are on, else WeChat's answer."""
    settings = parts.settings
    if settings.dev_login_enabled and code.startswith(("dev:", "dev-ops:", "dev-butler:")):
        found = dev_login(code)
        if found is not None:
            return found
    elif parts.wechat is not None:
        try:
            user = await parts.wechat.code2session(code)
        except LoginRefused as exc:
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
            raise Problem(exc.status, exc.detail, type=exc.kind, headers=headers) from exc
        identity = Identity(user_id_for_openid(user.openid, settings.user_id_hash_key))
        return LoggedIn(identity, user.openid)
    raise Problem(401, "this login code is not valid", type="invalid-login-code")

"""Who is logging in: WeChat's openid (or a dev identity) → our user id, and telling notify."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

import httpx

from gateway.tokens import Identity
from lipei.web import INTERNAL_TOKEN_HEADER

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedIn:
    identity: Identity
    openid: str


def dev_login(code: str) -> LoggedIn | None:
    """`dev:<name>` → policyholder `dev-<name>`, `dev-ops:<name>` → ops user `ops-<name>`,
    `dev-butler:<butler_id>` → butler `<butler_id>` (the id ops gave the butler's account)."""
    kind, _, name = code.partition(":")
    if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").isalnum():
        return None
    if kind == "dev":
        return LoggedIn(Identity(user_id=f"dev-{name}"), openid=f"dev-openid-{name}")
    if kind == "dev-ops":
        return LoggedIn(Identity(user_id=f"ops-{name}", roles=("ops",)), f"dev-openid-{name}")
    if kind == "dev-butler":
        return LoggedIn(Identity(user_id=name, roles=("butler",)), f"dev-openid-butler-{name}")
    return None


def user_id_for_openid(openid: str, key: str) -> str:
    """Stable and opaque: the same openid always maps to the same id; the id reveals nothing."""
    digest = hmac.new(key.encode(), openid.encode(), hashlib.sha256).hexdigest()
    return f"wx-{digest[:32]}"


async def push_contact(
    client: httpx.AsyncClient, *, user_id: str, openid: str, internal_token: str, wait: float
) -> None:
    """Tell notify-service where to reach the user; a failure never fails the login."""
    try:
        response = await client.put(
            f"/internal/v1/contacts/{user_id}",
            json={"wechat_openid": openid},
            headers={INTERNAL_TOKEN_HEADER: internal_token},
            timeout=wait,
        )
        if response.status_code >= 400:
            log.warning("notify refused the contact of %s: HTTP %s", user_id, response.status_code)
    except httpx.HTTPError as exc:
        log.warning("could not pass the contact of %s to notify: %s", user_id, type(exc).__name__)

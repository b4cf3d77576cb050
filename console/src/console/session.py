"""Who is logged in: the gateway's token from the HttpOnly cookie, read for its role and expiry.

The console never trusts what it reads here: every call goes to the gateway with the token, and
the gateway checks the signature and the role. Reading the token only picks the pages to show."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import jwt

SESSION_COOKIE = "lipei_console"
CSRF_COOKIE = "lipei_console_csrf"
COOKIE_PATH = "/console"

Role = Literal["butler", "ops"]


@dataclass(frozen=True)
class Person:
    user_id: str
    roles: tuple[str, ...]
    expires_at: float
    token: str

    @property
    def role(self) -> Role | None:
        if "ops" in self.roles:
            return "ops"
        if "butler" in self.roles:
            return "butler"
        return None

    def expired(self, now: float | None = None) -> bool:
        return self.expires_at <= (time.time() if now is None else now)


def read_token(token: str) -> Person | None:
    """The token's subject, roles and expiry, or None for something that is not a token."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    roles = claims.get("roles") or []
    sub, exp = claims.get("sub"), claims.get("exp")
    if not isinstance(sub, str) or not isinstance(exp, int | float) or not isinstance(roles, list):
        return None
    return Person(user_id=sub, roles=tuple(str(r) for r in roles), expires_at=exp, token=token)

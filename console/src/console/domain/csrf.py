"""CSRF tokens: an HMAC of the browser's random nonce (kept in its own SameSite=Strict cookie).

A form carries the token; the POST is taken only when the token matches the nonce the browser
sends back. Logging in or out draws a new nonce, so a form from before is stale and refused."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def token_for(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).hexdigest()


def is_valid(secret: str, nonce: str | None, offered: str | None) -> bool:
    if not nonce or not offered:
        return False
    return hmac.compare_digest(token_for(secret, nonce), offered)

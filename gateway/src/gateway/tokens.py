"""Our own access tokens (JWT, HS256 pinned): who the caller is and which roles they hold."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
# Verified tokens remembered until they expire: a mini-program sends the same token with every
# poll, and checking its signature again each time was a good part of the gateway's CPU.
VERIFIED_CACHE_SIZE = 10_000


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    user_id: str
    roles: tuple[str, ...] = ()


def parse_keys(spec: str) -> dict[str, str]:
    """`kid1:secret1,kid2:secret2` → {kid: secret}."""
    keys: dict[str, str] = {}
    for item in spec.split(","):
        kid, sep, secret = item.strip().partition(":")
        if sep and kid and secret:
            keys[kid] = secret
    return keys


class TokenIssuer:
    """Signs with the current key; verifies with the current key or any accepted previous one."""

    def __init__(
        self,
        *,
        secret: str,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        kid: str = "k1",
        previous_keys: dict[str, str] | None = None,
    ) -> None:
        self._kid = kid
        self._keys = {**(previous_keys or {}), kid: secret}
        self._issuer = issuer
        self._audience = audience
        self.ttl_seconds = ttl_seconds
        self._verified: dict[str, tuple[Identity, float]] = {}

    def issue(self, identity: Identity, *, now: float | None = None) -> str:
        now = time.time() if now is None else now
        claims = {
            "sub": identity.user_id,
            "roles": list(identity.roles),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": int(now),
            "exp": int(now) + self.ttl_seconds,
        }
        return jwt.encode(
            claims, self._keys[self._kid], algorithm=ALGORITHM, headers={"kid": self._kid}
        )

    def verify(self, token: str) -> Identity:
        known = self._verified.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        identity, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (identity, expires)
        return identity

    def _verify(self, token: str) -> tuple[Identity, float]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise InvalidToken("unsupported algorithm")
            secret = self._keys.get(str(header.get("kid", self._kid)))
            if secret is None:
                raise InvalidToken("unknown signing key")
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        roles = claims.get("roles") or []
        if not isinstance(roles, list):
            raise InvalidToken("roles must be a list")
        identity = Identity(user_id=str(claims["sub"]), roles=tuple(str(r) for r in roles))
        return identity, float(claims["exp"])

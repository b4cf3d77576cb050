"""WeChat mini-program login: `code2Session` exchanges the client's code for the user's openid.

The `session_key` WeChat returns stays here: it is neither returned nor logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)


class LoginRefused(Exception):
    """WeChat refused the code; `status` is the HTTP status we answer with."""

    def __init__(self, status: int, detail: str, kind: str, retry_after: int | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.retry_after = retry_after


@dataclass(frozen=True)
class WeChatUser:
    openid: str
    unionid: str | None


# errcode → (our status, problem type, detail)
_ERRORS: dict[int, tuple[int, str, str]] = {
    40029: (401, "invalid-login-code", "this login code is not valid; log in again"),
    40163: (401, "invalid-login-code", "this login code was already used; log in again"),
    45011: (429, "login-rate-limited", "too many logins; try again in a minute"),
    40226: (403, "login-refused", "WeChat refused this login for the account's safety"),
}


class WeChatLogin:
    def __init__(self, client: httpx.AsyncClient, *, appid: str, secret: str) -> None:
        self._client = client
        self._appid = appid
        self._secret = secret

    async def code2session(self, code: str) -> WeChatUser:
        params = {
            "appid": self._appid,
            "secret": self._secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        try:
            response = await self._client.get("/sns/jscode2session", params=params)
        except httpx.HTTPError as exc:
            log.warning("WeChat login unreachable: %s", type(exc).__name__)
            raise LoginRefused(503, "WeChat login is unavailable", "login-unavailable", 10) from exc
        if response.status_code != 200:
            log.warning("WeChat login answered HTTP %s", response.status_code)
            raise LoginRefused(503, "WeChat login is unavailable", "login-unavailable", 10)
        try:
            body = response.json()
        except ValueError as exc:
            raise LoginRefused(503, "WeChat login is unavailable", "login-unavailable", 10) from exc
        errcode = int(body.get("errcode") or 0) if isinstance(body, dict) else -1
        if errcode == 0 and isinstance(body.get("openid"), str) and body["openid"]:
            unionid = body.get("unionid")
            return WeChatUser(body["openid"], unionid if isinstance(unionid, str) else None)
        if errcode in _ERRORS:
            status, kind, detail = _ERRORS[errcode]
            raise LoginRefused(status, detail, kind, 60 if status == 429 else None)
        # -1 (system busy) and anything unknown: WeChat's side, not the user's.
        log.warning("WeChat login errcode %s", errcode)
        raise LoginRefused(503, "WeChat login is unavailable", "login-unavailable", 10)

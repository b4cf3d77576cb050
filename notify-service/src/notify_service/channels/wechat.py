"""WeChat subscription messages (`/cgi-bin/message/subscribe/send`) with a cached access token."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from notify_service.channels.base import SENT, Outcome, http_outcome, permanent, transient

# Errcodes meaning the access token is stale: fetch a new one and send again.
TOKEN_ERRORS = {40001, 40014, 42001}
# The user refused (or used up) the subscription for this template.
REFUSED = 43101
# Errcodes WeChat uses for its own trouble.
BUSY = {-1, 45009, 45011}


class WeChatSender:
    def __init__(self, client: httpx.AsyncClient, *, appid: str, secret: str, page: str) -> None:
        self._client = client
        self._appid = appid
        self._secret = secret
        self._page = page
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = asyncio.Lock()

    async def _access_token(self, *, refresh: bool = False) -> str | Outcome:
        async with self._lock:
            if not refresh and self._token and time.monotonic() < self._token_expires:
                return self._token
            response = await self._client.get(
                "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self._appid,
                    "secret": self._secret,
                },
            )
            failed = http_outcome(response)
            if failed is not None:
                return failed
            body = response.json()
            if "access_token" not in body:
                errcode = body.get("errcode")
                error = f"token errcode {errcode}: {body.get('errmsg')}"
                return transient(error) if errcode in BUSY else permanent(error)
            self._token = str(body["access_token"])
            # Renew five minutes early so a token never expires mid-send.
            self._token_expires = time.monotonic() + max(
                60, int(body.get("expires_in", 7200)) - 300
            )
            return self._token

    async def send(
        self, *, openid: str, template_id: str, data: dict[str, dict[str, str]]
    ) -> Outcome:
        payload: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "page": self._page,
            "data": data,
            "miniprogram_state": "formal",
            "lang": "zh_CN",
        }
        for refresh in (False, True):
            token = await self._access_token(refresh=refresh)
            if isinstance(token, Outcome):
                return token
            response = await self._client.post(
                "/cgi-bin/message/subscribe/send", params={"access_token": token}, json=payload
            )
            failed = http_outcome(response)
            if failed is not None:
                return failed
            body = response.json()
            errcode = int(body.get("errcode", 0))
            if errcode == 0:
                return SENT
            error = f"errcode {errcode}: {body.get('errmsg')}"
            if errcode in TOKEN_ERRORS and not refresh:
                continue
            if errcode == REFUSED:
                return permanent(error, consent_refused=True)
            if errcode in BUSY:
                return transient(error)
            return permanent(error)
        return transient("access token refused twice")

"""The gateway's public routes, called with the logged-in person's own token."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from lipei.web import cookieless

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Unauthenticated(ApiError):
    """The token expired or is no longer valid: the person logs in again."""


class Forbidden(ApiError):
    pass


class NotFound(ApiError):
    pass


class Refused(ApiError):
    """The API turned the request down (400, 409, 422): the page says why."""


class Unavailable(ApiError):
    pass


def _error(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
        detail = str(body.get("detail") or body.get("title") or response.reason_phrase)
    except (ValueError, AttributeError):
        detail = response.reason_phrase
    status = response.status_code
    if status == 401:
        return Unauthenticated(status, detail)
    if status == 403:
        return Forbidden(status, detail)
    if status == 404:
        return NotFound(status, detail)
    if status < 500 and status != 429:
        return Refused(status, detail)
    return Unavailable(status, detail)


class Gateway:
    def __init__(self, base_url: str, *, timeout: float) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=timeout, cookies=cookieless())

    async def close(self) -> None:
        await self.client.aclose()

    async def login(self, code: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._call(
            "POST", "/api/v1/session", None, json={"code": code}
        )
        return result

    async def get(self, token: str, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return await self._call("GET", path, token, params=clean)

    async def send(self, token: str, method: str, path: str, body: dict[str, Any]) -> Any:
        return await self._call(method, path, token, json=body)

    async def _call(self, method: str, path: str, token: str | None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = await self.client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("gateway unreachable on %s %s: %s", method, path, type(exc).__name__)
            raise Unavailable(503, "服务暂时不可用，请稍后再试") from exc
        if response.status_code >= 400:
            raise _error(response)
        return response.json() if response.content else None

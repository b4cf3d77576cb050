"""Logging in with WeChat through the gateway, against the local WeChat stand-in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from gateway.app import create_app
from gateway.settings import Settings
from lipei_dev.broker import free_port
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.servers import serving

INTERNAL = "login-test-internal-token"


@dataclass
class ContactBook:
    """Where the gateway sends contacts: records each `PUT /internal/v1/contacts/{user_id}`."""

    contacts: dict[str, Any] = field(default_factory=dict)
    tokens: list[str | None] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.put("/internal/v1/contacts/{user_id}")
        async def put_contact(user_id: str, request: Request) -> dict[str, str]:
            self.tokens.append(request.headers.get("x-lipei-internal-token"))
            self.contacts[user_id] = await request.json()
            return {"user_id": user_id}

        return app


@dataclass
class Stack:
    client: httpx.AsyncClient
    wechat: WeChatStandIn
    book: ContactBook


@asynccontextmanager
async def logging_in(*, notify_up: bool = True, **values: Any) -> AsyncIterator[Stack]:
    wechat = WeChatStandIn(appid="wx-test-app", secret="wx-test-secret")
    book = ContactBook()
    async with serving(wechat.app) as wechat_url, serving(book.app()) as book_url:
        settings = Settings(
            **{
                "internal_token": INTERNAL,
                "wechat_appid": "wx-test-app",
                "wechat_secret": "wx-test-secret",
                "wechat_api_url": wechat_url,
                "notify_url": book_url if notify_up else f"http://127.0.0.1:{free_port()}",
                # no claim service listens, whatever else runs on this machine
                "intake_url": f"http://127.0.0.1:{free_port()}",
                **values,
            }
        )
        async with (
            serving(create_app(settings)) as url,
            httpx.AsyncClient(base_url=url, timeout=20) as client,
        ):
            yield Stack(client, wechat, book)


async def _session(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await client.post("/api/v1/session", json={"code": code})


async def test_a_wechat_login_gives_a_stable_opaque_user_and_tells_notify_the_openid(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with logging_in() as stack:
        first = await _session(stack.client, "code-of-alice")
        again = await _session(stack.client, "code-of-alice")
        other = await _session(stack.client, "code-of-bob")

        assert first.status_code == 200, first.text
        body = first.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] > 0
        openid = stack.wechat.openid_for("code-of-alice")
        assert body["user_id"] == again.json()["user_id"] != other.json()["user_id"]
        assert body["user_id"].startswith("wx-") and openid not in body["user_id"]
        assert "session_key" not in first.text
        assert stack.book.contacts[body["user_id"]] == {"wechat_openid": openid}
        assert stack.book.tokens == [INTERNAL] * 3

        me = {"Authorization": f"Bearer {body['access_token']}"}
        # the token works: it is refused only because no claim service listens here
        assert (await stack.client.get("/api/v1/claims", headers=me)).status_code == 503
    assert "session_key" not in caplog.text


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("invalid-123", 401, "invalid-login-code"),
        ("ratelimit-123", 429, "login-rate-limited"),
        ("risky-123", 403, "login-refused"),
    ],
)
async def test_wechat_refusals_map_to_clear_problems(code: str, status: int, kind: str) -> None:
    async with logging_in() as stack:
        answer = await _session(stack.client, code)
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith(kind)
        if status == 429:
            assert int(answer.headers["Retry-After"]) > 0
        assert stack.book.contacts == {}


async def test_wechat_down_is_a_503_with_retry_after() -> None:
    async with logging_in() as stack:
        stack.wechat.outage(30)
        answer = await _session(stack.client, "code-of-alice")
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) > 0


async def test_wechat_unreachable_is_a_503() -> None:
    async with logging_in(wechat_api_url=f"http://127.0.0.1:{free_port()}") as stack:
        answer = await _session(stack.client, "code-of-alice")
        assert answer.status_code == 503


async def test_a_login_succeeds_while_notify_is_down() -> None:
    async with logging_in(notify_up=False) as stack:
        answer = await _session(stack.client, "code-of-alice")
        assert answer.status_code == 200


async def test_dev_logins_tell_notify_a_dev_openid_and_stay_off_wechat() -> None:
    async with logging_in() as stack:
        answer = await _session(stack.client, "dev:carol")
        assert answer.json()["user_id"] == "dev-carol"
        assert stack.book.contacts["dev-carol"] == {"wechat_openid": "dev-openid-carol"}
        assert stack.wechat.login_calls == 0
    async with logging_in(dev_login_enabled=False) as stack:
        answer = await _session(stack.client, "dev:carol")
        # the code goes to WeChat like any other: no dev identity comes out of it
        assert answer.json()["user_id"].startswith("wx-")
        assert "dev-carol" not in stack.book.contacts
        assert stack.wechat.login_calls == 1

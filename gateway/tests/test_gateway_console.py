"""The gateway in front of the web console: pages go through without a bearer token, cookies
reach the console and each Set-Cookie line reaches the browser, and no cookie one visitor got is
ever sent with another visitor's request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from gateway.app import create_app
from gateway.settings import Settings
from lipei_testing.servers import serving


def _console() -> FastAPI:
    """Stands in for the console: sets two cookies and tells which cookies it was sent."""
    app = FastAPI()

    @app.post("/console/login")
    async def login() -> Response:
        response = JSONResponse({"ok": True})
        response.set_cookie("session", "s-1", path="/console", httponly=True)
        response.set_cookie("nonce", "n-1", path="/console", httponly=True)
        return response

    @app.api_route("/console/{page:path}", methods=["GET", "POST"])
    async def page(page: str, request: Request) -> JSONResponse:
        return JSONResponse({"page": page, "cookies": dict(request.cookies)})

    return app


@asynccontextmanager
async def gateway_before_console() -> AsyncIterator[str]:
    async with serving(_console()) as console:
        settings = Settings(jwt_secret="c" * 40, internal_token="t", console_url=console)
        async with serving(create_app(settings)) as url:
            yield url


async def test_console_pages_need_no_token_and_keep_every_cookie_line() -> None:
    async with gateway_before_console() as url, httpx.AsyncClient(base_url=url) as browser:
        answer = await browser.get("/console/inbox")
        assert answer.status_code == 200
        assert answer.json() == {"page": "inbox", "cookies": {}}
        logged_in = await browser.post("/console/login")
        assert len(logged_in.headers.get_list("set-cookie")) == 2
        assert dict(browser.cookies) == {"session": "s-1", "nonce": "n-1"}
        seen = (await browser.get("/console/inbox")).json()["cookies"]
        assert seen == {"session": "s-1", "nonce": "n-1"}


async def test_a_cookie_one_visitor_got_never_goes_with_another_visitors_request() -> None:
    async with gateway_before_console() as url:
        async with httpx.AsyncClient(base_url=url) as first:
            await first.post("/console/login")
        async with httpx.AsyncClient(base_url=url) as second:
            assert (await second.get("/console/inbox")).json()["cookies"] == {}


async def test_console_paths_take_only_page_methods_and_no_dot_segments() -> None:
    async with gateway_before_console() as url, httpx.AsyncClient(base_url=url) as client:
        assert (await client.delete("/console/inbox")).status_code == 405
        assert (await client.put("/console/users/x")).status_code == 405
        dotted = await client.get("/console/%2E%2E/ops/v1/attention")
        assert dotted.status_code == 404
        readiness = (await client.get("/readyz")).json()["checks"]
        assert "console" not in readiness  # the API is ready without the console

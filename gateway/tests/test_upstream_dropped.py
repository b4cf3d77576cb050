"""A service whose connection breaks inside the HTTP client's own code (seen while a service
stops: httpcore reading the peer of a socket already closed) is a 503 to try again, not a 500."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
from starlette.requests import Request

from gateway.pool import Slots
from gateway.proxy import Upstreams


def _closing_socket(request: httpx.Request) -> httpx.Response:
    raise AttributeError("'NoneType' object has no attribute 'getpeername'")


async def test_a_connection_closed_as_it_opened_is_a_503_with_retry_after() -> None:
    upstreams = Upstreams({"intake": "http://intake"}, timeout=1, internal_token="t")
    await upstreams.close()
    upstreams._clients["intake"] = httpx.AsyncClient(
        base_url="http://intake", transport=httpx.MockTransport(_closing_socket)
    )

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/claims",
        "raw_path": b"/api/v1/claims",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")],
    }
    response = await upstreams.forward(Request(scope, receive), "intake")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    await upstreams.close()


async def test_a_service_that_never_answers_a_read_is_a_503_within_the_timeout() -> None:
    """A pooled GET to a service that accepts and then says nothing."""
    held: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    upstreams = Upstreams({"intake": f"http://127.0.0.1:{port}"}, timeout=0.3, internal_token="t")
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/claims/c1",
        "raw_path": b"/api/v1/claims/c1",
        "query_string": b"",
        "headers": [],
    }
    started = time.monotonic()
    response = await upstreams.forward(Request(scope), "intake", user_id="u1")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert json.loads(bytes(response.body))["type"].endswith("upstream-timeout")
    assert response.headers["retry-after"] == "5"
    await upstreams.close()
    server.close()


async def test_requests_past_the_bound_wait_for_a_slot_and_a_cancelled_wait_frees_none() -> None:
    slots = Slots(1)
    await slots.__aenter__()
    waiting = asyncio.create_task(slots.__aenter__())
    cancelled = asyncio.create_task(slots.__aenter__())
    await asyncio.sleep(0)
    assert not waiting.done()
    cancelled.cancel()
    await asyncio.sleep(0)
    await slots.__aexit__()  # handed to the one still waiting
    await asyncio.wait_for(waiting, 1)
    third = asyncio.create_task(slots.__aenter__())
    await asyncio.sleep(0)
    assert not third.done()  # the slot is taken again, not freed twice
    await slots.__aexit__()
    await asyncio.wait_for(third, 1)

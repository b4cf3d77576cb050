"""A service whose connection breaks inside the HTTP client's own code (seen while a service
stops: httpcore reading the peer of a socket already closed) is a 503 to try again, not a 500."""

from __future__ import annotations

import httpx
from starlette.requests import Request

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

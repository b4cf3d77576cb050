"""The express lane answers the polled reads (a claim, its progress) from the connection's own
callbacks. Every answer must be the one the app gives: the same status, headers and body, the
same refusals, the same headers to the service. A CORS `Origin` header sends a read through the
app (the lane leaves CORS to it), so each case is asked both ways and compared.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.express_protocol import GatewayHttpProtocol
from gateway.settings import Settings
from lipei_dev.broker import free_port
from lipei_testing.servers import serving

SECRET = "express-test-secret-0123456789abcdef01234"
INTERNAL = "express-test-internal-token"
REDIS = "redis://127.0.0.1:6379/0"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
CLAIM = json.dumps({"claim_id": "C-1", "status": "submitted", "名": "张三"}).encode()
PROBLEM = json.dumps({"type": "about:blank", "title": "Not Found", "status": 404}).encode()


@dataclass
class StandIn:
    """A service answering canned reads over keep-alive HTTP/1.1, remembering each request head."""

    heads: list[bytes] = field(default_factory=list)
    connections: int = 0
    delay: float = 0.0
    # like a service whose keep-alive timer fires just as the next read arrives
    close_after_each: bool = False

    def answer(self, head: bytes) -> bytes:
        target = head.split(b" ", 2)[1]
        if target.startswith(b"/api/v1/claims/C-404"):
            return _http(404, [(b"content-type", b"application/problem+json")], PROBLEM)
        if b'if-none-match: "v1"' in head.lower():
            return _http(304, [(b"etag", b'"v1"'), (b"cache-control", b"private, no-cache")])
        headers = [
            (b"etag", b'"v1"'),
            (b"cache-control", b"private, no-cache"),
            (b"content-type", b"application/json"),
            (b"x-request-id", b"the-service-own-id"),
            (b"server", b"stand-in"),
        ]
        return _http(200, headers, CLAIM)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(self.answer(head))
                await writer.drain()
                if self.close_after_each:
                    break
        writer.close()


def _http(status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> bytes:
    reason = {200: b"OK", 304: b"Not Modified", 404: b"Not Found"}[status]
    lines = [b"HTTP/1.1 %d %s" % (status, reason), *(k + b": " + v for k, v in headers)]
    if status != 304:
        lines.append(b"content-length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@asynccontextmanager
async def gateway(
    stand_in: StandIn | None = None, **values: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, str, StandIn]]:
    stand_in = stand_in or StandIn()
    server = await asyncio.start_server(stand_in.handle, "127.0.0.1", 0)
    upstream = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    urls = {f"{name}_url": upstream for name in ("intake", "tracking", "notify", "ocr")}
    settings = Settings(**{"jwt_secret": SECRET, "internal_token": INTERNAL, **urls, **values})
    async with (
        server,
        serving(create_app(settings), http=GatewayHttpProtocol) as url,
        httpx.AsyncClient(base_url=url, timeout=20) as client,
    ):
        yield client, url, stand_in


async def _token(client: httpx.AsyncClient, user: str = "alice") -> str:
    answer = await client.post("/api/v1/session", json={"code": f"dev:{user}"})
    assert answer.status_code == 200, answer.text
    return f"Bearer {answer.json()['access_token']}"


def _comparable(answer: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """What a client sees, less what differs by nature: the date and a fresh request id."""
    headers = [(k, v) for k, v in answer.headers.multi_items() if k not in ("date", "x-request-id")]
    return answer.status_code, headers, answer.content


def _request_fields(head: bytes) -> list[bytes]:
    lines = head.lower().split(b"\r\n")
    drop = (b"origin:", b"traceparent:", b"x-request-id:")
    return sorted(line for line in lines if line and not line.startswith(drop))


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/claims/C-1", {}),
        ("/api/v1/claims/C-1/progress?since=3", {}),
        ("/api/v1/claims/C-1", {"If-None-Match": '"v1"'}),
        ("/api/v1/claims/C-404", {}),
        ("/api/v1/claims/C-1", {"X-Request-ID": "mini-program.42"}),
    ],
)
async def test_a_read_answers_as_the_app_does_and_sends_the_service_the_same(
    path: str, extra: dict[str, str]
) -> None:
    async with gateway() as (client, _, stand_in):
        bearer = {"Authorization": await _token(client), **extra}
        express = await client.get(path, headers=bearer)
        through_app = await client.get(path, headers={**bearer, "Origin": "https://x.example"})
        assert _comparable(express) == _comparable(through_app)
        assert express.headers["x-request-id"] != "the-service-own-id"
        if "X-Request-ID" in extra:
            assert express.headers["x-request-id"] == "mini-program.42"
        sent_express, sent_app = stand_in.heads[-2:]
        assert _request_fields(sent_express) == _request_fields(sent_app)
        assert b"x-lipei-user-id: dev-alice" in sent_express.lower()
        assert b"authorization" not in sent_express.lower()
        assert b"traceparent: 00-" in sent_express.lower()


async def test_reads_take_the_lane_and_keep_one_connection_to_the_service() -> None:
    async with gateway() as (client, _, stand_in):
        bearer = {"Authorization": await _token(client)}
        before = stand_in.connections  # the login's, through httpx
        for _ in range(5):
            assert (await client.get("/api/v1/claims/C-1", headers=bearer)).status_code == 200
        # Five reads, one connection: the lane's own, kept alive.
        assert stand_in.connections == before + 1
        # The same read through the app opens the app's pool.
        await client.get("/api/v1/claims/C-1", headers={**bearer, "Origin": "https://x"})
        assert stand_in.connections == before + 2


async def test_a_callers_trace_is_continued_and_a_new_one_started_otherwise() -> None:
    async with gateway() as (client, _, stand_in):
        bearer = {"Authorization": await _token(client)}
        await client.get("/api/v1/claims/C-1", headers={**bearer, "traceparent": TRACEPARENT})
        await client.get("/api/v1/claims/C-1", headers=bearer)
    continued, started = (h.decode().lower() for h in stand_in.heads[-2:])
    assert "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" in continued
    assert "traceparent: 00-" in started and "0af7651916cd43dd8448eb211c80319c" not in started


async def test_refusals_are_the_apps_own() -> None:
    async with gateway() as (client, _, stand_in):
        for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic x"}):
            answer = await client.get("/api/v1/claims/C-1", headers=headers)
            assert answer.status_code == 401
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["www-authenticate"].startswith("Bearer")
        bearer = {"Authorization": await _token(client)}
        for path in ("/api/v1/claims/%2e%2e", "/api/v1/claims/%2e%2e/progress"):
            assert (await client.get(path, headers=bearer)).status_code == 404
        assert [h for h in stand_in.heads if h.startswith(b"GET")] == []


@pytest.mark.parametrize("budget", ["rate_limit_user_per_minute", "rate_limit_ip_per_minute"])
async def test_over_budget_reads_get_the_apps_429(budget: str) -> None:
    async with gateway(**{budget: 3}) as (client, _, _):
        bearer = {"Authorization": await _token(client)}  # one request on the IP's budget
        statuses = [
            (await client.get("/api/v1/claims/C-1", headers=bearer)).status_code for _ in range(4)
        ]
        refused = await client.get("/api/v1/claims/C-1", headers=bearer)
        through_app = await client.get("/api/v1/claims/C-1", headers={**bearer, "Origin": "x"})
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert _comparable(refused) == _comparable(through_app)


async def test_a_service_down_or_silent_is_the_apps_503() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(jwt_secret=SECRET, intake_url=dead, tracking_url=dead)
    async with (
        serving(create_app(settings), http=GatewayHttpProtocol) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        bearer = {"Authorization": await _token(client)}
        down = await client.get("/api/v1/claims/C-1", headers=bearer)
        through_app = await client.get("/api/v1/claims/C-1", headers={**bearer, "Origin": "x"})
        assert down.status_code == 503 and down.json()["type"].endswith("upstream-unavailable")
        assert _comparable(down) == _comparable(through_app)
    async with gateway(StandIn(delay=5), upstream_timeout_seconds=0.3) as (client, _, _):
        bearer = {"Authorization": await _token(client)}
        silent = await client.get("/api/v1/claims/C-1", headers=bearer)
        assert silent.status_code == 503 and silent.json()["type"].endswith("upstream-timeout")


async def test_pipelined_reads_and_a_closing_caller_are_answered_in_order() -> None:
    async with gateway() as (client, url, _):
        token = await _token(client)
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        read = f"GET /api/v1/claims/C-1 HTTP/1.1\r\nhost: x\r\nauthorization: {token}\r\n"
        # Three at once: the lane, the app (CORS), then the lane again, closing.
        writer.write(
            (
                read + "\r\n" + read + "origin: x\r\n\r\n" + read + "connection: close\r\n\r\n"
            ).encode()
        )
        answers = await asyncio.wait_for(reader.read(), 10)  # until the gateway closes
        writer.close()
    assert answers.count(b"HTTP/1.1 200 OK\r\n") == 3
    assert answers.count(CLAIM) == 3
    assert answers.count(b"connection: close\r\n") == 1


def _start_gateway(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gateway"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def test_the_deployed_gateway_logs_each_read_from_every_worker(tmp_path: Path) -> None:
    """`python -m gateway` with two worker processes, as deployed: the lane's reads are logged
    as the app's are, one JSON access line each, with the caller's trace and the claim."""
    stand_in = StandIn()
    server = await asyncio.start_server(stand_in.handle, "127.0.0.1", 0)
    upstream = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "METRICS_PORT": "0",
        "WORKERS": "2",
        "LOG_LEVEL": "INFO",
        "JWT_SECRET": SECRET,
        "LIPEI_INTERNAL_TOKEN": INTERNAL,
        **{f"{name.upper()}_URL": upstream for name in ("intake", "tracking", "notify")},
    }
    log = tmp_path / "gateway.log"
    process = _start_gateway(env, log)
    try:
        async with server, httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            bearer = {"Authorization": await _token(client), "traceparent": TRACEPARENT}
            ids = [
                (await client.get("/api/v1/claims/C-1", headers=bearer)).headers["x-request-id"]
                for _ in range(20)
            ]
            lines: list[dict[str, Any]] = []
            for _ in range(50):
                lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
                if sum(line["logger"] == "gateway.access" for line in lines) >= 21:
                    break
                await asyncio.sleep(0.1)
    finally:
        process.terminate()
        process.wait(15)
    reads = {
        line["message"].rsplit("request_id=", 1)[1]: line
        for line in lines
        if line["logger"] == "gateway.access" and "/api/v1/claims/C-1 " in line["message"]
    }
    assert set(ids) <= set(reads)
    line = reads[ids[0]]
    assert line["message"].startswith("GET /api/v1/claims/C-1 200 ")
    assert line["service"] == "gateway" and line["claim_id"] == "C-1"
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"


async def test_a_read_is_sent_again_when_the_service_dropped_the_kept_connection() -> None:
    async with gateway(StandIn(close_after_each=True)) as (client, _, stand_in):
        bearer = {"Authorization": await _token(client)}
        for _ in range(3):
            await asyncio.sleep(0.05)  # the service's close reaches the gateway, or not yet
            answer = await client.get("/api/v1/claims/C-1", headers=bearer)
            assert answer.status_code == 200 and answer.content == CLAIM
        reads = [h for h in stand_in.heads if h.startswith(b"GET")]
        assert len(reads) == 3  # each read reached the service once


async def test_a_caller_gone_before_the_answer_costs_the_next_one_nothing() -> None:
    async with gateway(StandIn(delay=0.2)) as (client, url, stand_in):
        token = await _token(client)
        host, port = url.removeprefix("http://").split(":")
        _, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            f"GET /api/v1/claims/C-1 HTTP/1.1\r\nhost: x\r\nauthorization: {token}\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()  # gone before the service answers
        await asyncio.sleep(0.3)
        answer = await client.get("/api/v1/claims/C-1", headers={"Authorization": token})
        assert answer.status_code == 200 and answer.content == CLAIM
        assert stand_in.connections <= 3  # the login's, and the lane's link kept for reuse


async def test_budgets_kept_in_redis_are_counted_for_the_lane_too() -> None:
    if time.time() % 60 > 50:  # keep the reads inside one one-minute window
        await asyncio.sleep(61 - time.time() % 60)
    user = f"r{uuid.uuid4().hex[:10]}"
    async with gateway(redis_url=REDIS, rate_limit_user_per_minute=3) as (client, _, stand_in):
        bearer = {"Authorization": await _token(client, user)}
        before = stand_in.connections
        statuses = [
            (await client.get("/api/v1/claims/C-1", headers=bearer)).status_code for _ in range(4)
        ]
        through_app = await client.get("/api/v1/claims/C-1", headers={**bearer, "Origin": "x"})
        assert statuses == [200, 200, 200, 429]
        assert stand_in.connections == before + 1  # the three went by the lane's one link
        assert through_app.status_code == 429


async def test_budgets_that_cannot_be_counted_are_a_503_both_ways() -> None:
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    async with gateway(redis_url=unreachable, rate_limit_ip_per_minute=0) as (client, _, _):
        bearer = {"Authorization": await _token(client)}
        express = await client.get("/api/v1/claims/C-1", headers=bearer)
        through_app = await client.get("/api/v1/claims/C-1", headers={**bearer, "Origin": "x"})
    assert express.status_code == 503 and express.headers["retry-after"] == "5"
    assert express.json()["type"].endswith("budgets-unavailable")
    assert _comparable(express) == _comparable(through_app)

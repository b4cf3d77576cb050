"""The gateway at its edges: tokens, identity headers, limits, body sizes, partner signatures.

The gateway runs over real HTTP in front of a small recording upstream that answers every path
and remembers what reached it, so each test can check what the services would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.app import create_app
from gateway.express_protocol import GatewayHttpProtocol
from gateway.partner import signature
from gateway.settings import Settings
from lipei_dev.broker import free_port
from lipei_testing.servers import serving

SECRET = "gateway-test-secret-0123456789abcdef0123"
INTERNAL = "gateway-test-internal-token"
PARTNER_SECRETS = {"insurer-a": "secret-of-a", "insurer-b": "secret-of-b"}


@dataclass
class Recorder:
    seen: list[dict[str, Any]] = field(default_factory=list)
    secret_lookups: int = 0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/internal/v1/insurers/{code}/partner-secret")
        async def partner_secret(code: str, request: Request) -> JSONResponse:
            self.secret_lookups += 1
            if request.headers.get("x-lipei-internal-token") != INTERNAL:
                return JSONResponse({}, status_code=401)
            if code not in PARTNER_SECRETS:
                return JSONResponse({"detail": "no such insurer"}, status_code=404)
            return JSONResponse({"insurer_code": code, "partner_secret": PARTNER_SECRETS[code]})

        @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
        async def anything(path: str, request: Request) -> JSONResponse:
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
            self.seen.append({"path": "/" + path, "headers": dict(request.headers), "size": size})
            return JSONResponse({"ok": True, "size": size})

        return app


@asynccontextmanager
async def gateway(**values: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Recorder]]:
    recorder = Recorder()
    async with serving(recorder.app()) as upstream:
        defaults = {"jwt_secret": SECRET, "internal_token": INTERNAL}
        urls = {
            f"{name}_url": upstream
            for name in ("intake", "ocr", "tracking", "notify", "butler", "assessment")
        }
        settings = Settings(**{**defaults, **urls, **values})
        async with (
            serving(create_app(settings), http=GatewayHttpProtocol) as url,
            httpx.AsyncClient(base_url=url, timeout=20) as client,
        ):
            yield client, recorder


async def _login(client: httpx.AsyncClient, code: str) -> dict[str, str]:
    answer = await client.post("/api/v1/session", json={"code": code})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "dev-mallory",
        "roles": ["ops"],
        "iss": "lipei-gateway",
        "aud": "lipei-miniprogram",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _forged_tokens() -> dict[str, str]:
    none_token = jwt.encode(_claims(), key="", algorithm="none")
    return {
        "alg none": none_token,
        "alg none without signature": none_token.rsplit(".", 1)[0] + ".",
        "wrong key": jwt.encode(_claims(), "another-secret-0123456789abcdef012345", "HS256"),
        "expired": jwt.encode(_claims(exp=int(time.time()) - 10), SECRET, "HS256"),
        "no exp": jwt.encode(_claims(exp=None), SECRET, "HS256"),
        "no iat": jwt.encode(_claims(iat=None), SECRET, "HS256"),
        "wrong audience": jwt.encode(_claims(aud="someone-else"), SECRET, "HS256"),
        "wrong issuer": jwt.encode(_claims(iss="someone-else"), SECRET, "HS256"),
        "HS512": jwt.encode(_claims(), SECRET * 2, "HS512"),
        "unknown kid": jwt.encode(_claims(), SECRET, "HS256", headers={"kid": "k9"}),
        "garbage": "not-a-token",
    }


async def test_forged_tokens_are_refused_and_never_reach_a_service() -> None:
    async with gateway() as (client, recorder):
        for name, token in _forged_tokens().items():
            answer = await client.get(
                "/ops/v1/attention", headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 401, name
            assert answer.headers["content-type"] == "application/problem+json", name
        missing = await client.get("/api/v1/claims")
        assert missing.status_code == 401
        assert recorder.seen == []


async def test_tokens_of_a_previous_key_stay_valid_after_rotation() -> None:
    old_secret = "previous-secret-0123456789abcdef0123456"
    async with gateway(jwt_kid="k1", jwt_secret=old_secret) as (old_client, _):
        old_token = await _login(old_client, "dev:alice")
    async with gateway(jwt_kid="k2", jwt_previous_keys=f"k1:{old_secret}") as (client, _):
        assert (await client.get("/api/v1/claims", headers=old_token)).status_code == 200
    async with gateway(jwt_kid="k2") as (client, _):  # k1 retired
        assert (await client.get("/api/v1/claims", headers=old_token)).status_code == 401


async def test_services_receive_the_verified_identity_never_the_callers_own_headers() -> None:
    async with gateway() as (client, recorder):
        alice = await _login(client, "dev:alice")
        spoofed = {
            **alice,
            "X-Lipei-User-Id": "dev-bob",
            "X-Lipei-Roles": "ops",
            "X-Lipei-Insurer": "insurer-a",
            "X-Lipei-Internal-Token": "guess",
            "X-Request-ID": "req-123",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        }
        answer = await client.get("/api/v1/claims/C-1", headers=spoofed)
        assert answer.status_code == 200
        assert answer.headers["X-Request-ID"] == "req-123"
        headers = recorder.seen[-1]["headers"]
        assert headers["x-lipei-user-id"] == "dev-alice"
        assert "x-lipei-roles" not in headers
        assert "x-lipei-insurer" not in headers
        assert "authorization" not in headers
        assert headers["x-lipei-internal-token"] == INTERNAL
        assert headers["x-request-id"] == "req-123"
        assert headers["traceparent"] == spoofed["traceparent"]

        await client.get("/api/v1/claims", headers=alice)
        minted = recorder.seen[-1]["headers"]
        assert minted["traceparent"].startswith("00-") and len(minted["x-request-id"]) >= 16

        await client.get("/api/v1/claims", headers={**alice, "traceparent": "00-zz-not-a-trace"})
        replaced = recorder.seen[-1]["headers"]["traceparent"]
        assert replaced != "00-zz-not-a-trace" and len(replaced.split("-")) == 4

        forged_log_line = "x\tINFO gateway.access: GET /ops 200 request_id=" + "y" * 200
        answer = await client.get(
            "/api/v1/claims", headers={**alice, "X-Request-ID": forged_log_line}
        )
        minted_id = recorder.seen[-1]["headers"]["x-request-id"]
        assert minted_id != forged_log_line and answer.headers["X-Request-ID"] == minted_id


async def test_ops_routes_need_the_ops_role() -> None:
    async with gateway() as (client, recorder):
        alice = await _login(client, "dev:alice")
        olivia = await _login(client, "dev-ops:olivia")
        refused = await client.get("/ops/v1/attention", headers=alice)
        assert refused.status_code == 403
        allowed = await client.get("/ops/v1/attention", headers=olivia)
        assert allowed.status_code == 200
        assert recorder.seen[-1]["headers"]["x-lipei-roles"] == "ops"


async def test_dev_login_can_be_turned_off() -> None:
    async with gateway(dev_login_enabled=False) as (client, _):
        answer = await client.post("/api/v1/session", json={"code": "dev:alice"})
        assert answer.status_code == 401


async def test_too_many_requests_per_user_get_429_with_retry_after() -> None:
    async with gateway(rate_limit_user_per_minute=3) as (client, _):
        alice = await _login(client, "dev:alice")
        bob = await _login(client, "dev:bob")
        statuses = [
            (await client.get("/api/v1/claims", headers=alice)).status_code for _ in range(4)
        ]
        assert statuses[:3] == [200, 200, 200]
        limited = await client.get("/api/v1/claims", headers=alice)
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert (await client.get("/api/v1/claims", headers=bob)).status_code == 200


async def test_limits_are_shared_through_redis_when_configured() -> None:
    redis_url = "redis://127.0.0.1:6379/0"
    name = f"r{uuid.uuid4().hex[:10]}"
    if time.time() % 60 > 50:  # keep the three requests inside one one-minute window
        await asyncio.sleep(61 - time.time() % 60)
    async with (
        gateway(redis_url=redis_url, rate_limit_user_per_minute=2) as (one, _),
        gateway(redis_url=redis_url, rate_limit_user_per_minute=2) as (two, _),
    ):
        token = await _login(one, f"dev:{name}")
        codes = [
            (await one.get("/api/v1/claims", headers=token)).status_code,
            (await two.get("/api/v1/claims", headers=token)).status_code,
            (await one.get("/api/v1/claims", headers=token)).status_code,
        ]
    assert codes == [200, 200, 429]


async def test_too_many_requests_per_ip_get_429() -> None:
    async with gateway(rate_limit_ip_per_minute=5) as (client, _):
        statuses = [
            (await client.post("/api/v1/session", json={"code": "x"})).status_code for _ in range(7)
        ]
        assert statuses[:5] == [401] * 5
        assert statuses[-1] == 429
        assert (await client.get("/healthz")).status_code == 200


async def test_bodies_over_the_limit_get_413_even_without_content_length() -> None:
    async with gateway(max_body_bytes=10_000) as (client, recorder):
        alice = await _login(client, "dev:alice")
        url = "/api/v1/claims/C-1/documents"
        small = await client.post(url, content=b"x" * 9_000, headers=alice)
        assert small.status_code == 200 and small.json()["size"] == 9_000

        declared = await client.post(url, content=b"x" * 20_000, headers=alice)
        assert declared.status_code == 413
        assert declared.headers["content-type"] == "application/problem+json"

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"y" * 1_000

        streamed = await client.post(url, content=chunks(), headers=alice)
        assert streamed.status_code == 413
        assert all(seen["size"] <= 10_000 for seen in recorder.seen)


async def test_a_service_that_is_down_is_a_503_with_retry_after() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(jwt_secret=SECRET, intake_url=dead, tracking_url=dead, notify_url=dead)
    async with (
        serving(create_app(settings), http=GatewayHttpProtocol) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        alice = await _login(client, "dev:alice")
        answer = await client.get("/api/v1/claims", headers=alice)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"]
        assert answer.json()["type"].endswith("upstream-unavailable")
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["intake"] != "ok"


@asynccontextmanager
async def closing_upstream() -> AsyncIterator[tuple[str, list[str]]]:
    """A service that answers the first request on a connection and then, like a server whose
    keep-alive timer fired just as the next request arrived, closes it without answering."""
    seen: list[str] = []
    ok = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        answered = 0
        with contextlib.suppress(asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.lower().split(b"\r\n")
                if b"transfer-encoding: chunked" in lines:
                    await reader.readuntil(b"0\r\n\r\n")  # the small bodies sent here
                else:
                    sizes = [int(h[15:]) for h in lines if h.startswith(b"content-length:")]
                    await reader.readexactly(sum(sizes))
                seen.append(" ".join(head.decode().split(" ", 2)[:2]))
                if answered:
                    break
                writer.write(ok + b'{"ok":true}')
                await writer.drain()
                answered += 1
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", seen


async def test_a_read_is_retried_once_when_a_service_drops_a_pooled_connection() -> None:
    async with closing_upstream() as (upstream, seen):
        urls = {f"{name}_url": upstream for name in ("intake", "ocr", "tracking", "notify")}
        settings = Settings(jwt_secret=SECRET, internal_token=INTERNAL, **urls)
        async with (
            serving(create_app(settings), http=GatewayHttpProtocol) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            alice = await _login(client, "dev:alice")
            for _ in range(3):
                answer = await client.get("/api/v1/claims", headers=alice)
                assert answer.status_code == 200, answer.text
                assert answer.json() == {"ok": True}
            # Writes have a pool of their own: the first is answered, the second meets its
            # dropped connection and is never sent twice: the user sees the 503 and decides.
            first = await client.post("/api/v1/claims", json={}, headers=alice)
            assert first.status_code == 200, first.text
            posted = await client.post("/api/v1/claims", json={}, headers=alice)
            assert posted.status_code == 503
            assert posted.headers["Retry-After"]
    assert [s for s in seen if s.startswith("POST")] == ["POST /api/v1/claims"] * 2


async def test_readyz_checks_every_service() -> None:
    async with gateway() as (client, recorder):
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert set(ready.json()["checks"]) == {
            "intake",
            "ocr",
            "tracking",
            "notify",
            "butler",
            "assessment",
        }
        assert {seen["path"] for seen in recorder.seen} == {"/healthz"}


async def test_cors_allows_only_configured_origins() -> None:
    origin = "https://servicewechat.example"
    async with gateway(cors_allowed_origins=origin) as (client, _):
        preflight = {"Access-Control-Request-Method": "GET"}
        allowed = await client.options("/api/v1/claims", headers={"Origin": origin, **preflight})
        assert allowed.headers["access-control-allow-origin"] == origin
        other = await client.options(
            "/api/v1/claims", headers={"Origin": "https://evil.example", **preflight}
        )
        assert "access-control-allow-origin" not in other.headers


def _signed(
    method: str,
    path: str,
    body: bytes,
    *,
    insurer: str = "insurer-a",
    secret: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    key = secret or PARTNER_SECRETS[insurer]
    return {
        "X-Lipei-Insurer": insurer,
        "X-Lipei-Timestamp": stamp,
        "X-Lipei-Signature": signature(key, method, path, stamp, body),
    }


async def test_partner_requests_must_be_signed_fresh_and_unique() -> None:
    path = "/partner/v1/decisions"
    body = json.dumps({"type": "claim.decision.approved", "claim_id": "C-1"}).encode()
    async with gateway() as (client, recorder):
        good = _signed("POST", path, body)
        accepted = await client.post(path, content=body, headers=good)
        assert accepted.status_code == 200
        reached = recorder.seen[-1]
        assert reached["headers"]["x-lipei-insurer"] == "insurer-a"
        assert reached["size"] == len(body)

        refused = {
            "replayed": (body, good),
            "bad signature": (body, {**good, "X-Lipei-Signature": "0" * 64}),
            "other body": (body + b" ", _signed("POST", path, body)),
            "stale": (body, _signed("POST", path, body, timestamp=int(time.time()) - 301)),
            "future": (body, _signed("POST", path, body, timestamp=int(time.time()) + 301)),
            "wrong secret": (body, _signed("POST", path, body, secret="secret-of-b")),
            "unknown insurer": (body, _signed("POST", path, body, insurer="x", secret="s")),
            "unsigned": (body, {}),
        }
        for name, (content, headers) in refused.items():
            answer = await client.post(path, content=content, headers=headers)
            assert answer.status_code == 401, name
            assert answer.headers["content-type"] == "application/problem+json", name
        assert len(recorder.seen) == 1


async def test_the_signed_path_excludes_the_query_and_secrets_are_cached() -> None:
    path = "/partner/v1/claims/C-1/package"
    async with gateway() as (client, recorder):
        now = int(time.time())
        for age in range(3):
            headers = _signed("GET", path, b"", timestamp=now - age)
            answer = await client.get(path + "?lang=zh", headers=headers)
            assert answer.status_code == 200
        assert recorder.secret_lookups == 1
        assert recorder.seen[-1]["headers"]["x-lipei-insurer"] == "insurer-a"


async def test_a_bearer_token_does_not_open_the_partner_api() -> None:
    async with gateway() as (client, recorder):
        olivia = await _login(client, "dev-ops:olivia")
        answer = await client.post("/partner/v1/decisions", json={}, headers=olivia)
        assert answer.status_code == 401
        assert [seen for seen in recorder.seen if seen["path"].startswith("/partner")] == []


async def test_a_signature_replayed_on_another_gateway_is_refused_through_redis() -> None:
    path = "/partner/v1/decisions"
    body = json.dumps({"type": "claim.decision.approved", "claim_id": uuid.uuid4().hex}).encode()
    redis_url = "redis://127.0.0.1:6379/0"
    async with gateway(redis_url=redis_url) as (one, _), gateway(redis_url=redis_url) as (two, _):
        headers = _signed("POST", path, body)
        assert (await one.post(path, content=body, headers=headers)).status_code == 200
        assert (await two.post(path, content=body, headers=headers)).status_code == 401


async def _raw_get(base_url: str, target: str, headers: dict[str, str]) -> int:
    """Send the request line exactly as given (clients would normalise the dot segments)."""
    url = httpx.URL(base_url)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    lines = [f"GET {target} HTTP/1.1", f"Host: {url.host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


async def test_dot_segments_never_reach_a_service() -> None:
    async with gateway() as (client, recorder):
        alice = await _login(client, "dev:alice")
        for target in ("/api/v1/claims/..", "/partner/v1/claims/x/documents/.."):
            assert await _raw_get(str(client.base_url), target, alice) == 404, target
        assert [s for s in recorder.seen if not s["path"].startswith("/internal")] == []


@asynccontextmanager
async def counting_upstream(
    body: bytes, etag: bytes
) -> AsyncIterator[tuple[str, list[int], list[bytes]]]:
    """A service answering every request with `body` and `etag` (304 when asked with it),
    keeping each GET's head and the connection it came on."""
    connections: list[int] = []
    heads: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if head.startswith(b"GET "):
                    heads.append(head)
                    connections.append(id(writer))
                if b"if-none-match: " + etag in head.lower():
                    writer.write(b"HTTP/1.1 304 Not Modified\r\netag: " + etag + b"\r\n\r\n")
                else:
                    writer.write(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: "
                        + etag
                        + b"\r\ncontent-length: "
                        + str(len(body)).encode()
                        + b"\r\n\r\n"
                        + body
                    )
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", connections, heads


async def test_reads_share_one_kept_alive_connection_and_pass_304_through() -> None:
    body = json.dumps({"claim_id": "C-1", "detail": "x" * 100_000}).encode()  # read in parts
    async with counting_upstream(body, b'"v1"') as (upstream, connections, heads):
        urls = {f"{name}_url": upstream for name in ("intake", "ocr", "tracking", "notify")}
        settings = Settings(jwt_secret=SECRET, internal_token=INTERNAL, **urls)
        async with (
            serving(create_app(settings), http=GatewayHttpProtocol) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            alice = await _login(client, "dev:alice")
            for _ in range(3):
                answer = await client.get("/api/v1/claims/C-1?x=%2F", headers=alice)
                assert answer.status_code == 200 and answer.content == body
                assert answer.headers["etag"] == '"v1"'
            polled = await client.get(
                "/api/v1/claims/C-1", headers={**alice, "If-None-Match": '"v1"'}
            )
            assert polled.status_code == 304 and polled.content == b""
            assert polled.headers["etag"] == '"v1"' and polled.headers["x-request-id"]
    assert len(connections) == 4 and len(set(connections)) == 1
    first = heads[0].decode("latin-1").lower()
    assert first.startswith("get /api/v1/claims/c-1?x=%2f http/1.1\r\n")
    assert "x-lipei-user-id: dev-alice\r\n" in first
    assert f"x-lipei-internal-token: {INTERNAL}\r\n" in first
    assert "authorization" not in first and "traceparent: 00-" in first

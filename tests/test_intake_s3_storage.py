"""S3-compatible document storage against a small local stand-in speaking the S3 REST API
(path-style PutObject, GetObject, DeleteObject), the way MinIO is addressed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from lipei.storage import StorageError, open_storage

NO_SUCH_KEY = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
)


class _S3StandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    objects: ClassVar[dict[str, tuple[bytes, str]]] = {}
    seen_auth: ClassVar[list[str]] = []

    def log_message(self, *_: object) -> None:
        pass

    def _reply(self, status: int, body: bytes = b"", ctype: str = "application/xml") -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", '"stand-in"')
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        self.seen_auth.append(self.headers.get("Authorization", ""))
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.objects[self.path] = (body, self.headers.get("Content-Type", ""))
        self._reply(200)

    def do_GET(self) -> None:
        found = self.objects.get(self.path)
        if found is None:
            self._reply(404, NO_SUCH_KEY)
        else:
            self._reply(200, found[0], found[1])

    def do_DELETE(self) -> None:
        self.objects.pop(self.path, None)
        self._reply(204)


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _S3StandIn)
    _S3StandIn.objects = {}
    _S3StandIn.seen_auth = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("S3_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "lipei-dev")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "lipei-dev-secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


async def test_documents_round_trip_through_s3_compatible_storage(s3_endpoint: str) -> None:
    storage = open_storage("s3://claim-docs/intake")
    await storage.put("claims/c1/d1.png", b"\x89PNG fake bytes", "image/png")

    assert set(_S3StandIn.objects) == {"/claim-docs/intake/claims/c1/d1.png"}
    assert _S3StandIn.objects["/claim-docs/intake/claims/c1/d1.png"][1] == "image/png"
    assert "Credential=lipei-dev/" in _S3StandIn.seen_auth[0]
    assert await storage.get("claims/c1/d1.png") == b"\x89PNG fake bytes"
    await storage.delete("claims/c1/d1.png")
    with pytest.raises(StorageError):
        await storage.get("claims/c1/d1.png")


async def test_s3_storage_refuses_keys_that_climb_out(s3_endpoint: str) -> None:
    storage = open_storage("s3://claim-docs")
    for key in ("../etc/passwd", "claims/../../x", "/abs"):
        with pytest.raises(StorageError):
            await storage.put(key, b"x", "image/png")
    assert _S3StandIn.objects == {}

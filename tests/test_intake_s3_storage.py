"""S3-compatible document storage against a small local stand-in speaking the S3 REST API
(path-style PutObject, GetObject, DeleteObject), the way MinIO is addressed; and intake
configured with it, storing an upload there under its own name."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image

from lipei.storage import StorageError, open_storage
from lipei_testing.platform import running_platform

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


POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient"],
    "region_code": "310104",
    "valid_from": "2000-01-01",
    "valid_to": "2099-12-31",
    "sum_insured": "20000.00",
}


async def test_intake_keeps_uploads_in_s3_when_configured(
    s3_endpoint: str, bootstrap_servers: str, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 200)).save(buffer, format="PNG")
    photo = buffer.getvalue()
    async with running_platform(
        bootstrap_servers=bootstrap_servers,
        tmp_dir=tmp_path,
        services=("intake",),
        overrides={"intake": {"storage_url": "s3://claim-docs/intake"}},
    ) as platform:
        ops = await platform.login("dev-ops:olivia")
        put = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
        assert put.status_code == 200, put.text
        alice = await platform.login("dev:alice")
        draft = {"policy_id": "P-1", "claim_type": "outpatient", "incident_date": "2025-06-01"}
        created = await platform.client.post("/api/v1/claims", json=draft, headers=alice)
        assert created.status_code == 201, created.text
        claim_id = created.json()["claim_id"]
        uploaded = await platform.client.post(
            f"/api/v1/claims/{claim_id}/documents",
            headers=alice,
            data={"doc_type": "medical_invoice"},
            files={"file": ("invoice.jpg", photo, "image/jpeg")},
        )
        assert uploaded.status_code == 202, uploaded.text
        document_id = uploaded.json()["document_id"]
        listed = await platform.client.get(f"/api/v1/claims/{claim_id}/documents", headers=alice)
        assert listed.json()["items"][0]["sha256"] == hashlib.sha256(photo).hexdigest()
    key = f"/claim-docs/intake/claims/{claim_id}/{document_id}.png"
    assert set(_S3StandIn.objects) == {key}
    data, content_type = _S3StandIn.objects[key]
    assert content_type == "image/png"
    assert data == photo
    local = await asyncio.to_thread(lambda: list(tmp_path.rglob("*.png")))
    assert local == [], "nothing lands on the local disk"

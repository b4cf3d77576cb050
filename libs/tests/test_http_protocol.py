"""An answer leaves in one write; long streams still leave as they are made, whole and in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse

from lipei.http_protocol import FLUSH_BYTES, CoalescingTransport
from lipei_testing.servers import serving


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return f"extra:{name}"


async def test_writes_in_one_turn_of_the_loop_go_out_together() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"{}")
    assert raw.writes == []
    await asyncio.sleep(0)
    assert raw.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    assert transport.get_extra_info("peername") == "extra:peername"


async def test_a_large_write_and_a_close_do_not_wait() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"h")
    transport.write(b"x" * FLUSH_BYTES)
    assert raw.writes == [b"h" + b"x" * FLUSH_BYTES]
    transport.write(b"last")
    transport.close()
    assert raw.writes[-1] == b"last" and raw.closed
    await asyncio.sleep(0)
    assert len(raw.writes) == 2  # nothing left to send twice


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/small")
    async def small() -> JSONResponse:
        return JSONResponse({"status": "draft"})

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for i in range(40):
                yield bytes([65 + i % 26]) * 50_000
                if i % 5 == 0:
                    await asyncio.sleep(0)

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    return app


async def test_uvicorn_with_the_protocol_answers_whole() -> None:
    async with (
        serving(_app()) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        for _ in range(3):  # one kept-alive connection, answer after answer
            small = await client.get("/small")
            assert small.json() == {"status": "draft"}
        streamed = await client.get("/stream")
    expected = b"".join(bytes([65 + i % 26]) * 50_000 for i in range(40))
    assert streamed.content == expected

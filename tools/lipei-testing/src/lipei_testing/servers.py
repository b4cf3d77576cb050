"""Serve an ASGI app on a free loopback port inside the running event loop (real HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from lipei.http_protocol import CoalescingHttpToolsProtocol
from lipei_dev.broker import free_port


@asynccontextmanager
async def serving(
    app: Any, *, port: int | None = None, http: type[asyncio.Protocol] | None = None
) -> AsyncIterator[str]:
    """Yields the base URL; the app's lifespan runs as in production, and so does its HTTP
    protocol when given (the gateway's)."""
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="on",
        access_log=False,
        # As the services run: longer than the gateway keeps its pooled connections.
        timeout_keep_alive=75,
        timeout_graceful_shutdown=10,  # a request still in flight cannot hold up a test's end
        http=http or CoalescingHttpToolsProtocol,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises the start-up error
            raise RuntimeError("server stopped during start-up")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task

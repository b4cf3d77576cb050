"""A platform of real processes for one scenario: its own databases (SQLite files, or PostgreSQL
databases named `lipei_chaos_*` on 127.0.0.1:5432), its own ports, removed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from lipei_dev.ports import Ports
from lipei_testing.processes import ProcessPlatform, running_processes

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres"}

# Fast enough to see faults heal within a scenario; far above what one request needs.
GATEWAY_ENV = {"RATE_LIMIT_USER_PER_MINUTE": "100000", "RATE_LIMIT_IP_PER_MINUTE": "1000000"}


async def create_databases(services: list[str], backend: str, var: Path) -> dict[str, str]:
    if backend == "sqlite":
        return {s: f"sqlite+aiosqlite:///{var / s.split('_')[0]}.db" for s in services}
    urls = {}
    conn = await asyncpg.connect(**POSTGRES)
    try:
        for service in services:
            name = f"lipei_chaos_{service.split('_')[0]}_{uuid.uuid4().hex[:8]}"
            await conn.execute(f'CREATE DATABASE "{name}"')
            urls[service] = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        await conn.close()
    return urls


async def drop_databases(urls: dict[str, str]) -> None:
    names = {url.rsplit("/", 1)[1] for url in urls.values() if url.startswith("postgresql")}
    if not names:
        return
    conn = await asyncpg.connect(**POSTGRES)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def platform(
    *,
    ports: Ports,
    var: Path,
    services: list[str],
    backend: str = "sqlite",
    service_env: dict[str, dict[str, str]] | None = None,
    standins: bool = False,
    replicas: dict[str, str] | None = None,
    proxies: dict[str, int] | None = None,
) -> AsyncIterator[ProcessPlatform]:
    """`services` in processes of their own, the gateway and the broker, on `backend`;
    `replicas`: a second replica's name and the service it runs (on that one's database, on
    the port base+7, then base+8); `proxies`: a service that reaches its PostgreSQL database
    through a proxy on the given port (the checks reach it directly)."""
    import asyncio

    urls = await create_databases(services, backend, var)
    extra = dict(service_env or {})
    for offset, (name, package) in enumerate((replicas or {}).items(), start=7):
        urls[name] = urls[package]
        extra[name] = {
            **extra.get(package, {}),
            "PACKAGE": package,
            "PORT": str(ports.base + offset),
        }
    for name, port in (proxies or {}).items():
        via = urls[name].replace("@127.0.0.1:5432/", f"@127.0.0.1:{port}/")
        extra[name] = {**extra.get(name, {}), "DATABASE_URL": via}
    extra["gateway"] = {**GATEWAY_ENV, **extra.get("gateway", {})}
    try:
        manager = running_processes(
            ports=ports, var=var, database_urls=urls, service_env=extra, standins=standins
        )
        started = await asyncio.to_thread(manager.__enter__)
        try:
            yield started
        finally:
            await asyncio.to_thread(manager.__exit__, None, None, None)
    finally:
        await drop_databases(urls)

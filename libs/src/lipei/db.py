"""Async SQLAlchemy engines and Alembic migrations, the same way in every service."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def make_engine(url: str, *, timeout: float | None = None, **kwargs: Any) -> AsyncEngine:
    """`timeout` (PostgreSQL): seconds a connection, a statement or a pooled connection is
    waited for; past it a TimeoutError ends the request (503), so a database that stops
    answering never holds a request past the gateway's own timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets readers work while the relay or a consumer writes.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    if timeout is not None and parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_timeout", timeout)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("timeout", timeout)
        connect_args.setdefault("command_timeout", timeout)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(
    engine: AsyncEngine, *, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """`info` is copied into every session's `Session.info` (a service puts its telemetry there)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def alembic_config(script_location: Path, url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def migrate(engine: AsyncEngine, script_location: Path) -> None:
    """Bring the database to the newest revision (Alembic `upgrade head`)."""
    from alembic import command

    def _upgrade(connection: Any) -> None:
        cfg = alembic_config(script_location, str(engine.url))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")

    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


def migrate_sync(url: str, script_location: Path) -> None:
    async def _run() -> None:
        engine = make_engine(url)
        try:
            await migrate(engine, script_location)
        finally:
            await engine.dispose()

    asyncio.run(_run())

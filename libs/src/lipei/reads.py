"""Hot reads (a claim, its progress) on the connections that cost least.

On PostgreSQL a read uses the service's async engine like any other statement. On a SQLite
file it runs on the event loop's own thread through SQLAlchemy's plain (sync) sqlite driver:
aiosqlite hops to a thread of its own for every call, and SQLAlchemy's async layer switches
greenlets for each, which together cost several times the read itself (a few microseconds in
SQLite). Only reads: in WAL mode a reader never waits for a writer, so an inline read never holds
up the loop, while a write may wait on a lock for seconds and stays on aiosqlite.
`PRAGMA query_only` makes an accidental write through these connections fail loudly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Executable, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lipei.db import make_engine

# A reader meets a lock only in WAL's rare moments (a checkpoint restarting the log); it waits
# this long, in milliseconds, blocking its loop, before it gives up with "database is locked".
READ_BUSY_TIMEOUT_MS = 1000
# Connections kept for reads, per process: opening one per read would cost a handshake on
# PostgreSQL and parsing the schema again on SQLite.
READ_POOL_SIZE = 10


class ReadSession(Protocol):
    """What a hot read needs of a session: `AsyncSession` and `AsyncConnection` are ones."""

    async def execute(self, statement: Executable, params: Any = None, /) -> Result[Any]: ...


class InlineReads:
    """A sync connection's `execute`, as a coroutine that never waits."""

    __slots__ = ("_connection",)

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        return self._connection.execute(statement, params)


def inline_read_engine(url: str) -> Engine | None:
    """For a SQLite file, a read-only sync engine; None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    engine = create_engine(
        f"sqlite+pysqlite:///{Path(parsed.database).resolve()}",
        pool_size=READ_POOL_SIZE,
        max_overflow=READ_POOL_SIZE,
        # the pool may close a connection from another thread at shutdown
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={READ_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA query_only=ON")
        cur.close()

    return engine


class Readers:
    """`async with readers() as session`: a `ReadSession` for one read.

    On PostgreSQL, connections of a pool of their own, in autocommit, that skips the ping before
    each checkout (a round trip, about a third of a read's cost): a read that meets a connection
    the server closed fails once with a 503 to retry, and the pool replaces its connections. A
    plain connection, not an ORM session, which would cost more and add nothing to a read."""

    def __init__(self, url: str, main: AsyncEngine, *, timeout: float | None = None) -> None:
        self.inline = inline_read_engine(url)
        self._own = (
            make_engine(
                url,
                timeout=timeout,
                pool_pre_ping=False,
                # One statement a read: no BEGIN and ROLLBACK around it (two round trips).
                isolation_level="AUTOCOMMIT",
                # Kept open, never opened per read (a connection costs a handshake): a read
                # waits for one of these rather than opening an eleventh.
                pool_size=READ_POOL_SIZE,
                max_overflow=0,
            )
            if make_url(url).get_backend_name() == "postgresql"
            else None
        )
        self.engines: list[AsyncEngine | Engine] = [e for e in (self.inline, self._own) if e]
        self._engine = self._own or main

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[ReadSession]:
        if self.inline is None:
            async with self._engine.connect() as connection:
                yield connection
        else:
            with self.inline.connect() as connection:
                yield InlineReads(connection)

    async def dispose(self) -> None:
        if self.inline is not None:
            self.inline.dispose()
        if self._own is not None:
            await self._own.dispose()

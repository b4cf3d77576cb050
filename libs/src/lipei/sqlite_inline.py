"""SQLite read connections that run on the event loop's own thread.

aiosqlite gives each connection a thread and hops to it for every call: a read of one row by its
key makes five or six hops, which cost far more CPU than the read (a few microseconds in SQLite).
For reads, SQLAlchemy's aiosqlite dialect is given connections shaped like aiosqlite's whose
calls run inline instead. Only reads: in WAL mode a reader never waits for a writer, so an
inline read never holds up the loop, while a write may wait on a lock for seconds and stays on
aiosqlite. `PRAGMA query_only` makes an accidental write through these connections fail loudly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

# A reader meets a lock only in WAL's rare moments (a checkpoint restarting the log); it waits
# this long, in milliseconds, blocking its loop, before it gives up with "database is locked".
READ_BUSY_TIMEOUT_MS = 1000


class InlineCursor:
    """aiosqlite's cursor surface, run inline."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def __aenter__(self) -> InlineCursor:
        return self


class InlineConnection:
    """aiosqlite's connection surface, as SQLAlchemy's aiosqlite dialect uses it, run inline."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn  # aiosqlite's "still open" flag

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(
        self, name: str, num_params: int, func: Callable[..., Any], **kw: Any
    ) -> None:
        self._conn.create_function(name, num_params, func, **kw)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def read_connector(database: str) -> Callable[[], Any]:
    """`async_creator` for `create_async_engine`: a read-only inline connection to `database`."""

    async def connect() -> InlineConnection:
        # check_same_thread off: the pool may hand a connection to another thread's loop at
        # shutdown; each call still runs where it is made, one at a time per connection.
        conn = sqlite3.connect(database, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={READ_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only=ON")
        return InlineConnection(conn)

    return connect

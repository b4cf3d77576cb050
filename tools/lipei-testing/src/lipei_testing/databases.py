"""A fresh database per test: SQLite in a temp folder, or a new PostgreSQL database when
LIPEI_TEST_POSTGRES_URL names a server (CI sets it)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

POSTGRES_ENV = "LIPEI_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


async def create_database(name: str, tmp_dir: Path) -> str:
    """Returns an async SQLAlchemy URL of a new, empty database."""
    admin = postgres_admin_url()
    if admin is None:
        return f"sqlite+aiosqlite:///{tmp_dir / f'{name}.db'}"
    import asyncpg

    url = make_url(admin)
    db_name = f"lipei_t_{name.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(f'CREATE DATABASE "{db_name}"')
    finally:
        await conn.close()
    return url.set(drivername="postgresql+asyncpg", database=db_name).render_as_string(
        hide_password=False
    )


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    import asyncpg

    admin = make_url(postgres_admin_url() or url)
    conn = await asyncpg.connect(
        host=admin.host or "127.0.0.1",
        port=admin.port or 5432,
        user=admin.username or "postgres",
        password=admin.password,
        database=admin.database or "postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await conn.close()

"""The body of every service's Alembic `env.py`: online migrations on the connection given.

Services migrate with `python -m <service> migrate` (or at start-up), which hands Alembic an
async engine's connection; there is no separate sync driver to configure.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData


def run_env(target_metadata: MetaData | list[MetaData]) -> None:
    from alembic import context

    connection: Any = context.config.attributes.get("connection")
    if connection is None:
        raise SystemExit(
            "migrate with `python -m <service> migrate`, which supplies the connection"
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()

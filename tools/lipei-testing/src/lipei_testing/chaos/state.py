"""What the services' databases hold after a fault: which claims tracking knows, and whether any
event was applied twice."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lipei.db import make_engine


class Databases:
    """One engine per service database, kept open while a scenario polls."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.engines: dict[str, AsyncEngine] = {
            name: make_engine(url) for name, url in urls.items()
        }

    async def close(self) -> None:
        for engine in self.engines.values():
            await engine.dispose()

    async def tracked(self) -> set[str]:
        """Claims on tracking's timeline."""
        async with self.engines["tracking_service"].connect() as conn:
            rows = await conn.execute(text("SELECT claim_id FROM tracked_claims"))
            return set(rows.scalars())

    async def applied_twice(self) -> int:
        """Timeline entries written twice for one cause (an event applied twice)."""
        async with self.engines["tracking_service"].connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT claim_id, cause_id FROM timeline "
                    "WHERE cause_id IS NOT NULL GROUP BY claim_id, cause_id "
                    "HAVING count(*) > 1) AS twice"
                )
            )
            return int(rows.scalar_one())

    async def drafted_claims(self, prefix: str) -> int:
        """Claims intake stored for idempotency keys starting with `prefix`."""
        async with self.engines["intake_service"].connect() as conn:
            rows = await conn.execute(
                text("SELECT count(*) FROM claims WHERE idempotency_key LIKE :p"),
                {"p": f"{prefix}%"},
            )
            return int(rows.scalar_one())

    async def count(self, service: str, table: str) -> int:
        from sqlalchemy import table as table_

        async with self.engines[service].connect() as conn:
            rows = await conn.execute(select(func.count()).select_from(table_(table)))
            return int(rows.scalar_one())

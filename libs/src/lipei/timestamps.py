"""Every stored time is UTC, and every time read back is aware: one column type, two helpers.

SQLite keeps no offset and hands back naive datetimes; PostgreSQL keeps the instant. The column
type stores UTC on both and returns aware UTC, so no caller has to guess.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utc(value: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already (as SQLite returns stored times)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its offset, or None."""
    return utc(value).isoformat() if value is not None else None


class UtcDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that writes UTC and reads aware UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        return utc(value) if isinstance(value, datetime) else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return utc(value) if isinstance(value, datetime) else value

"""Every stored time is UTC, and every time read back is aware: one column type.

SQLite keeps no offset and hands back naive datetimes; PostgreSQL keeps the instant. The column
type stores UTC on both and returns aware UTC, so no caller has to guess. `utc` and `iso` live
in `lipei.clock` (free of SQLAlchemy, for domain code) and are re-exported here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from lipei.clock import iso, utc

__all__ = ["UtcDateTime", "iso", "utc"]


class UtcDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that writes UTC and reads aware UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        return utc(value) if isinstance(value, datetime) else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return utc(value) if isinstance(value, datetime) else value

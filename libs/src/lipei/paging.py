"""Opaque list cursors (`?cursor=`, `?limit=`), one scheme for every list in every service.

A cursor wraps one integer: an offset, or the key of the last row seen for lists read by key.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from lipei.web import Problem

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class BadCursor(ValueError):
    pass


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"o:{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor("this cursor is not one we issued") from exc
    kind, _, number = text.partition(":")
    if kind != "o" or not number.isascii() or not number.isdigit():
        raise BadCursor("this cursor is not one we issued")
    return int(number)


def next_cursor(offset: int, limit: int, fetched: int) -> str | None:
    """`fetched` counts rows read with limit + 1: one more than the page means another page."""
    return encode_cursor(offset + limit) if fetched > limit else None


@dataclass(frozen=True)
class Page:
    """Where a page starts (offset, or the last key seen; 0 for the first page) and its size."""

    start: int
    limit: int

    @property
    def first(self) -> bool:
        return self.start == 0

    def next_cursor(self, fetched: int) -> str | None:
        """For offset lists read with `limit + 1` rows."""
        return next_cursor(self.start, self.limit, fetched)


async def page_params(
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Page:
    try:
        return Page(decode_cursor(cursor), limit)
    except BadCursor as exc:
        raise Problem(
            422,
            str(exc),
            type="validation-error",
            errors=[{"field": "cursor", "message": str(exc)}],
        ) from exc


PageDep = Annotated[Page, Depends(page_params)]

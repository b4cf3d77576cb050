"""Opaque list cursors (`?cursor=`, `?limit=`) shared by every list endpoint."""

from __future__ import annotations

import base64
import binascii

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class BadCursor(ValueError):
    pass


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor("this cursor is not one we issued") from exc
    kind, _, number = text.partition(":")
    if kind != "o" or not number.isdigit():
        raise BadCursor("this cursor is not one we issued")
    return int(number)


def next_cursor(offset: int, limit: int, fetched: int) -> str | None:
    """`fetched` counts rows read with limit + 1: one more than the page means another page."""
    return encode_cursor(offset + limit) if fetched > limit else None

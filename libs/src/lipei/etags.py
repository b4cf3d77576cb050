"""Conditional reads: a JSON answer carries an `ETag` (a digest of its bytes) and a request that
names it in `If-None-Match` gets 304 and no body. The mini-program polls a claim and its progress;
while nothing changed each poll moves a few header bytes instead of the document.

The tag is a digest of what would be sent, so it changes exactly when the answer does, including
parts computed at read time (a deadline that passed). `Cache-Control: private, no-cache` lets the
caller keep the answer but makes it ask again each time; no shared cache may keep it.
"""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

JSON = "application/json"
CACHE_CONTROL = "private, no-cache"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, a list of tags, or `*`."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def conditional_json(request: Request, model: BaseModel) -> Response:
    """`model` as JSON with its ETag, or 304 when the caller already holds that version."""
    body = model.__pydantic_serializer__.to_json(model, by_alias=True)
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)

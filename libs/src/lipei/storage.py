"""Object storage for claim documents: intake writes, ocr reads. Events carry the key and
sha256, never the bytes. A local folder by default; S3-compatible storage where configured."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,511}$")


class StorageError(Exception):
    pass


class ObjectStorage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Keys are server-generated; refuse anything that could climb out of the store."""
    if not _KEY.match(key) or ".." in key.split("/"):
        raise StorageError(f"invalid storage key {key!r}")
    return key


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise StorageError(f"invalid storage key {key!r}")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def _write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)

        await asyncio.to_thread(_write)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise StorageError(f"no object {key!r}") from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


def open_storage(url: str) -> ObjectStorage:
    """`file:///path` or a plain path → LocalStorage; `s3://bucket/prefix` → S3 (see s3.py)."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return LocalStorage(Path(parsed.path if parsed.scheme else url))
    if parsed.scheme == "s3":
        from lipei.s3 import S3Storage

        return S3Storage.from_url(url)
    raise StorageError(f"unsupported storage URL {url!r}")

"""Object storage for claim documents: intake writes, ocr reads. Events carry the key and
sha256, never the bytes. A local folder by default; S3-compatible storage where configured."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from lipei.storage.base import ObjectStorage, StorageError, check_key
from lipei.storage.local import LocalStorage
from lipei.storage.s3 import S3Storage

__all__ = [
    "LocalStorage",
    "ObjectStorage",
    "S3Storage",
    "StorageError",
    "check_key",
    "open_storage",
]


def open_storage(url: str) -> ObjectStorage:
    """`file:///path` or a plain path → LocalStorage; `s3://bucket/prefix` → S3Storage."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return LocalStorage(Path(parsed.path if parsed.scheme else url))
    if parsed.scheme == "s3":
        return S3Storage.from_url(url)
    raise StorageError(f"unsupported storage URL {url!r}")

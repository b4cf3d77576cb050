"""S3-compatible object storage (`s3://bucket/prefix`) over boto3, run in a worker thread.

The endpoint and credentials come from the environment: S3_ENDPOINT_URL (for MinIO and other
S3-compatible stores; unset for AWS itself), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
optionally AWS_REGION.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any
from urllib.parse import urlparse

from lipei.storage.base import StorageError, check_key


class S3Storage:
    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None) -> None:
        if not bucket:
            raise StorageError("an S3 storage URL needs a bucket: s3://bucket/prefix")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._client = client

    @classmethod
    def from_url(cls, url: str) -> S3Storage:
        parsed = urlparse(url)
        return cls(parsed.netloc, parsed.path)

    def _s3(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            endpoint = os.environ.get("S3_ENDPOINT_URL") or None
            config = Config(
                # S3-compatible stores (MinIO) address buckets by path, not by host name.
                s3={"addressing_style": "path" if endpoint else "auto"},
                # Checksums only where S3 demands them; not every S3-compatible store knows more.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                retries={"max_attempts": 3, "mode": "standard"},
            )
            self._client = boto3.client(
                "s3",
                endpoint_url=endpoint,
                config=config,
                aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or None,
                aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
                region_name=os.environ.get("AWS_REGION") or None,
            )
        return self._client

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self._s3().put_object,
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        full_key = self._key(key)

        def _read() -> bytes:
            client = self._s3()
            try:
                response = client.get_object(Bucket=self.bucket, Key=full_key)
            except client.exceptions.ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    raise StorageError(f"no object {key!r}") from exc
                raise
            body: bytes = response["Body"].read()
            return body

        return await asyncio.to_thread(_read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._s3().delete_object, Bucket=self.bucket, Key=self._key(key))

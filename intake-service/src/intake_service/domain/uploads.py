"""Checks on an uploaded file, judged by its bytes (never its name or declared type)."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


class UploadRefused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    width: int | None = None
    height: int | None = None


# An absolute path, a Windows drive or share, a step up, or a control character: a name that
# tries to point somewhere. Such an upload is refused outright, even though the server never
# uses client names for storage, so that a probe is answered as what it is.
_UNSAFE_NAME = re.compile(r"^[/\\]|^[A-Za-z]:|(^|[/\\])\.\.($|[/\\])|[\x00-\x1f\x7f]")


def check_file_name(name: str) -> None:
    if _UNSAFE_NAME.search(name):
        raise UploadRefused(
            422, "unsafe-file-name", "the file name must not contain a path or control characters"
        )


def sniff(data: bytes) -> str | None:
    return next((ctype for magic, ctype in SIGNATURES if data.startswith(magic)), None)


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from the image header only; the pixels are never decoded here.

    Pillow refuses absurd headers itself (DecompressionBombError): reported as too large.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as img:
            return img.size


def check_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> CheckedUpload:
    if len(data) > max_bytes:
        raise UploadRefused(413, "file-too-large", f"files may be at most {max_bytes} bytes")
    if not data:
        raise UploadRefused(422, "empty-file", "the file is empty")
    content_type = sniff(data)
    if content_type is None:
        raise UploadRefused(
            415, "unsupported-file-type", "only JPEG, PNG or PDF files are accepted"
        )
    if content_type == "application/pdf":
        return CheckedUpload(content_type)
    try:
        width, height = image_size(data)
    except Image.DecompressionBombError as exc:
        raise UploadRefused(
            422, "image-too-large", f"at most {max_pixels} pixels are accepted"
        ) from exc
    except Exception as exc:  # Pillow raises many types for a damaged header
        raise UploadRefused(422, "unreadable-image", "the image cannot be read") from exc
    if width * height > max_pixels:
        raise UploadRefused(
            422,
            "image-too-large",
            f"the image has {width}×{height} pixels; at most {max_pixels} pixels are accepted",
        )
    return CheckedUpload(content_type, width, height)

"""Turning uploaded bytes (JPEG, PNG or PDF) into BGR page images of a workable size."""

from __future__ import annotations

import cv2
import numpy as np

# Phone photos are 12+ megapixels; PP-OCR reads documents at ~2000 px a side, and RapidOCR would
# shrink larger images itself on every call, so shrink once here.
MAX_SIDE = 2000
# Far beyond any real photo or scan: refuse before allocating (decompression bombs).
MAX_PIXELS = 60_000_000
# A4 at 150 dpi is 1240 x 1754 px: sharp enough for 9 pt print, within MAX_SIDE.
PDF_DPI = 150
MAX_PDF_PAGES = 3

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_PDF = b"%PDF-"


class ImageDecodeError(ValueError):
    """The bytes are not a JPEG, PNG or PDF this service can read."""


def sniff_format(data: bytes, content_type: str | None = None) -> str:
    """ "jpeg", "png" or "pdf", judged by the bytes themselves, never by the declared type."""
    head = data[:1024]
    if head.startswith(_JPEG):
        return "jpeg"
    if head.startswith(_PNG):
        return "png"
    if _PDF in head:
        return "pdf"
    raise ImageDecodeError(f"not a JPEG, PNG or PDF (declared {content_type or 'nothing'})")


def downscale(image: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    height, width = image.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _decode_raster(data: bytes) -> np.ndarray:
    buffer = np.frombuffer(data, np.uint8)
    # OpenCV applies the EXIF orientation tag while decoding, so a phone photo taken sideways
    # arrives upright.
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if image is None:
        raise ImageDecodeError("the image data is damaged")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ImageDecodeError("the image has too many pixels")
    return image


def _render_pdf(data: bytes) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ImageDecodeError(f"the PDF cannot be opened: {error}") from error
    try:
        pages = []
        for index in range(min(len(pdf), MAX_PDF_PAGES)):
            page = pdf[index]
            width, height = page.get_size()
            scale = min(PDF_DPI / 72, MAX_SIDE / max(width, height))
            bitmap = page.render(scale=scale)
            rgb = bitmap.to_numpy()
            pages.append(cv2.cvtColor(rgb[:, :, :3], cv2.COLOR_RGB2BGR))
        if not pages:
            raise ImageDecodeError("the PDF has no pages")
        return pages
    finally:
        pdf.close()


def decode_pages(data: bytes, content_type: str | None = None) -> list[np.ndarray]:
    """The document's pages as BGR images, upright, no side longer than MAX_SIDE."""
    kind = sniff_format(data, content_type)
    pages = _render_pdf(data) if kind == "pdf" else [_decode_raster(data)]
    return [downscale(page) for page in pages]

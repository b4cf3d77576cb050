"""Text lines as the OCR engine reports them, placed by hand: for tests of the reader's layout
rules without rendering and reading an image."""

from __future__ import annotations

import math

from ocr_service.ocr.engine import OcrLine


def line(text: str, x: float, y: float, *, height: float = 30, angle: float = 0.0) -> OcrLine:
    """A text line whose box starts at (x, y), about 26 px per character, turned by `angle`
    degrees about the origin as a tilted photo would be."""
    width = 26 * len(text)
    corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    turn = math.radians(angle)
    cos, sin = math.cos(turn), math.sin(turn)
    a, b, c, d = ((px * cos - py * sin, px * sin + py * cos) for px, py in corners)
    return OcrLine(text, 0.99, (a, b, c, d))

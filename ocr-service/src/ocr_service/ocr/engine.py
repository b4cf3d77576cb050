"""OCR engines: PP-OCR models run by RapidOCR on ONNX Runtime, or by PaddleOCR where installed."""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import cv2
import numpy as np

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One recognised text line: its text, recognition confidence and quadrilateral box.

    The box is four (x, y) points clockwise from the top-left corner of the text, in pixels of the
    image the engine was given.
    """

    text: str
    score: float
    box: tuple[Point, Point, Point, Point]


class OcrEngine(Protocol):
    """Reads the text lines of a BGR image."""

    def read(self, image: np.ndarray) -> list[OcrLine]: ...


def _as_box(points: Any) -> tuple[Point, Point, Point, Point]:
    p = [(float(x), float(y)) for x, y in points]
    return (p[0], p[1], p[2], p[3])


def _warm_up_image() -> np.ndarray:
    """A small image of printed digits: enough to load the detector, classifier and recogniser."""
    image = np.full((64, 320, 3), 255, np.uint8)
    cv2.putText(image, "2025 0517", (10, 46), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    return image


def rapidocr_params(threads: int = 0) -> dict[str, Any]:
    """RapidOCR's settings here: its bundled PP-OCRv6 models, quiet logs, ONNX Runtime threads."""
    return {
        "Global.log_level": "error",
        # 0 lets ONNX Runtime use every core; worker processes pin it to their share.
        "EngineConfig.onnxruntime.intra_op_num_threads": threads if threads > 0 else -1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }


class RapidOcrEngine:
    """PP-OCRv6 detection and recognition, models from inside the `rapidocr` wheel (no download)."""

    def __init__(self, *, threads: int = 0) -> None:
        from rapidocr import RapidOCR

        self._ocr = RapidOCR(params=rapidocr_params(threads))
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)

    def read(self, image: np.ndarray) -> list[OcrLine]:
        from rapidocr.utils.output import RapidOCROutput

        result = self._ocr(image)
        # Empty pages come back as a detector-only output without texts.
        if not isinstance(result, RapidOCROutput) or result.boxes is None or not result.txts:
            return []
        return [
            OcrLine(text=text, score=float(score), box=_as_box(box))
            for box, text, score in zip(result.boxes, result.txts, result.scores or (), strict=True)
        ]

    def warm_up(self) -> None:
        """Load the models now, not on first use: the first document is then no slower."""
        self.read(_warm_up_image())


def paddleocr_available() -> bool:
    return importlib.util.find_spec("paddleocr") is not None


class PaddleOcrEngine:
    """The `paddleocr` package itself, for hosts where PaddlePaddle and its models are installed."""

    def __init__(self, *, threads: int = 0, **options: Any) -> None:
        from paddleocr import PaddleOCR

        if threads > 0:
            options.setdefault("cpu_threads", threads)
        self._ocr = PaddleOCR(lang="ch", **options)

    def read(self, image: np.ndarray) -> list[OcrLine]:
        lines: list[OcrLine] = []
        for page in self._ocr.predict(image):
            for box, text, score in zip(
                page["rec_polys"], page["rec_texts"], page["rec_scores"], strict=True
            ):
                if text.strip():
                    lines.append(OcrLine(text=text, score=float(score), box=_as_box(box)))
        return lines

    def warm_up(self) -> None:
        self.read(_warm_up_image())


@cache
def default_engine(kind: str = "rapidocr", threads: int = 0) -> OcrEngine:
    """The process-wide engine: models load once, however many pipelines share it."""
    engine: RapidOcrEngine | PaddleOcrEngine
    if kind == "rapidocr":
        engine = RapidOcrEngine(threads=threads)
    elif kind == "paddleocr":
        if not paddleocr_available():
            raise RuntimeError("the paddleocr package is not installed")
        engine = PaddleOcrEngine(threads=threads)
    else:
        raise ValueError(f"unknown OCR engine {kind!r}")
    engine.warm_up()
    return engine

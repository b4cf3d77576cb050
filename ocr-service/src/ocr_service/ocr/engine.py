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


# The detector, most of an OCR call, costs by the area it sees: it reads the page with its long
# side at most this, and never enlarged (the raw engine enlarges a card's short side to 736 px).
# Printed documents that fill a photo keep their lines 14+ px high there, and lines are recognised
# from the full-size picture, so nothing is lost in the words themselves. On the tuned family and
# the shared samples, 960 reads every field 1280 reads, at 0.73 of the raw engine's time (1280:
# 0.82, 800: 0.67).
DETECTOR_SIDE = 960
# RapidOCR drops lines recognised with less confidence than this (its own default).
MIN_LINE_SCORE = 0.5
# The angle classifier looks at this many of the longest lines to tell an upside-down picture
# from an upright one; each line on its own is never classified.
ORIENTATION_SAMPLE = 5


# A detected box this much longer one way than the other is a line of text, not a character.
_LINE_ASPECT = 2.5


def lies_sideways(boxes: list[np.ndarray]) -> bool:
    """The cheap orientation signal: most text lines stand on end, so the picture lies sideways."""
    standing = lying = 0
    for box in boxes:
        across = float(np.linalg.norm(box[1] - box[0]))
        down = float(np.linalg.norm(box[3] - box[0]))
        if down > _LINE_ASPECT * across:
            standing += 1
        elif across > _LINE_ASPECT * down:
            lying += 1
    return standing > lying


def _quarter_turned(box: np.ndarray, height: int) -> np.ndarray:
    """A box once the picture is turned a quarter clockwise, from its new top-left corner on."""
    points = np.stack([height - 1 - box[:, 1], box[:, 0]], axis=1)
    start = int(np.argmin(points.sum(axis=1)))
    return np.roll(points, -start, axis=0).astype(np.float32)


class RapidOcrEngine:
    """PP-OCRv6 detection and recognition, models from inside the `rapidocr` wheel (no download).

    One detection per picture, at a size fitted to the page; the angle classifier only on a few
    lines, once for the whole picture."""

    def __init__(self, *, threads: int = 0, detector_side: int = DETECTOR_SIDE) -> None:
        from rapidocr import RapidOCR

        self._ocr = RapidOCR(params=rapidocr_params(threads))
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self.detector_side = detector_side
        self._detector = self._ocr._load_det_model()
        self._classifier = self._ocr._load_cls_model()
        self._recogniser = self._ocr._load_rec_model()

    def _detect(self, image: np.ndarray, side: int) -> list[np.ndarray]:
        from rapidocr.ch_ppocr_det.utils import DetPreProcess

        detector = self._detector
        prepared = DetPreProcess(side, "max", detector.mean, detector.std)(image)
        if prepared is None:
            return []
        boxes, _ = detector.postprocess_op(detector.session(prepared), image.shape[:2])
        if len(boxes) == 0:
            return []
        return list(detector.sorted_boxes(np.asarray(boxes)))

    def _upside_down(self, crops: list[np.ndarray]) -> bool:
        """Whether the longest lines read upside down: the picture is then turned half round."""
        lines = sorted(
            (crop for crop in crops if crop.shape[1] >= 2 * crop.shape[0]),
            key=lambda crop: crop.shape[1],
            reverse=True,
        )[:ORIENTATION_SAMPLE]
        if not lines:
            return False
        verdicts = self._classifier(lines).cls_res or []
        turned = sum(
            1 for label, score in verdicts if "180" in label and score > self._classifier.cls_thresh
        )
        return turned * 2 > len(lines)

    def read(self, image: np.ndarray) -> list[OcrLine]:
        from rapidocr.ch_ppocr_rec import TextRecInput
        from rapidocr.utils.process_img import get_rotate_crop_image

        boxes = self._detect(image, self.detector_side)
        if not boxes:
            return []
        # A picture lying sideways is read turned a quarter, so that every line, a single
        # character too, comes out upright or upside down; the boxes stay in the picture's frame.
        upright, crop_boxes = image, [box.astype(np.float32) for box in boxes]
        if lies_sideways(crop_boxes):
            upright = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
            crop_boxes = [_quarter_turned(box, image.shape[0]) for box in crop_boxes]
        crops = [get_rotate_crop_image(upright, box) for box in crop_boxes]
        if self._upside_down(crops):
            crops = [cv2.rotate(crop, cv2.ROTATE_180) for crop in crops]
        recognised = self._recogniser(TextRecInput(img=crops))
        return [
            OcrLine(text=text, score=float(score), box=_as_box(box))
            for box, text, score in zip(
                boxes, recognised.txts or (), recognised.scores, strict=False
            )
            if text.strip() and score >= MIN_LINE_SCORE
        ]

    def warm_up(self) -> None:
        """Load the models now, not on first use: the first document is then no slower."""
        self.read(_warm_up_image())
        self._classifier([_warm_up_image()])


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

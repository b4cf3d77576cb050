"""A document from uploaded bytes to verdict and fields: decode, measure, read, extract, judge."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ocr_service.ocr.engine import OcrEngine, OcrLine
from ocr_service.ocr.extract import DOC_TYPES, detect_doc_type, extract_fields, missing_fields
from ocr_service.ocr.images import ImageDecodeError, decode_pages
from ocr_service.ocr.quality import (
    MESSAGES,
    ImageStats,
    Reason,
    card_cut_off,
    image_reasons,
    measure,
    missing_fields_reason,
    picture_reasons,
    reading_reasons,
)

AUTO = "auto"
# What `auto` reports when the words match no supported type (API.md's catch-all type).
UNKNOWN_TYPE = "other"
# API.md's other document types, which have no field rules. Papers among them are judged by the
# picture and by whether their text can be read; photos of things (and `other`, which may be
# anything) by the picture alone.
PAPERS_WITHOUT_FIELDS = ("expense_list", "accident_report")
PICTURES = ("vehicle_photo", "pet_photo", UNKNOWN_TYPE)
ALL_DOC_TYPES = (*DOC_TYPES, *PAPERS_WITHOUT_FIELDS, *PICTURES)


@dataclass(slots=True)
class OcrResult:
    doc_type: str
    verdict: str  # "accept" | "reject"
    reasons: list[dict[str, str]]  # [{"code": "blurry", "message": "照片模糊，请重新拍摄"}]
    fields: dict[str, str]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Fields a claim needs that could not be read on a sharp, complete photo, which is accepted
    # all the same: a person keys them in from the picture.
    fields_to_review: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.verdict == "accept"

    def to_dict(self) -> dict[str, Any]:
        """The result as `lipei-ocr extract` prints it (API.md), less the file name."""
        return {
            "doc_type": self.doc_type,
            "quality": {"verdict": self.verdict, "reasons": self.reasons},
            "fields": self.fields,
            "fields_to_review": self.fields_to_review,
            "timings_ms": self.timings_ms,
        }


def _verdict(reasons: list[Reason]) -> tuple[str, list[dict[str, str]]]:
    unique = list(dict.fromkeys(reasons))
    return ("reject" if unique else "accept"), [
        {"code": reason.value, "message": MESSAGES[reason]} for reason in unique
    ]


def _refused(doc_type: str, reasons: list[Reason], timings: dict[str, float]) -> OcrResult:
    verdict, reason_list = _verdict(reasons)
    return OcrResult(doc_type, verdict, reason_list, {}, timings)


def _shifted(lines: list[OcrLine], dy: float) -> list[OcrLine]:
    """Lines of a PDF page, placed below the pages before it."""
    shifted = []
    for line in lines:
        a, b, c, d = ((x, y + dy) for x, y in line.box)
        shifted.append(OcrLine(line.text, line.score, (a, b, c, d)))
    return shifted


class Pipeline:
    """Decode, judge the picture, read it once, recognise its type, extract, judge the reading.

    A photo a person would have to retake is refused before any OCR. A sharp, complete document
    is accepted even where a field cannot be placed: that field is listed for review instead.
    """

    def __init__(self, engine: OcrEngine) -> None:
        self.engine = engine

    def _read(self, pages: list[np.ndarray]) -> list[OcrLine]:
        lines: list[OcrLine] = []
        offset = 0.0
        for page in pages:
            lines += _shifted(self.engine.read(page), offset)
            offset += page.shape[0]
        return lines

    def process(
        self,
        data: bytes,
        doc_type: str,
        *,
        content_type: str | None = None,
        today: date | None = None,
    ) -> OcrResult:
        if doc_type != AUTO and doc_type not in ALL_DOC_TYPES:
            raise ValueError(f"unsupported document type {doc_type!r}")
        requested = doc_type if doc_type != AUTO else UNKNOWN_TYPE
        clock = _Clock()
        try:
            pages = decode_pages(data, content_type)
        except ImageDecodeError:
            return _refused(requested, [Reason.UNREADABLE], clock.lap("decode"))
        clock.lap("decode")

        stats = [measure(page) for page in pages]
        clock.lap("quality")
        if doc_type in PICTURES:
            faults = [reason for page_stats in stats for reason in picture_reasons(page_stats)]
            return _refused(doc_type, faults, clock.total())
        known = doc_type if doc_type != AUTO else None
        faults = [reason for page_stats in stats for reason in image_reasons(page_stats, known)]
        if faults:
            return _refused(requested, faults, clock.total())

        lines = self._read(pages)
        clock.lap("ocr")
        faults = reading_reasons(lines)
        if faults or doc_type in PAPERS_WITHOUT_FIELDS:
            return _refused(requested, faults, clock.total())
        return self._judge(doc_type, pages, stats, lines, today or date.today(), clock)

    def _judge(
        self,
        doc_type: str,
        pages: list[np.ndarray],
        stats: list[ImageStats],
        lines: list[OcrLine],
        today: date,
        clock: _Clock,
    ) -> OcrResult:
        """The verdict on a sharp picture whose text could be read."""
        detected = detect_doc_type(lines)
        effective = detected if doc_type == AUTO else doc_type
        if effective is None or (detected is not None and detected != effective):
            return _refused(effective or UNKNOWN_TYPE, [Reason.WRONG_TYPE], clock.lap("extract"))
        if card_cut_off(stats[0], effective):
            return _refused(effective, [Reason.CUT_OFF], clock.lap("extract"))
        fields = extract_fields(effective, lines, today=today)
        clock.lap("extract")
        missing = missing_fields(effective, fields, lines)
        if missing:
            first_page = [line for line in lines if line.box[0][1] < pages[0].shape[0]]
            if missing_fields_reason(stats[0], first_page, effective) == Reason.CUT_OFF:
                return _refused(effective, [Reason.CUT_OFF], clock.total())
        return OcrResult(effective, "accept", [], fields, clock.total(), missing)


class _Clock:
    """Milliseconds per stage, and the total."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> dict[str, float]:
        now = time.perf_counter()
        self.laps[stage] = round((now - self.last) * 1000, 2)
        self.last = now
        return self.total()

    def total(self) -> dict[str, float]:
        return {**self.laps, "total": round((self.last - self.start) * 1000, 2)}

"""Reading one document off the event loop: the OCR engine is CPU-bound and loaded once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from ocr_service.ocr.engine import default_engine
from ocr_service.ocr.extract import DOC_TYPES
from ocr_service.ocr.pipeline import AUTO, OcrResult, Pipeline
from ocr_service.ocr.quality import Reason

# Only what the photo itself shows; for types without field rules there is nothing to miss.
_IMAGE_REASONS = {r.value for r in Reason} - {Reason.WRONG_TYPE.value, Reason.MISSING_FIELDS.value}


class DocumentReader:
    def __init__(self, *, engine: str, threads: int, concurrency: int) -> None:
        self._engine_kind = engine
        self._threads = threads
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ocr")
        self._pipeline: Pipeline | None = None

    def _get_pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(default_engine(self._engine_kind, self._threads))
        return self._pipeline

    def _read(self, data: bytes, doc_type: str, content_type: str | None, today: date) -> OcrResult:
        pipeline = self._get_pipeline()
        if doc_type in DOC_TYPES or doc_type == AUTO:
            return pipeline.process(data, doc_type, content_type=content_type, today=today)
        # Photos of an accident, a vehicle or a pet: judge the photo, extract nothing.
        result = pipeline.process(data, AUTO, content_type=content_type, today=today)
        reasons = [r for r in result.reasons if r["code"] in _IMAGE_REASONS]
        verdict = "reject" if reasons else "accept"
        return OcrResult(doc_type, verdict, reasons, {}, result.timings_ms)

    async def read(
        self, data: bytes, doc_type: str, *, content_type: str | None, today: date
    ) -> OcrResult:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._read, data, doc_type, content_type, today
        )

    async def warm_up(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._get_pipeline)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

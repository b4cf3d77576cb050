"""Reading one document off the event loop: the OCR engine is CPU-bound and loaded once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

from ocr_service.ocr.engine import default_engine
from ocr_service.ocr.pipeline import ALL_DOC_TYPES, AUTO, UNKNOWN_TYPE, OcrResult, Pipeline


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
        known = doc_type in ALL_DOC_TYPES or doc_type == AUTO
        # A type added to the claim guide after this service was built: judge it as a picture.
        result = self._get_pipeline().process(
            data, doc_type if known else UNKNOWN_TYPE, content_type=content_type, today=today
        )
        return result if known else replace(result, doc_type=doc_type)

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

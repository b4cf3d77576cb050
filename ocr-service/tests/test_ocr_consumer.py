"""The upload consumer reads the document before its transaction opens, and records one verdict."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lipei.db import migrate
from lipei.events import ClaimDocumentUploaded
from lipei.messaging import Envelope, outbox_table
from lipei.runtime import ServiceRuntime
from lipei.storage import open_storage
from ocr_service.app import MIGRATIONS
from ocr_service.handlers import subscriptions
from ocr_service.ocr.pipeline import OcrResult
from ocr_service.reading import DocumentReader
from ocr_service.settings import Settings
from ocr_synth import make_document


class WatchedReader(DocumentReader):
    """The real reader, noting how many pooled connections are checked out while OCR runs."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        super().__init__(engine="rapidocr", threads=0, concurrency=1)
        self.runtime = runtime
        self.checked_out_during_ocr: list[int] = []

    def _read(self, data: bytes, doc_type: str, content_type: str | None, today: date) -> OcrResult:
        self.checked_out_during_ocr.append(self.runtime.engine.pool.checkedout())
        result = super()._read(data, doc_type, content_type, today)
        self.checked_out_during_ocr.append(self.runtime.engine.pool.checkedout())
        return result


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'ocr.db'}",
        storage_url=str(tmp_path / "documents"),
    )
    runtime = ServiceRuntime(settings, migrations=MIGRATIONS)
    await migrate(runtime.engine, MIGRATIONS)
    yield runtime
    await runtime.engine.dispose()


async def test_ocr_holds_no_database_connection_and_a_redelivery_changes_nothing(
    runtime: ServiceRuntime,
) -> None:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    storage = open_storage(settings.storage_url)
    sample = make_document("consumer", "medical_invoice")
    await storage.put("claims/c1/d1.jpg", sample.data, "image/jpeg")
    reader = WatchedReader(runtime)
    subs = subscriptions(runtime, storage, reader, settings)
    consumer = runtime.add_consumer("ocr", subs)
    event = ClaimDocumentUploaded(
        claim_id="c1",
        user_id="u1",
        document_id="d1",
        doc_type="medical_invoice",
        storage_key="claims/c1/d1.jpg",
        sha256=hashlib.sha256(sample.data).hexdigest(),
        content_type="image/jpeg",
        size_bytes=len(sample.data),
        uploaded_at=runtime.clock.now(),
    )
    envelope = Envelope.wrap(event, source="/intake")
    subscriber = subs.subscriber_for(envelope.type)
    assert subscriber is not None
    try:
        assert await consumer.apply(envelope, event, subscriber)
        # A redelivery: skipped before any OCR, and no second verdict.
        assert not await consumer.apply(envelope, event, subscriber)
    finally:
        reader.close()

    assert reader.checked_out_during_ocr == [0, 0]  # read once, with no connection held
    async with runtime.sessionmaker() as session:
        verdicts = (await session.execute(select(outbox_table.c.event_type))).scalars().all()
    assert verdicts == ["document.accepted"]
    assert consumer.applied == 1 and consumer.duplicates == 1

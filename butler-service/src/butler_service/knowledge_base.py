"""The knowledge base in use: the index every replica searches, rebuilt when articles change.

The replica that takes an edit rebuilds at once; the others notice the new revision within
`KNOWLEDGE_REFRESH_SECONDS`. No restart either way."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from butler_service import knowledge_store
from butler_service.knowledge import starter_articles
from butler_service.knowledge.index import Hit, KnowledgeIndex, Segmenter
from lipei.clock import Clock

log = logging.getLogger(__name__)


class KnowledgeBase:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        refresh_seconds: float,
        segmenter: Segmenter,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._refresh_seconds = refresh_seconds
        self._segmenter = segmenter
        self._index: KnowledgeIndex | None = None
        self._lock = asyncio.Lock()
        self.ready = asyncio.Event()

    async def start(self) -> None:
        """Add the starter articles still missing and build the first index."""
        try:
            async with self._sessionmaker() as session, session.begin():
                added = await knowledge_store.add_missing(
                    session, starter_articles(), self._clock.now()
                )
            if added:
                log.info("knowledge base: %s starter article(s) added", added)
        except IntegrityError:
            log.info("knowledge base: another replica added the starter articles")
        await self.refresh(force=True)
        self.ready.set()

    async def run(self) -> None:
        """The background loop: start, then look for changed articles now and then."""
        await self.start()
        while True:
            await asyncio.sleep(self._refresh_seconds)
            try:
                await self.refresh()
            except Exception:
                log.exception("knowledge base refresh failed; the previous index stays in use")

    async def refresh(self, *, force: bool = False) -> bool:
        """Rebuild the index if any article changed; True when it was rebuilt."""
        async with self._lock:
            async with self._sessionmaker() as session:
                stored = await knowledge_store.revisions(session)
                if not force and self._index is not None and stored == self._index.revisions:
                    return False
                articles = await knowledge_store.all_articles(session)
            known = self._index.tokens if self._index is not None else None
            self._index = await asyncio.to_thread(KnowledgeIndex, articles, self._segmenter, known)
            return True

    async def search(self, question: str, *, k: int = 3) -> list[Hit]:
        await self.ready.wait()
        assert self._index is not None
        return self._index.search(question, k=k)

    @property
    def size(self) -> int:
        return len(self._index.articles) if self._index is not None else 0

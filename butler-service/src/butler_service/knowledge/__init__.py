"""The knowledge base the suggestions come from: the starter articles that ship with the
service (starter.json) and the ranking of articles for a question (index.py)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from butler_service.knowledge.index import Article

STARTER = Path(__file__).with_name("starter.json")


@cache
def starter_articles() -> tuple[Article, ...]:
    """The zh-CN articles written for this platform, shipped with the service."""
    raw = json.loads(STARTER.read_text(encoding="utf-8"))
    return tuple(
        Article(
            article_id=item["article_id"],
            question=item["question"],
            answer=item["answer"],
            tags=tuple(item["tags"]),
        )
        for item in raw
    )

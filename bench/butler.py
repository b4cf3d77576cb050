"""The butler: suggestion accuracy on the paraphrased evaluation set (top-1, top-3, with the
starter articles and with 1,000 articles), what the out-of-hours assistant would answer, and
through the gateway over real HTTP: suggestion latency with 1,000 articles, and message post →
visible in the butler's inbox.

Run by `make bench` (bench/run.py). A fresh local broker, SQLite (or PostgreSQL when
LIPEI_TEST_POSTGRES_URL is set), the gateway and butler-service in this process.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds bench/gateway.py, which would shadow the gateway package the platform runs.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from butler_service import knowledge_store
from butler_service.knowledge import starter_articles
from butler_service.knowledge.index import Article, KnowledgeIndex, Segmenter
from butler_service.settings import Settings
from lipei.clock import MovableClock
from lipei_dev.broker import LocalBroker, free_port
from lipei_testing.platform import Platform, running_platform

ROOT = Path(__file__).resolve().parent.parent
EVALUATION = ROOT / "butler-service" / "tests" / "knowledge_eval.json"
ARTICLES = 1000
QUESTION_FORMS = ("{}和{}有什么要注意的？", "{}的时候{}怎么处理？", "关于{}，{}有哪些规定？")
USERS = 200
# Monday 10:00 in China: service hours, so every message waits for the butler.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def padded_articles(count: int, seed: int = 20260302) -> list[Article]:
    """The starter articles plus made-up ones in the same vocabulary (questions from two
    articles' tags, answers from three starter sentences), as a larger knowledge base reads."""
    rng = random.Random(seed)
    starter = list(starter_articles())
    sentences = [s for a in starter for s in a.answer.split("。") if s]
    tags = sorted({t for a in starter for t in a.tags})
    extra = []
    for i in range(count - len(starter)):
        first, second = rng.sample(tags, 2)
        question = rng.choice(QUESTION_FORMS).format(first, second)
        answer = "。".join(rng.sample(sentences, 3)) + "。"
        extra.append(Article(f"extra-{i:04d}", question, answer, (first, second)))
    return starter + extra


def accuracy(index: KnowledgeIndex, evaluation: list[dict[str, str]]) -> tuple[float, float]:
    top1 = top3 = 0
    for case in evaluation:
        found = [h.article.article_id for h in index.search(case["question"])]
        top1 += found[:1] == [case["article_id"]]
        top3 += case["article_id"] in found
    return top1 / len(evaluation), top3 / len(evaluation)


def assistant_share(index: KnowledgeIndex, evaluation: list[dict[str, str]]) -> tuple[float, float]:
    """Share of questions the assistant would answer out of hours, and the share of those right."""
    settings = Settings()
    answered = right = 0
    for case in evaluation:
        hits = index.search(case["question"], k=2)
        if not hits or hits[0].score < settings.butler_assistant_min_score:
            continue
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        if hits[0].score < settings.butler_assistant_min_lead * runner_up:
            continue
        answered += 1
        right += hits[0].article.article_id == case["article_id"]
    return answered / len(evaluation), right / max(answered, 1)


def offline_rows(evaluation: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    segmenter = Segmenter()
    starter = KnowledgeIndex(starter_articles(), segmenter)
    began = time.perf_counter()
    large = KnowledgeIndex(padded_articles(ARTICLES), segmenter)
    build = time.perf_counter() - began
    s1, s3 = accuracy(starter, evaluation)
    l1, l3 = accuracy(large, evaluation)
    share, right = assistant_share(starter, evaluation)
    timings = []
    for case in evaluation * 5:
        t0 = time.perf_counter()
        large.search(case["question"])
        timings.append((time.perf_counter() - t0) * 1000)
    n = len(evaluation)
    return [
        (
            f"top-1 accuracy, {len(starter.articles)} starter articles ({n} questions)",
            f"{s1:.3f}",
            "",
        ),
        (f"top-3 accuracy, {len(starter.articles)} starter articles", f"{s3:.3f}", ""),
        (f"top-1 accuracy, {ARTICLES} articles", f"{l1:.3f}", ""),
        (f"top-3 accuracy, {ARTICLES} articles", f"{l3:.3f}", ""),
        ("out of hours: questions the assistant answers", f"{share:.3f}", "share"),
        ("out of hours: assistant answers that are right", f"{right:.3f}", "share"),
        (f"index build, {ARTICLES} articles", f"{build * 1000:.0f}", "ms"),
        (f"search in process, {ARTICLES} articles, p50", f"{statistics.median(timings):.2f}", "ms"),
        (f"search in process, {ARTICLES} articles, p95", f"{_percentile(timings, 0.95):.2f}", "ms"),
    ]


async def _load_articles(platform: Platform) -> None:
    runtime = platform.runtime("butler")
    knowledge = platform.apps["butler"].state.context.knowledge
    await knowledge.ready.wait()
    async with runtime.unit_of_work() as session:
        for article in padded_articles(ARTICLES)[len(starter_articles()) :]:
            await knowledge_store.put(
                session,
                article_id=article.article_id,
                question=article.question,
                answer=article.answer,
                tags=list(article.tags),
                now=START,
            )
    await knowledge.refresh()
    assert knowledge.size == ARTICLES


async def http_rows(tmp: Path, evaluation: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    broker = LocalBroker(port=free_port(), log_path=tmp / "broker.log").start()
    overrides: dict[str, dict[str, Any]] = {
        "gateway": {"rate_limit_user_per_minute": 0, "rate_limit_ip_per_minute": 0}
    }
    try:
        async with running_platform(
            bootstrap_servers=broker.bootstrap_servers,
            tmp_dir=tmp,
            clock=MovableClock(START),
            overrides=overrides,
            services=("butler",),
        ) as platform:
            return await _measure(platform, evaluation)
    finally:
        broker.stop()


async def _measure(
    platform: Platform, evaluation: list[dict[str, str]]
) -> list[tuple[str, str, str]]:
    client = platform.client
    ops = await platform.login("dev-ops:bench")
    account = {"display_name": "压测管家", "capacity": 100_000, "active": True}
    assert (
        await client.put("/ops/v1/butlers/b-bench", json=account, headers=ops)
    ).status_code == 200
    butler = await platform.login("dev-butler:b-bench")
    await _load_articles(platform)
    post_to_inbox: list[float] = []
    suggest: list[float] = []
    for i in range(USERS):
        user = await platform.login(f"dev:bench{i}")
        question = evaluation[i % len(evaluation)]["question"]
        t0 = time.perf_counter()
        posted = await client.post("/api/v1/butler/messages", json={"text": question}, headers=user)
        assert posted.status_code == 201, posted.text
        while True:
            inbox = await client.get("/butler/v1/inbox?limit=100", headers=butler)
            if any(item["user_id"] == f"dev-bench{i}" for item in inbox.json()["items"]):
                break
        post_to_inbox.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        found = await client.get(f"/butler/v1/users/dev-bench{i}/suggestions", headers=butler)
        suggest.append((time.perf_counter() - t0) * 1000)
        assert found.status_code == 200 and found.json()["items"], found.text
        if i % 10 == 9:  # the butler answers, so the inbox stays a working size
            for j in range(i - 9, i + 1):
                reply = {"text": "您好，已收到，马上为您处理。"}
                path = f"/butler/v1/users/dev-bench{j}/messages"
                assert (await client.post(path, json=reply, headers=butler)).status_code == 201
    return [
        (
            f"suggestions via the gateway, {ARTICLES} articles, p50",
            f"{statistics.median(suggest):.1f}",
            "ms",
        ),
        (
            f"suggestions via the gateway, {ARTICLES} articles, p95",
            f"{_percentile(suggest, 0.95):.1f}",
            "ms",
        ),
        (
            f"message post → in the butler's inbox, p50 ({USERS} users)",
            f"{statistics.median(post_to_inbox):.1f}",
            "ms",
        ),
        (
            "message post → in the butler's inbox, p95",
            f"{_percentile(post_to_inbox, 0.95):.1f}",
            "ms",
        ),
    ]


def main() -> int:
    evaluation = json.loads(EVALUATION.read_text(encoding="utf-8"))
    rows = offline_rows(evaluation)
    with tempfile.TemporaryDirectory() as tmp:
        rows += asyncio.run(http_rows(Path(tmp), evaluation))
    print("| measure | value | unit |")
    print("|---|---:|---|")
    for name, value, unit in rows:
        print(f"| {name} | {value} | {unit} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

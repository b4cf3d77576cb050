"""The knowledge base: at least 60 starter articles, the paraphrased evaluation set answered in
the top 3 at least 90 % of the time, and an edited index that finds the edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from butler_service.knowledge import starter_articles
from butler_service.knowledge.index import Article, KnowledgeIndex, Segmenter

EVALUATION = Path(__file__).with_name("knowledge_eval.json")


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def test_the_starter_set_covers_the_platform() -> None:
    articles = starter_articles()
    assert len(articles) >= 60
    assert len({a.article_id for a in articles}) == len(articles)
    text = "".join(a.question + a.answer for a in articles)
    for topic in (
        "门诊",
        "住院",
        "重疾",
        "意外",
        "车险",
        "宠物",
        "拍",
        "30日",
        "秒赔",
        "异议",
        "投诉",
    ):
        assert topic in text


def test_the_paraphrased_questions_find_their_article(segmenter: Segmenter) -> None:
    evaluation = json.loads(EVALUATION.read_text(encoding="utf-8"))
    assert len(evaluation) >= 100
    index = KnowledgeIndex(starter_articles(), segmenter)
    ids = {a.article_id for a in starter_articles()}
    top1 = top3 = 0
    for case in evaluation:
        assert case["article_id"] in ids
        found = [h.article.article_id for h in index.search(case["question"])]
        top1 += found[:1] == [case["article_id"]]
        top3 += case["article_id"] in found
    assert top3 / len(evaluation) >= 0.9
    assert top1 / len(evaluation) >= 0.7


def test_scores_are_normalized_and_best_first(segmenter: Segmenter) -> None:
    index = KnowledgeIndex(starter_articles(), segmenter)
    hits = index.search("门诊理赔需要准备哪些材料？")
    assert hits[0].article.article_id == "outpatient-materials"
    assert all(0 < h.score <= 1 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.search("") == []
    assert index.search("？？？") == []
    assert index.search("qwertyuiop") == []


def test_a_new_revision_is_indexed_and_unchanged_articles_are_not_segmented_again(
    segmenter: Segmenter,
) -> None:
    first = KnowledgeIndex(starter_articles(), segmenter)
    assert not first.search("台风来了车被水泡了")[:1] or (
        first.search("台风来了车被水泡了")[0].article.article_id != "typhoon"
    )
    typhoon = Article(
        "typhoon",
        "台风天车辆被水泡了怎么理赔？",
        "先不要启动车辆，拍照后报案。",
        ("台风", "水泡车"),
        1,
    )
    second = KnowledgeIndex([*starter_articles(), typhoon], segmenter, first.tokens)
    assert second.search("台风来了车被水泡了")[0].article.article_id == "typhoon"
    assert all(second.tokens[k] is first.tokens[k] for k in first.tokens)

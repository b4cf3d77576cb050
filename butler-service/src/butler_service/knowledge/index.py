"""Ranking articles for a question: jieba segments the Chinese, bm25s ranks (BM25, Lucene
variant). An index is an immutable snapshot; a new one is built when articles change, reusing
the segmentation of every article that did not.

Scores are normalized to [0, 1]: the BM25 score over the most any document could score for the
same query (each query term's idf × (k1 + 1), the saturation limit of the term frequency part),
so a threshold means the same whatever the size of the knowledge base."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import bm25s
import jieba
import numpy as np

K1 = 1.2
B = 0.75
# Words of the platform jieba's dictionary splits or misses.
_DOMAIN_WORDS = """
    理赔 秒赔 拒赔 赔款 赔付 免赔额 保额 保单 医保 社保 统筹 发票 电子发票 电子票据 收费票据
    身份证 人像面 国徽面 银行卡 借记卡 诊断证明 诊断书 出院小结 出院记录 费用清单 明细 事故证明
    认定书 门诊 急诊 住院 重疾 重大疾病 意外险 车险 宠物 管家 智能助手 补充材料 补材料 免打扰
    等待期 既往症 异议 申诉 复核 投诉 撤回 草稿 审核中 已提交 已赔付 反光 模糊 裁切 保险法
    病理报告 户口本 监护人 转人工 人工审核 打款 到账"""
DOMAIN_WORDS = tuple(_DOMAIN_WORDS.split())
# Words that say nothing about what is asked.
_STOPWORDS = """
    的 了 吗 呢 吧 啊 呀 哦 嘛 我 你 您 他 她 我们 你们 是 在 有 和 与 及 或 就 都 也 还 要
    会 能 可以 可 怎么 怎么办 怎样 如何 什么 啥 哪 哪里 哪些 多少 几 请问 一下 这个 那个 这 那
    个 被 把 让 给 说 想 得 着 过 吗？ 么 为什么 是不是 有没有 能不能 一个 已经 之后 以后 后
    时候 请 帮 要求 需要 应该 一般"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Article:
    article_id: str
    question: str
    answer: str
    tags: tuple[str, ...] = ()
    revision: int = 0


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


class Segmenter:
    """jieba with the platform's words added; its own dictionary, so nothing global changes."""

    def __init__(self) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        for word in DOMAIN_WORDS:
            self._jieba.add_word(word, freq=20000)
        self._jieba.initialize()

    def tokens(self, text: str) -> list[str]:
        """Words, plus the characters and character pairs inside longer Chinese words: users
        paraphrase (赔钱 for 赔付, 报销 for 理赔), and the shared characters still meet."""
        words = [
            w for w in self._jieba.lcut(text.lower()) if _WORDLIKE.search(w) and w not in STOPWORDS
        ]
        parts = [c for w in words if len(w) > 1 for c in w if _CJK.match(c) and c not in STOPWORDS]
        pairs = [w[i : i + 2] for w in words if len(w) > 2 for i in range(len(w) - 1)]
        return words + parts + pairs

    def article_tokens(self, article: Article) -> list[str]:
        # The question says what the article answers: it counts twice.
        text = " ".join([article.question, article.question, *article.tags, article.answer])
        return self.tokens(text)


@cache
def shared_segmenter() -> Segmenter:
    """One segmenter per process: loading jieba's dictionary takes seconds and holds the
    interpreter, so it happens once, before the service answers requests."""
    return Segmenter()


def _idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class KnowledgeIndex:
    def __init__(
        self,
        articles: Iterable[Article],
        segmenter: Segmenter,
        known_tokens: Mapping[tuple[str, int], list[str]] | None = None,
    ) -> None:
        self.segmenter = segmenter
        self.articles = sorted(articles, key=lambda a: a.article_id)
        known = known_tokens or {}
        self.tokens: dict[tuple[str, int], list[str]] = {}
        for article in self.articles:
            key = (article.article_id, article.revision)
            self.tokens[key] = known.get(key) or segmenter.article_tokens(article) or ["_"]
        corpus = [self.tokens[(a.article_id, a.revision)] for a in self.articles]
        self._df: dict[str, int] = {}
        for doc in corpus:
            for token in set(doc):
                self._df[token] = self._df.get(token, 0) + 1
        self._bm25: bm25s.BM25 | None = None
        if corpus:
            self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
            self._bm25.index(corpus, show_progress=False)

    @property
    def revisions(self) -> dict[str, int]:
        return {a.article_id: a.revision for a in self.articles}

    def search(self, question: str, *, k: int = 3) -> list[Hit]:
        """The best `k` articles for `question`, best first, each with its normalized score;
        articles that share no word with the question are left out."""
        terms = list(dict.fromkeys(self.segmenter.tokens(question)))
        if self._bm25 is None or not terms:
            return []
        n = len(self.articles)
        ceiling = sum(_idf(self._df.get(t, 0), n) * (K1 + 1) for t in terms)
        known = [t for t in terms if t in self._df]
        if not known:
            return []
        scores = np.asarray(self._bm25.get_scores(known), dtype=float)
        best = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(self.articles[i], round(float(scores[i]) / ceiling, 4))
            for i in best
            if scores[i] > 0
        ]

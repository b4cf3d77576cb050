"""The quality scorecard: the criteria a reviewer scores one day's conversation against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    max: int


SCORECARD = (
    Criterion("timely", "回复及时", 5),
    Criterion("accurate", "解答准确", 5),
    Criterion("complete", "材料指导完整", 5),
    Criterion("courteous", "礼貌耐心", 5),
    Criterion("compliant", "合规（不承诺赔付结果、保护隐私）", 5),
)


class ScoreRefused(ValueError):
    pass


def scores(form: Iterable[tuple[str, object]]) -> list[dict[str, object]]:
    """`score:<key>` inputs as the API's scores; each criterion once, 0 to its max."""
    given = {k[len("score:") :]: v for k, v in form if k.startswith("score:")}
    result: list[dict[str, object]] = []
    for criterion in SCORECARD:
        raw = given.get(criterion.key)
        if not isinstance(raw, str) or not raw.strip():
            raise ScoreRefused(f"请为“{criterion.title}”打分")
        try:
            value = float(raw)
        except ValueError:
            raise ScoreRefused(f"“{criterion.title}”的分数不是数字") from None
        if not 0 <= value <= criterion.max:
            raise ScoreRefused(f"“{criterion.title}”的分数应在 0 到 {criterion.max} 之间")
        result.append({"criterion": criterion.title, "score": value, "max": criterion.max})
    return result

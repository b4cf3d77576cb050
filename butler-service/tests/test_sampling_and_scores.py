"""The QA sample is deterministic by date and rate and always holds the complaints; review
scores are normalized as Σscore / Σmax."""

from __future__ import annotations

from datetime import date

import pytest

from butler_service.domain.sampling import sample
from butler_service.domain.scores import Criterion, Line, ScoreError, Wait, count_waits, normalized

USERS = [f"user-{i}" for i in range(1000)]
DAY = date(2026, 3, 2)


def test_the_same_date_and_rate_give_the_same_sample() -> None:
    first = sample(DAY, USERS, complained=[], rate=0.05)
    again = sample(DAY, list(reversed(USERS)), complained=[], rate=0.05)
    assert first == again
    assert 20 <= len(first) <= 80  # about 5 % of 1000


def test_another_date_draws_another_sample_and_a_larger_rate_adds_to_it() -> None:
    assert sample(DAY, USERS, complained=[], rate=0.05) != sample(
        date(2026, 3, 3), USERS, complained=[], rate=0.05
    )
    small = set(sample(DAY, USERS, complained=[], rate=0.05))
    large = set(sample(DAY, USERS, complained=[], rate=0.2))
    assert small < large


def test_every_complaint_of_the_day_is_in_it_first() -> None:
    drawn = sample(DAY, USERS, complained=["user-7", "stranger"], rate=0.0)
    assert drawn == ["stranger", "user-7"]
    with_share = sample(DAY, USERS, complained=["user-7"], rate=0.5)
    assert with_share[0] == "user-7" and with_share.count("user-7") == 1


def test_a_rate_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        sample(DAY, USERS, complained=[], rate=1.5)


def test_normalized_score_weighs_each_criterion_by_its_maximum() -> None:
    scores = [Criterion("礼貌", 4, 5), Criterion("准确", 6, 10), Criterion("及时", 5, 5)]
    assert normalized(scores) == pytest.approx(15 / 20)


@pytest.mark.parametrize(
    "scores",
    [
        [],
        [Criterion("礼貌", 6, 5)],
        [Criterion("礼貌", -1, 5)],
        [Criterion("礼貌", 0, 0)],
        [Criterion("礼貌", 1, 5), Criterion("礼貌", 2, 5)],
    ],
)
def test_reviews_that_cannot_be_scored(scores: list[Criterion]) -> None:
    with pytest.raises(ScoreError):
        normalized(scores)


def test_waits_give_the_median_reply_and_the_share_in_time() -> None:
    lines = {"a": Line("a", "阿明")}
    count_waits(
        lines,
        [
            Wait("a", 60, True),
            Wait("a", 300, True),
            Wait("a", 900, False),
            Wait("a", None, False),  # still waiting past the due time
            Wait("other", 1, True),
        ],
    )
    line = lines["a"]
    assert line.median_first_reply_seconds == 300
    assert line.replied_in_time_share == pytest.approx(2 / 4)

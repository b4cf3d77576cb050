"""The ops dashboard's figures: stages by the China day they were reached, decision durations
with nearest-rank percentiles, first-try acceptance, the instant share and breaches per week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from lipei.events import INSTANT_DECIDER
from tracking_service.domain import stats
from tracking_service.domain.state import ClaimState, DocumentHistory, Transition

# 2026-11-02 is a Monday. 23:30 UTC on the 1st is already the 2nd in China.
MON = date(2026, 11, 2)
LATE_SUNDAY_UTC = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
NOON = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)  # 12:00 in China
HOUR = timedelta(hours=1)


def claim(claim_id: str, opened: datetime, **values: object) -> ClaimState:
    return ClaimState(
        claim_id=claim_id,
        user_id="u",
        insurer_code="ins",
        claim_type="outpatient",
        opened_at=opened,
        **values,  # type: ignore[arg-type]
    )


def day(result: stats.Stats, on: date) -> stats.Day:
    return next(d for d in result.days if d.date == on)


def test_each_stage_counts_on_the_china_day_it_was_reached() -> None:
    paid = claim(
        "C1",
        LATE_SUNDAY_UTC,
        submitted_at=NOON,
        approved_at=NOON + 2 * HOUR,
        approved_by=INSTANT_DECIDER,
        approved_amount=Decimal("100.00"),
        paid_at=NOON + 48 * HOUR,
    )
    withdrawn = claim(
        "C2",
        NOON,
        transitions=[
            Transition(
                from_status="draft",
                to_status="withdrawn",
                at=NOON + HOUR,
                cause_id="x",
                cause_type="w",
            )
        ],
    )
    result = stats.compute([paid, withdrawn], [], MON, MON + timedelta(days=6))
    monday = day(result, MON)
    assert monday.stages == {
        "drafted": 2,
        "submitted": 1,
        "approved": 1,
        "paid": 0,
        "rejected": 0,
        "withdrawn": 1,
    }
    assert day(result, MON + timedelta(days=2)).stages["paid"] == 1
    assert result.total("paid") == 1
    assert (monday.decisions, monday.instant_decisions) == (1, 1)
    assert result.instant_share == 1.0


def test_events_outside_the_range_are_not_counted() -> None:
    early = claim("C1", LATE_SUNDAY_UTC - 24 * HOUR, submitted_at=LATE_SUNDAY_UTC - 23 * HOUR)
    result = stats.compute([early], [], MON, MON)
    assert result.total("drafted") == 0 and result.total("submitted") == 0


def test_decision_durations_give_nearest_rank_percentiles_and_a_histogram() -> None:
    claims = [
        claim(
            f"C{i}",
            NOON,
            submitted_at=NOON,
            rejected_at=NOON + timedelta(hours=h),
            rejection_reason="r",
        )
        for i, h in enumerate([0.5, 2, 3, 10, 30, 50, 100, 200, 400, 800])
    ]
    result = stats.compute(claims, [], MON, MON + timedelta(days=60))
    assert result.percentile(50) == 30
    assert result.percentile(90) == 400
    counts = {(b.from_hours, b.to_hours): b.count for b in result.histogram}
    assert counts[(1 / 60, 1.0)] == 1
    assert counts[(1.0, 4.0)] == 2
    assert counts[(720.0, None)] == 1
    assert sum(counts.values()) == 10
    assert result.instant_share == 0.0


def test_first_try_counts_document_types_without_a_rejection() -> None:
    clean = claim("C1", NOON, documents={"medical_invoice": DocumentHistory()})
    retried = claim(
        "C2",
        NOON,
        documents={
            "medical_invoice": DocumentHistory(rejections=1, last_verdict="accepted"),
            "bank_card": DocumentHistory(),
        },
    )
    result = stats.compute([clean, retried], [], MON, MON)
    by_type = {f.doc_type: (f.documents, f.accepted_first_try, f.share) for f in result.first_try}
    assert by_type == {"bank_card": (1, 1, 1.0), "medical_invoice": (2, 1, 0.5)}


def test_breaches_count_per_day_and_per_week_from_monday() -> None:
    breaches = [
        stats.Breach("decision", NOON),
        stats.Breach("payment", NOON + 24 * 7 * HOUR),
        stats.Breach("payment", NOON + 24 * 8 * HOUR),
    ]
    result = stats.compute([], breaches, MON - timedelta(days=1), MON + timedelta(days=8))
    assert result.deadlines_breached == 3
    assert result.breaches_by_week == [
        (MON - timedelta(days=7), 0),
        (MON, 1),
        (MON + timedelta(days=7), 2),
    ]


def test_no_decisions_means_no_share_and_no_percentiles() -> None:
    result = stats.compute([], [], MON, MON)
    assert result.instant_share is None and result.percentile(50) is None


@pytest.mark.parametrize(
    ("first", "last"),
    [(MON, MON - timedelta(days=1)), (MON, MON + timedelta(days=366))],
)
def test_a_backwards_or_too_long_range_is_refused(first: date, last: date) -> None:
    with pytest.raises(stats.RangeRefused):
        stats.compute([], [], first, last)

"""A dispute the butler took up closes with its outcome, once, and leaves the butler queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tracking_service.domain import attention, disputes
from tracking_service.domain.deadlines import DEFAULT_POLICY
from tracking_service.domain.state import ClaimState

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _rejected() -> ClaimState:
    return ClaimState(
        claim_id="C1",
        user_id="u",
        insurer_code="i",
        claim_type="outpatient",
        status="rejected",
        opened_at=AT - timedelta(days=10),
    )


def test_an_open_dispute_closes_with_its_outcome_once() -> None:
    state, _ = disputes.open_dispute(_rejected(), "不认同", AT)
    rules = attention.AttentionRules()
    assert [r.code for r in attention.reasons(state, [], AT, rules)] == ["disputed"]
    closed, done = disputes.close_dispute(state, "overturned", Decimal("3200.00"), AT)
    assert done and closed.dispute_outcome == "overturned"
    assert closed.recovered_amount == Decimal("3200.00")
    assert attention.reasons(closed, [], AT, rules) == []
    again, done_again = disputes.close_dispute(closed, "upheld", Decimal("0"), AT)
    assert not done_again and again.dispute_outcome == "overturned"
    assert attention.queue([closed], AT, DEFAULT_POLICY, rules) == []


def test_a_dispute_never_opened_in_the_app_opens_and_closes_with_the_outcome() -> None:
    closed, done = disputes.close_dispute(_rejected(), "upheld", Decimal("0"), AT)
    assert done and closed.disputed_at == AT and closed.dispute_closed_at == AT


def test_the_timeline_tells_the_outcome() -> None:
    title, detail = disputes.outcome_entry("partly_overturned", Decimal("800.5"))
    assert title == "争议处理结果：保险公司部分改判赔付" and "¥800.50" in detail
    title, detail = disputes.outcome_entry("upheld", Decimal("0"))
    assert title == "争议处理结果：保险公司维持原决定" and "维持" in detail

"""Instant claims on the progress screen and in the butler queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tracking_service.domain import attention, deadlines, guidance
from tracking_service.domain.state import ClaimState
from tracking_service.domain.status_machine import Fact, apply

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _submitted() -> ClaimState:
    state = ClaimState(
        claim_id="C-1", user_id="u-1", insurer_code="ins", claim_type="outpatient", opened_at=T0
    )
    return apply(state, Fact("submitted", T0, "s", "claim.submitted"), received_at=T0).state


def _approved(decided_by: str | None) -> tuple[ClaimState, list[str | None]]:
    data = {"approved_amount": "227.60", "decided_by": decided_by}
    at = T0 + timedelta(seconds=2)
    outcome = apply(
        _submitted(), Fact("approved", at, "a", "claim.decision.approved", data), received_at=at
    )
    details = [guidance.transition_entry(t, outcome.state)[1] for t in outcome.transitions]
    return outcome.state, details


def test_an_instant_approval_says_it_was_decided_instantly() -> None:
    state, details = _approved("lipei-instant")
    assert state.status == "approved" and state.approved_amount == Decimal("227.60")
    assert details[-1] == "秒赔：已自动审核，核定金额 ¥227.60"


def test_an_insurers_own_approval_reads_as_before() -> None:
    _, details = _approved(None)
    assert details[-1] == "核定赔付金额 ¥227.60"


def test_referral_reasons_reach_the_butler_queue_unless_only_the_insurer_must_decide() -> None:
    rules = attention.AttentionRules()
    state = _submitted()
    waiting = state.model_copy(
        update={"referral_reasons": [{"code": "not_delegated", "message": "未授权"}]}
    )
    assert attention.reasons(waiting, [], T0, rules) == []
    flagged = state.model_copy(
        update={
            "referral_reasons": [
                {"code": "duplicate_invoice", "message": "发票已在其他理赔中使用"},
                {"code": "over_instant_limit", "message": "超过上限"},
            ]
        }
    )
    clocks = deadlines.clocks(flagged, T0, deadlines.DEFAULT_POLICY)
    assert [r.code for r in attention.reasons(flagged, clocks, T0, rules)] == ["duplicate_invoice"]

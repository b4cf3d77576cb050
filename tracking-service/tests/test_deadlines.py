"""Legal clocks (Insurance Law arts. 22–25), next actions and the butler's reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tracking_service.domain import attention, deadlines, guidance
from tracking_service.domain.documents import record_verdict
from tracking_service.domain.state import ClaimState
from tracking_service.domain.status_machine import Fact, FactKind, apply

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def claim(claim_type: str = "outpatient", amount: str | None = "484.50") -> ClaimState:
    return ClaimState(
        claim_id="C-9",
        user_id="u-9",
        insurer_code="ins-a",
        claim_type=claim_type,
        opened_at=T0 - DAY,
        claimed_amount=Decimal(amount) if amount else None,
    )


def step(
    state: ClaimState,
    kind: FactKind,
    at: datetime,
    received_at: datetime | None = None,
    **data: object,
) -> ClaimState:
    cause = kind if kind in ("submitted", "supplemented") else f"claim.decision.{kind}"
    fact = Fact(kind, at, f"{kind}@{at.isoformat()}", cause, dict(data))
    return apply(state, fact, received_at=received_at or at).state


def by_kind(state: ClaimState, now: datetime, policy: deadlines.DeadlinePolicy | None = None):  # type: ignore[no-untyped-def]
    return {c.kind: c for c in deadlines.clocks(state, now, policy or deadlines.DEFAULT_POLICY)}


def test_a_draft_has_no_clocks_and_submission_starts_them() -> None:
    assert deadlines.clocks(claim(), T0) == []

    state = step(claim(), "submitted", T0)
    clocks = by_kind(state, T0)

    assert set(clocks) == {"materials_notice", "decision", "prepayment"}
    assert clocks["materials_notice"].due_at == T0 + 5 * DAY
    assert clocks["decision"].due_at == T0 + 30 * DAY
    assert clocks["prepayment"].due_at == T0 + 60 * DAY


def test_the_materials_notice_is_missed_when_the_insurer_stays_silent_five_days() -> None:
    state = step(claim(), "submitted", T0)

    assert [
        c.kind for c in deadlines.newly_breached(state, T0 + 5 * DAY - timedelta(seconds=1))
    ] == []
    assert [c.kind for c in deadlines.newly_breached(state, T0 + 5 * DAY)] == ["materials_notice"]
    assert deadlines.next_due(state, T0) == T0 + 5 * DAY


def test_a_first_decision_in_time_meets_the_materials_notice() -> None:
    state = step(claim(), "submitted", T0)
    state = step(state, "acknowledged", T0 + 2 * DAY)

    notice = by_kind(state, T0 + 10 * DAY)["materials_notice"]
    assert notice.met and not notice.breached(T0 + 10 * DAY)


def test_a_materials_request_after_five_days_misses_the_notice_despite_an_early_receipt() -> None:
    state = step(claim(), "submitted", T0)
    state = step(state, "acknowledged", T0 + DAY)
    assert by_kind(state, T0 + 7 * DAY)["materials_notice"].met
    assert deadlines.newly_breached(state, T0 + 7 * DAY) == []

    materials = [{"doc_type": "expense_list", "reason": "缺少费用清单"}]
    state = step(state, "materials_requested", T0 + 7 * DAY, materials=materials)

    assert [c.kind for c in deadlines.newly_breached(state, T0 + 7 * DAY)] == ["materials_notice"]
    in_time = step(step(claim(), "submitted", T0), "materials_requested", T0 + 4 * DAY)
    assert by_kind(in_time, T0 + 9 * DAY)["materials_notice"].met


def test_time_spent_supplying_materials_does_not_count_against_the_decision() -> None:
    state = step(claim(), "submitted", T0)
    materials = [{"doc_type": "expense_list", "reason": "缺少费用清单"}]
    state = step(state, "materials_requested", T0 + 3 * DAY, materials=materials)

    # While the claimant gathers materials, the decision clock stands still and never breaches.
    paused = by_kind(state, T0 + 40 * DAY)["decision"]
    assert paused.paused and not paused.breached(T0 + 40 * DAY)
    # Only the materials notice (met) and the paused clocks remain: nothing for the scanner.
    assert deadlines.next_due(state, T0 + 40 * DAY) is None

    supplied = Fact("supplemented", T0 + 13 * DAY, "s-1", "claim.materials.supplemented")
    state = apply(state, supplied, received_at=T0 + 13 * DAY).state
    decision = by_kind(state, T0 + 13 * DAY)["decision"]

    assert decision.due_at == T0 + 40 * DAY  # 30 days + the 10 days of the pause
    assert not decision.breached(T0 + 40 * DAY - timedelta(minutes=1))
    assert decision.breached(T0 + 40 * DAY)


def test_payment_is_due_ten_days_after_approval_and_met_by_payment() -> None:
    state = step(claim(), "submitted", T0)
    state = step(state, "approved", T0 + 4 * DAY, approved_amount="400.00")

    payment = by_kind(state, T0 + 4 * DAY)["payment"]
    assert payment.due_at == T0 + 14 * DAY
    assert by_kind(state, T0 + 4 * DAY)["decision"].met
    assert by_kind(state, T0 + 4 * DAY)["prepayment"].met

    paid_at = (T0 + 9 * DAY).isoformat()
    state = step(state, "paid", T0 + 9 * DAY, paid_amount="400.00", paid_at=paid_at)
    assert by_kind(state, T0 + 30 * DAY)["payment"].met
    assert deadlines.newly_breached(state, T0 + 100 * DAY) == []


def test_a_rejection_that_arrives_late_breaches_the_notice_at_once() -> None:
    state = step(claim(), "submitted", T0)
    state = step(state, "rejected", T0 + 5 * DAY, received_at=T0 + 9 * DAY, reason="既往症")

    late = deadlines.newly_breached(state, T0 + 9 * DAY)

    assert [c.kind for c in late] == ["rejection_notice"]
    assert late[0].due_at == T0 + 8 * DAY
    assert "prepayment" not in by_kind(state, T0 + 9 * DAY)


def test_a_breach_is_reported_only_once() -> None:
    state = step(claim(), "submitted", T0)
    state.breached.append("materials_notice")

    assert deadlines.newly_breached(state, T0 + 6 * DAY) == []
    assert deadlines.next_due(state, T0 + 6 * DAY) == T0 + 30 * DAY


def test_periods_can_be_set_per_claim_type() -> None:
    policy = deadlines.DeadlinePolicy(
        days={**deadlines.DEFAULT_DAYS, "decision": 20},
        by_claim_type={"critical_illness": {"decision": 45}},
    )
    outpatient = step(claim(), "submitted", T0)
    critical = step(claim("critical_illness"), "submitted", T0)

    assert by_kind(outpatient, T0, policy)["decision"].due_at == T0 + 20 * DAY
    assert by_kind(critical, T0, policy)["decision"].due_at == T0 + 45 * DAY
    assert by_kind(critical, T0, policy)["materials_notice"].due_at == T0 + 5 * DAY


def test_a_withdrawn_claim_has_no_running_clocks() -> None:
    state = step(claim(), "submitted", T0)
    state = apply(state, Fact("withdrawn", T0 + DAY, "w", "claim.withdrawn"), received_at=T0).state

    assert deadlines.clocks(state, T0 + 90 * DAY) == []
    assert deadlines.next_due(state, T0 + 90 * DAY) is None


# --- what the user is told ----------------------------------------------------------------


def test_a_rejected_document_asks_for_a_clear_photo_until_a_good_one_arrives() -> None:
    state = record_verdict(
        claim(), "medical_invoice", accepted=False, reasons=["照片模糊，请重新拍摄"]
    )

    assert guidance.next_action(state) == "请重新上传清晰的医疗发票照片（照片模糊，请重新拍摄）"

    state = record_verdict(state, "medical_invoice", accepted=True, reasons=[])
    assert guidance.next_action(state) == "请上传所需材料并签名后提交"


def test_materials_requested_names_exactly_what_the_insurer_asked_for() -> None:
    state = step(claim(), "submitted", T0)
    materials = [
        {"doc_type": "expense_list", "reason": "缺少费用清单"},
        {"doc_type": "discharge_summary", "reason": "需出院小结"},
    ]
    state = step(state, "materials_requested", T0 + DAY, materials=materials)

    assert guidance.next_action(state) == (
        "请补充以下材料：费用清单（缺少费用清单）；出院小结（需出院小结）"
    )
    state = step(state, "approved", T0 + 5 * DAY, approved_amount="400.00")
    assert guidance.next_action(state) is None


# --- the butler queue ---------------------------------------------------------------------

RULES = attention.AttentionRules()


def codes(state: ClaimState, now: datetime) -> list[str]:
    return [r.code for r in attention.reasons(state, deadlines.clocks(state, now), now, RULES)]


def test_an_ordinary_claim_needs_no_person() -> None:
    assert codes(step(claim(), "submitted", T0), T0 + DAY) == []


def test_deadlines_near_and_missed_go_to_the_butler() -> None:
    state = step(claim(), "submitted", T0)

    assert codes(state, T0 + 4 * DAY + timedelta(hours=1)) == ["deadline_near"]
    assert codes(state, T0 + 5 * DAY) == ["deadline_breached"]


def test_twice_rejected_documents_large_and_serious_claims_go_to_the_butler() -> None:
    state = claim("inpatient", amount="50000.00")
    for _ in range(2):
        state = record_verdict(state, "bank_card", accepted=False, reasons=["反光"])

    why = attention.reasons(state, [], T0, RULES)

    assert [r.code for r in why] == [
        "documents_rejected_repeatedly",
        "large_amount",
        "serious_claim_type",
    ]
    assert why[0].message == "银行卡已被退回2次"


def test_a_closed_claim_comes_back_only_for_a_missed_deadline() -> None:
    state = step(claim("critical_illness", amount="90000.00"), "submitted", T0)
    state = step(state, "rejected", T0 + DAY, received_at=T0 + 2 * DAY, reason="等待期内")
    assert codes(state, T0 + 3 * DAY) == []

    late = step(claim("critical_illness"), "submitted", T0)
    late = step(late, "rejected", T0 + DAY, received_at=T0 + 6 * DAY, reason="等待期内")
    assert codes(late, T0 + 6 * DAY) == ["deadline_breached"]


def test_a_redelivered_rejection_is_counted_once() -> None:
    state = claim()
    for cause in ("ocr-1", "ocr-1", "ocr-2"):
        state = record_verdict(state, "bank_card", accepted=False, reasons=["反光"], cause_id=cause)

    assert state.documents["bank_card"].rejections == 2


def test_the_queue_lists_the_oldest_claim_first_each_with_why() -> None:
    def opened(claim_id: str, days_ago: int, claim_type: str = "outpatient") -> ClaimState:
        state = claim(claim_type)
        return state.model_copy(update={"claim_id": claim_id, "opened_at": T0 - days_ago * DAY})

    quiet = step(opened("C-quiet", 9), "submitted", T0)
    late = step(opened("C-late", 3), "submitted", T0 - 6 * DAY)
    serious = opened("C-serious", 1, "critical_illness")
    oldest = record_verdict(opened("C-oldest", 20), "bank_card", accepted=False, reasons=[])
    oldest = record_verdict(oldest, "bank_card", accepted=False, reasons=[])

    entries = attention.queue([serious, quiet, late, oldest], T0, deadlines.DEFAULT_POLICY, RULES)

    assert [(e.state.claim_id, [r.code for r in e.reasons]) for e in entries] == [
        ("C-oldest", ["documents_rejected_repeatedly"]),
        ("C-late", ["deadline_breached"]),
        ("C-serious", ["serious_claim_type"]),
    ]


def test_only_a_rejected_claim_can_be_disputed_and_then_it_needs_a_person() -> None:
    from tracking_service.domain.disputes import DisputeRefused, open_dispute

    state = step(claim(), "submitted", T0)
    with pytest.raises(DisputeRefused):
        open_dispute(state, "我有住院记录", T0 + DAY)
    state = step(state, "rejected", T0 + DAY, reason="非保险责任")

    disputed, opened = open_dispute(state, "我有住院记录", T0 + 2 * DAY)
    again, reopened = open_dispute(disputed, "再次申诉", T0 + 3 * DAY)

    assert (opened, reopened) == (True, False)
    assert again.dispute_reason == "我有住院记录"
    assert codes(disputed, T0 + 2 * DAY) == ["disputed"]

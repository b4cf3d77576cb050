"""The claim status machine: examples from API.md and properties over any event order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from tracking_service.domain.state import ClaimState
from tracking_service.domain.status_machine import (
    DECISION_TARGETS,
    GRAPH,
    TERMINAL,
    Fact,
    FactKind,
    Outcome,
    apply,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
_ids = count()

DATA: dict[str, dict[str, Any]] = {
    "materials_requested": {"materials": [{"doc_type": "medical_invoice", "reason": "金额不清"}]},
    "approved": {"approved_amount": "400.00"},
    "rejected": {"reason": "不在保障范围内"},
    "paid": {"paid_amount": "400.00", "paid_at": "2026-11-20T10:00:00+00:00"},
    "submitted": {"claimed_amount": "484.50"},
}


def new_claim() -> ClaimState:
    return ClaimState(
        claim_id="C-1",
        user_id="u-1",
        insurer_code="ins-a",
        claim_type="outpatient",
        opened_at=T0,
    )


def fact(kind: FactKind, hours: float = 1) -> Fact:
    cause_type = kind if kind in ("submitted", "withdrawn") else f"claim.decision.{kind}"
    return Fact(
        kind, T0 + timedelta(hours=hours), f"e-{next(_ids)}", cause_type, DATA.get(kind, {})
    )


def run(state: ClaimState, *facts: Fact) -> tuple[ClaimState, list[Outcome]]:
    outcomes = []
    for f in facts:
        outcome = apply(state, f, received_at=f.at)
        outcomes.append(outcome)
        state = outcome.state
    return state, outcomes


def path(state: ClaimState) -> list[str]:
    return [t.to_status for t in state.transitions]


def test_an_approval_for_a_submitted_claim_passes_through_review_on_the_timeline() -> None:
    state, (_, approved) = run(new_claim(), fact("submitted"), fact("approved", 5))

    assert state.status == "approved"
    assert path(state) == ["submitted", "under_review", "approved"]
    assert [t.cause_type for t in approved.transitions] == ["claim.decision.approved"] * 2
    assert state.transitions[-1].at == T0 + timedelta(hours=5)
    assert state.approved_amount is not None and f"{state.approved_amount}" == "400.00"


def test_paid_before_approved_waits_and_then_applies() -> None:
    state, outcomes = run(new_claim(), fact("submitted"), fact("paid", 3))
    assert outcomes[-1].verdict == "held"
    assert state.status == "submitted"

    state, (approved,) = run(state, fact("approved", 4))

    assert state.status == "paid"
    assert [t.to_status for t in approved.transitions] == ["under_review", "approved", "paid"]
    assert state.held == []


def test_a_repeated_decision_changes_nothing() -> None:
    state, _ = run(new_claim(), fact("submitted"), fact("approved"))
    again, (outcome,) = run(state, fact("approved", 9))

    assert outcome.verdict == "unchanged"
    assert again.transitions == state.transitions


def test_decisions_for_withdrawn_or_rejected_claims_are_recorded_not_applied() -> None:
    withdrawn, _ = run(new_claim(), fact("submitted"), fact("withdrawn"))
    after, (outcome,) = run(withdrawn, fact("approved"))
    assert outcome.verdict == "refused"
    assert after.status == "withdrawn"
    assert [r.cause_type for r in after.refused] == ["claim.decision.approved"]

    rejected, _ = run(new_claim(), fact("submitted"), fact("rejected"))
    after, (outcome,) = run(rejected, fact("paid"))
    assert outcome.verdict == "refused"
    assert after.status == "rejected"


def test_a_materials_request_after_approval_is_refused_and_recorded() -> None:
    state, (*_, outcome) = run(
        new_claim(), fact("submitted"), fact("approved"), fact("materials_requested")
    )

    assert outcome.verdict == "refused"
    assert state.status == "approved"
    assert [r.cause_type for r in state.refused] == ["claim.decision.materials_requested"]


def test_a_decided_claim_can_no_longer_be_withdrawn() -> None:
    state, (*_, outcome) = run(new_claim(), fact("submitted"), fact("approved"), fact("withdrawn"))

    assert outcome.verdict == "refused"
    assert state.status == "approved"


def test_materials_requested_pauses_until_the_claimant_supplies_them() -> None:
    supplied = Fact("supplemented", T0 + timedelta(days=4), "e-s", "claim.materials.supplemented")
    state, _ = run(new_claim(), fact("submitted"), fact("materials_requested", 24), supplied)

    assert path(state) == ["submitted", "under_review", "materials_requested", "under_review"]
    assert state.requested_materials == [{"doc_type": "medical_invoice", "reason": "金额不清"}]
    assert [(p.start, p.end) for p in state.pauses] == [
        (T0 + timedelta(hours=24), T0 + timedelta(days=4))
    ]


def test_a_late_acknowledgement_does_not_end_an_open_materials_request() -> None:
    state, (*_, outcome) = run(
        new_claim(), fact("submitted"), fact("materials_requested", 2), fact("acknowledged", 3)
    )

    assert outcome.verdict == "unchanged"
    assert state.status == "materials_requested"
    assert state.pauses[-1].end is None


def test_a_further_materials_request_adds_to_the_open_one() -> None:
    more = {"materials": [{"doc_type": "expense_list", "reason": "缺少费用清单"}]}
    second = Fact("materials_requested", T0 + timedelta(hours=3), "e-m2", "mr", more)
    state, (*_, outcome) = run(new_claim(), fact("submitted"), fact("materials_requested"), second)

    assert outcome.verdict == "amended"
    assert state.status == "materials_requested"
    assert state.requested_materials == [
        {"doc_type": "medical_invoice", "reason": "金额不清"},
        {"doc_type": "expense_list", "reason": "缺少费用清单"},
    ]
    same_again = Fact("materials_requested", T0 + timedelta(hours=4), "e-m3", "mr", more)
    again, (outcome,) = run(state, same_again)
    assert outcome.verdict == "unchanged"
    assert again.requested_materials == state.requested_materials


def test_an_event_seen_before_changes_nothing_even_after_other_events() -> None:
    supplied = Fact(
        "supplemented", T0 + timedelta(hours=1), "e-sup", "claim.materials.supplemented"
    )
    state, _ = run(new_claim(), fact("submitted"), supplied, fact("materials_requested", 2))

    # Without its id the old supplement would now end the new request.
    again, (outcome,) = run(state, supplied)

    assert outcome.verdict == "unchanged"
    assert again.status == "materials_requested"


def test_a_decision_before_submission_waits_for_it() -> None:
    state, outcomes = run(new_claim(), fact("approved"), fact("submitted", 2))

    assert outcomes[0].verdict == "held"
    assert state.status == "approved"
    assert path(state) == ["submitted", "under_review", "approved"]


# --- properties ---------------------------------------------------------------------------

ALL_KINDS: list[FactKind] = list(get_args(FactKind))
REVIEW_KINDS: list[FactKind] = ["supplemented", "acknowledged", "materials_requested"]


def facts_from(kinds: list[FactKind], redeliver: list[bool]) -> list[Fact]:
    """Facts in the given order; some delivered twice (a redelivery or a resent decision).
    Each materials request asks for something of its own, so none can hide behind another."""
    facts = []
    for i, kind in enumerate(kinds):
        f = fact(kind, i + 1)
        if kind == "materials_requested":
            asked = [{"doc_type": "expense_list", "reason": f"第{i}项"}]
            f = Fact(f.kind, f.at, f.cause_id, f.cause_type, {"materials": asked})
        facts.append(f)
        if redeliver[i % len(redeliver)]:
            facts.append(f)
    return facts


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(ALL_KINDS), max_size=14),
    st.lists(st.booleans(), min_size=1, max_size=5),
)
def test_no_sequence_leaves_the_graph(kinds: list[FactKind], redeliver: list[bool]) -> None:
    facts = facts_from(kinds, redeliver)
    state, _ = run(new_claim(), *facts)

    previous = "draft"
    for t in state.transitions:
        assert t.from_status == previous
        assert t.to_status in GRAPH[t.from_status]
        previous = t.to_status
    assert state.status == previous
    terminal_at = next(
        (i for i, t in enumerate(state.transitions) if t.to_status in TERMINAL), None
    )
    if terminal_at is not None:
        assert terminal_at == len(state.transitions) - 1
    if "submitted" not in kinds:
        assert state.status in ("draft", "withdrawn")
    # No decision is lost: each one was applied, is already reflected on the path, still
    # waits, or is recorded as refused.
    visited = {t.to_status for t in state.transitions}
    applied = {t.cause_id for t in state.transitions}
    held = {h.cause_id for h in state.held}
    refused = {r.cause_id for r in state.refused}
    for f in facts:
        if f.is_decision:
            target = DECISION_TARGETS[f.kind]
            assert f.cause_id in applied | held | refused or target in visited, f
    assert len(refused) == len(state.refused)
    if state.status in ("rejected", "withdrawn"):
        assert state.held == []
    # While materials are outstanding, every request since the claim entered that state is
    # still asked of the claimant.
    if state.status == "materials_requested":
        entered = state.transitions[-1].at
        for f in facts:
            if f.kind == "materials_requested" and f.at >= entered:
                for material in f.data["materials"]:
                    assert material in state.requested_materials, f


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(ALL_KINDS), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 24)), max_size=8),
)
def test_redelivering_earlier_events_anywhere_later_changes_nothing(
    kinds: list[FactKind], copies: list[tuple[int, int]]
) -> None:
    """A consumer restarted from an earlier offset hands old events in again between new ones."""
    facts = facts_from(kinds, [False])
    once, _ = run(new_claim(), *facts)

    replayed = list(facts)
    for which, where in copies:
        original = facts[which % len(facts)]
        first = replayed.index(original)
        replayed.insert(first + 1 + where % (len(replayed) - first), original)
    again, _ = run(new_claim(), *replayed)

    assert again.status == once.status
    assert again.transitions == once.transitions
    assert again.requested_materials == once.requested_materials
    assert (again.held, again.refused) == (once.held, once.refused)


@settings(max_examples=300, deadline=None)
@given(
    st.permutations(["submitted", "approved", "paid"]),
    st.lists(st.sampled_from([*REVIEW_KINDS, "approved", "paid"]), max_size=8),
    st.lists(st.booleans(), min_size=1, max_size=5),
    st.randoms(use_true_random=False),
)
def test_approved_and_paid_in_any_order_end_paid(
    core: list[FactKind], noise: list[FactKind], redeliver: list[bool], rnd: Any
) -> None:
    kinds = list(core) + noise
    rnd.shuffle(kinds)

    state, _ = run(new_claim(), *facts_from(kinds, redeliver))

    assert state.status == "paid"
    assert path(state)[-2:] == ["approved", "paid"]
    assert state.held == []


@settings(max_examples=200, deadline=None)
@given(
    st.permutations(["submitted", "rejected"]),
    st.lists(st.sampled_from([*REVIEW_KINDS, "rejected", "paid"]), max_size=6),
    st.randoms(use_true_random=False),
)
def test_a_rejection_without_approval_always_ends_rejected(
    core: list[FactKind], noise: list[FactKind], rnd: Any
) -> None:
    kinds = list(core) + noise
    rnd.shuffle(kinds)

    state, _ = run(new_claim(), *facts_from(kinds, [False]))

    assert state.status == "rejected"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALL_KINDS), min_size=1, max_size=10))
def test_delivering_the_same_fact_twice_in_a_row_changes_nothing(kinds: list[FactKind]) -> None:
    facts = facts_from(kinds, [False])
    state, _ = run(new_claim(), *facts)

    again, (outcome,) = run(state, facts[-1])

    assert outcome.verdict != "applied"
    assert again.status == state.status
    assert again.transitions == state.transitions

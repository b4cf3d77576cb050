"""The claim status machine (API.md):

    draft → submitted → under_review ⇄ materials_requested → approved → paid
    or rejected (from review), or withdrawn (while not yet decided).

An insurer decision implies the stages before it (an `approved` for a `submitted` claim passes
through `under_review`); a `paid` that arrives before its `approved` is held and applied once
`approved` arrives; a decision that is already reflected changes nothing; decisions for withdrawn
or rejected claims are refused (recorded, not applied). An event seen before (same id) changes
nothing, wherever it turns up again; a second materials request while the first is still open
adds its materials to the open list instead of being dropped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from tracking_service.domain.state import (
    ClaimState,
    HeldDecision,
    Pause,
    RefusedDecision,
    Status,
    Transition,
)

GRAPH: dict[Status, frozenset[Status]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"under_review", "withdrawn"}),
    "under_review": frozenset({"materials_requested", "approved", "rejected", "withdrawn"}),
    "materials_requested": frozenset({"under_review", "withdrawn"}),
    "approved": frozenset({"paid"}),
    "paid": frozenset(),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
}

TERMINAL: frozenset[Status] = frozenset({"paid", "rejected", "withdrawn"})

# Insurer decision kind (the part after `claim.decision.`) → the status it leads to.
DECISION_TARGETS: dict[str, Status] = {
    "acknowledged": "under_review",
    "materials_requested": "materials_requested",
    "approved": "approved",
    "rejected": "rejected",
    "paid": "paid",
}

# How far along the main line a status is; a decision for an earlier stage is stale.
_PROGRESS: dict[Status, int] = {
    "draft": 0,
    "submitted": 1,
    "under_review": 2,
    "materials_requested": 2,
    "approved": 3,
    "paid": 4,
}

FactKind = Literal[
    "submitted",
    "supplemented",
    "withdrawn",
    "acknowledged",
    "materials_requested",
    "approved",
    "rejected",
    "paid",
]

# `amended`: no status change, but what the claimant is asked for grew (see `_amend_materials`).
Verdict = Literal["applied", "amended", "held", "unchanged", "refused"]


@dataclass(frozen=True)
class Fact:
    """Something that happened to a claim: a claimant action or an insurer decision."""

    kind: FactKind
    at: datetime
    cause_id: str
    cause_type: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_decision(self) -> bool:
        return self.kind in DECISION_TARGETS


@dataclass
class Outcome:
    state: ClaimState
    verdict: Verdict
    transitions: list[Transition]
    reason: str | None = None


def path_between(start: Status, goal: Status) -> list[Status] | None:
    """Shortest walk on the graph from `start` to `goal` (excluding `start`), not via withdrawn."""
    previous: dict[Status, Status | None] = {start: None}
    queue: deque[Status] = deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            steps: list[Status] = []
            node: Status | None = here
            while node is not None and node != start:
                steps.append(node)
                node = previous[node]
            return list(reversed(steps))
        for nxt in sorted(GRAPH[here]):
            if nxt == "withdrawn" and goal != "withdrawn":
                continue
            if nxt not in previous:
                previous[nxt] = here
                queue.append(nxt)
    return None


def apply(state: ClaimState, fact: Fact, *, received_at: datetime) -> Outcome:
    """Apply one fact; then retry held decisions that may now fit. Never mutates `state`."""
    if fact.cause_id in state.seen:
        return Outcome(state, "unchanged", [], "this event was applied before")
    state = state.model_copy(deep=True)
    state.seen.append(fact.cause_id)
    outcome = _apply_one(state, fact, received_at)
    if outcome.verdict == "applied":
        _release_held(state, outcome, received_at)
    if state.status in ("rejected", "withdrawn"):
        # Decisions still waiting can never apply now: record them as refused.
        for held in state.held:
            state.refused.append(
                RefusedDecision(
                    cause_id=held.cause_id,
                    cause_type=held.cause_type,
                    reason=f"the claim was {state.status}",
                    at=held.at,
                )
            )
        state.held.clear()
    return outcome


def _apply_one(state: ClaimState, fact: Fact, received_at: datetime) -> Outcome:
    if fact.is_decision:
        return _decide(state, fact, received_at)
    if fact.kind == "submitted":
        if state.status != "draft":
            return Outcome(state, "unchanged", [], "already submitted")
        return _walk(state, fact, ["submitted"], received_at)
    if fact.kind == "supplemented":
        if state.status != "materials_requested":
            return Outcome(state, "unchanged", [], "no materials were outstanding")
        return _walk(state, fact, ["under_review"], received_at)
    # withdrawn
    if state.status == "withdrawn":
        return Outcome(state, "unchanged", [], "already withdrawn")
    if "withdrawn" not in GRAPH[state.status]:
        return Outcome(state, "refused", [], f"a {state.status} claim can no longer be withdrawn")
    return _walk(state, fact, ["withdrawn"], received_at)


def _decide(state: ClaimState, fact: Fact, received_at: datetime) -> Outcome:
    target = DECISION_TARGETS[fact.kind]
    current = state.status
    if fact.kind == "materials_requested" and current == "materials_requested":
        return _amend_materials(state, fact)
    if current == target:
        return Outcome(state, "unchanged", [], f"the claim is already {current}")
    if current in ("rejected", "withdrawn"):
        return _refuse(state, fact, f"the claim is {current}")
    if fact.kind == "acknowledged" and current not in ("draft", "submitted"):
        # Receipt of the claim is already behind it; it must not end an open materials request.
        return Outcome(state, "unchanged", [], f"a {current} claim was acknowledged before")
    if current == "draft" or (target == "paid" and current != "approved"):
        # Not yet possible, but it will be: keep it until the claim gets there.
        if not any(h.cause_id == fact.cause_id for h in state.held):
            state.held.append(
                HeldDecision(
                    cause_id=fact.cause_id,
                    cause_type=fact.cause_type,
                    kind=fact.kind,
                    at=fact.at,
                    data=fact.data,
                )
            )
        return Outcome(state, "held", [], f"waits until the claim can become {target}")
    if target in _PROGRESS and _PROGRESS[target] < _PROGRESS[current]:
        if any(t.to_status == target for t in state.transitions):
            return Outcome(state, "unchanged", [], f"{target} is already behind a {current} claim")
        return _refuse(state, fact, f"a {current} claim cannot go back to {target}")
    steps = path_between(current, target)
    if steps is None:
        return _refuse(state, fact, f"{current} cannot become {target}")
    return _walk(state, fact, steps, received_at)


def _amend_materials(state: ClaimState, fact: Fact) -> Outcome:
    """A further request while materials are outstanding: the claimant needs both lists."""
    asked = [
        {"doc_type": str(m["doc_type"]), "reason": str(m["reason"])}
        for m in fact.data.get("materials", [])
    ]
    new = [m for m in asked if m not in state.requested_materials]
    if not new:
        return Outcome(state, "unchanged", [], "these materials are already requested")
    state.requested_materials = [*state.requested_materials, *new]
    return Outcome(state, "amended", [], "more materials requested")


def _refuse(state: ClaimState, fact: Fact, reason: str) -> Outcome:
    if any(r.cause_id == fact.cause_id for r in state.refused):
        return Outcome(state, "refused", [], reason)
    state.refused.append(
        RefusedDecision(
            cause_id=fact.cause_id, cause_type=fact.cause_type, reason=reason, at=fact.at
        )
    )
    return Outcome(state, "refused", [], reason)


def _walk(state: ClaimState, fact: Fact, steps: list[Status], received_at: datetime) -> Outcome:
    transitions = []
    for step in steps:
        assert step in GRAPH[state.status], f"{state.status} → {step} is not on the graph"
        transition = Transition(
            from_status=state.status,
            to_status=step,
            at=fact.at,
            cause_id=fact.cause_id,
            cause_type=fact.cause_type,
        )
        _record_facts(state, transition, fact, received_at)
        state.status = step
        state.transitions.append(transition)
        transitions.append(transition)
    return Outcome(state, "applied", transitions)


def _record_facts(
    state: ClaimState, transition: Transition, fact: Fact, received_at: datetime
) -> None:
    """Keep what the legal clocks and the progress screen need to know."""
    at = transition.at
    if (
        transition.from_status == "materials_requested"
        and state.pauses
        and state.pauses[-1].end is None
    ):
        state.pauses[-1].end = max(at, state.pauses[-1].start)
    if fact.is_decision and state.first_response_at is None:
        state.first_response_at = at
    to = transition.to_status
    if to == "submitted":
        state.submitted_at = at
        if fact.data.get("claimed_amount") is not None:
            state.claimed_amount = Decimal(str(fact.data["claimed_amount"]))
    elif to == "materials_requested":
        if state.first_materials_request_at is None:
            state.first_materials_request_at = at
        state.requested_materials = [
            {"doc_type": str(m["doc_type"]), "reason": str(m["reason"])}
            for m in fact.data.get("materials", [])
        ]
        state.pauses.append(Pause(start=at))
    elif to == "approved":
        state.approved_at = at
        if fact.kind == "approved":
            state.approved_amount = Decimal(str(fact.data["approved_amount"]))
            state.approved_by = fact.data.get("decided_by")
    elif to == "rejected":
        state.rejected_at = at
        state.rejection_received_at = received_at
        state.rejection_reason = str(fact.data.get("reason") or "")
    elif to == "paid":
        paid_at = fact.data.get("paid_at")
        state.paid_at = datetime.fromisoformat(paid_at) if isinstance(paid_at, str) else at
        state.paid_amount = Decimal(str(fact.data["paid_amount"]))


def _release_held(state: ClaimState, outcome: Outcome, received_at: datetime) -> None:
    progressed = True
    while progressed and state.held:
        progressed = False
        for held in list(state.held):
            fact = Fact(
                kind=held.kind,  # type: ignore[arg-type]
                at=held.at,
                cause_id=held.cause_id,
                cause_type=held.cause_type,
                data=held.data,
            )
            state.held.remove(held)
            retried = _decide(state, fact, received_at)
            if retried.verdict == "held":
                continue  # _decide put it back
            outcome.transitions.extend(retried.transitions)
            progressed = progressed or retried.verdict == "applied"


DECISION_EVENT_TYPES: tuple[str, ...] = tuple(f"claim.decision.{k}" for k in DECISION_TARGETS)

"""Legal clocks of China's Insurance Law, arts. 22–25, computed from a claim's state.

- `materials_notice` (art. 22): the insurer tells the claimant, at once, every missing material —
  by default within 5 days of submission. Its first materials request is that notice; a claim for
  which nothing is ever requested has it met by the insurer's first decision. A request that
  first comes after the period misses it, even if an acknowledgement came in time.
- `decision` (art. 23): decide within 30 days of the claim being complete; the days the claimant
  spends supplying requested materials do not count (the clock pauses while
  `materials_requested`). Approval or rejection meets it.
- `payment` (art. 23): pay within 10 days of agreement (`approved`).
- `rejection_notice` (art. 24): a reasoned rejection reaches the claimant within 3 days of the
  decision; met when the rejection (with its reason) arrives on the platform.
- `prepayment` (art. 25): if the amount is still open 60 days after the claim and its proofs
  arrived, the undisputed part must be paid in advance; an approval (amount settled) meets it.

Periods are configurable per claim type, since contracts may agree other limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracking_service.domain.state import ClaimState

DEFAULT_DAYS: dict[str, float] = {
    "materials_notice": 5,
    "decision": 30,
    "payment": 10,
    "rejection_notice": 3,
    "prepayment": 60,
}

KINDS = tuple(DEFAULT_DAYS)


@dataclass(frozen=True)
class DeadlinePolicy:
    """Days per clock kind, with overrides for some claim types."""

    days: Mapping[str, float]
    by_claim_type: Mapping[str, Mapping[str, float]]

    def period(self, kind: str, claim_type: str) -> timedelta:
        override = self.by_claim_type.get(claim_type, {})
        days = override.get(kind, self.days.get(kind, DEFAULT_DAYS[kind]))
        return timedelta(days=days)


DEFAULT_POLICY = DeadlinePolicy(days=DEFAULT_DAYS, by_claim_type={})


@dataclass(frozen=True)
class Clock:
    kind: str
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    paused: bool

    @property
    def met(self) -> bool:
        return self.met_at is not None and self.met_at <= self.due_at

    def breached(self, now: datetime) -> bool:
        if self.met_at is not None:
            return self.met_at > self.due_at
        return not self.paused and now >= self.due_at

    def open_at(self, now: datetime) -> bool:
        """Still running: neither met nor missed."""
        return self.met_at is None and not self.breached(now)


def _paused_time(state: ClaimState, now: datetime) -> tuple[timedelta, bool]:
    total = timedelta()
    paused = False
    for pause in state.pauses:
        end = pause.end
        if end is None:
            paused = True
            end = max(now, pause.start)
        total += end - pause.start
    return total, paused


def clocks(
    state: ClaimState, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY
) -> list[Clock]:
    """Every clock that has started for this claim, as of `now`. A withdrawn claim has none."""
    if state.status == "withdrawn" or state.submitted_at is None:
        return []
    ct = state.claim_type
    submitted = state.submitted_at
    paused_for, paused_now = _paused_time(state, now)
    decided_at = state.approved_at or state.rejected_at
    notice_at = state.first_materials_request_at or state.first_response_at
    result = [
        Clock(
            "materials_notice",
            submitted,
            submitted + policy.period("materials_notice", ct),
            notice_at,
            False,
        ),
        Clock(
            "decision",
            submitted,
            submitted + policy.period("decision", ct) + paused_for,
            decided_at,
            paused_now and decided_at is None,
        ),
    ]
    if state.status != "rejected":
        result.append(
            Clock(
                "prepayment",
                submitted,
                submitted + policy.period("prepayment", ct) + paused_for,
                state.approved_at,
                paused_now and state.approved_at is None,
            )
        )
    if state.approved_at is not None:
        result.append(
            Clock(
                "payment",
                state.approved_at,
                state.approved_at + policy.period("payment", ct),
                state.paid_at,
                False,
            )
        )
    if state.rejected_at is not None:
        result.append(
            Clock(
                "rejection_notice",
                state.rejected_at,
                state.rejected_at + policy.period("rejection_notice", ct),
                state.rejection_received_at,
                False,
            )
        )
    return result


def newly_breached(
    state: ClaimState, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY
) -> list[Clock]:
    """Clocks missed as of `now` that have not been reported yet (each is reported once)."""
    return [
        c for c in clocks(state, now, policy) if c.breached(now) and c.kind not in state.breached
    ]


def next_due(
    state: ClaimState, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY
) -> datetime | None:
    """When the scanner should look at this claim again: the earliest running, unreported clock."""
    dues = [
        c.due_at
        for c in clocks(state, now, policy)
        if c.met_at is None and not c.paused and c.kind not in state.breached
    ]
    return min(dues) if dues else None

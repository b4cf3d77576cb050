"""A policyholder disputing a rejection: the butler takes it up with the insurer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tracking_service.domain.state import ClaimState


class DisputeRefused(ValueError):
    """Only a rejected claim can be disputed."""


def open_dispute(state: ClaimState, reason: str, at: datetime) -> tuple[ClaimState, bool]:
    """Returns the new state and whether this opened a dispute (False: one was already open)."""
    if state.status != "rejected":
        raise DisputeRefused(f"only a rejected claim can be disputed; this one is {state.status}")
    if state.disputed_at is not None:
        return state, False
    state = state.model_copy(deep=True)
    state.disputed_at = at
    state.dispute_reason = reason
    return state, True


OUTCOME_TITLES = {
    "overturned": "保险公司改判赔付",
    "partly_overturned": "保险公司部分改判赔付",
    "upheld": "保险公司维持原决定",
}


def close_dispute(
    state: ClaimState, outcome: str, recovered: Decimal, at: datetime
) -> tuple[ClaimState, bool]:
    """Returns the new state and whether this closed the dispute (False: already closed).

    A butler may take up a rejection the user never disputed in the app: the dispute then
    opens and closes with the outcome."""
    if state.dispute_closed_at is not None:
        return state, False
    state = state.model_copy(deep=True)
    state.disputed_at = state.disputed_at or at
    state.dispute_outcome = outcome
    state.dispute_closed_at = at
    state.recovered_amount = recovered
    return state, True


def outcome_entry(outcome: str, recovered: Decimal) -> tuple[str, str]:
    """The timeline entry (title, detail) that tells the user what came of the dispute."""
    title = "争议处理结果：" + OUTCOME_TITLES.get(outcome, outcome)
    if recovered > 0:
        return title, f"经管家与保险公司沟通复核，追回赔款¥{recovered:.2f}"
    return title, "经管家与保险公司沟通复核，保险公司维持原决定"

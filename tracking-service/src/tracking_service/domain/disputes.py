"""A policyholder disputing a rejection: the butler takes it up with the insurer."""

from __future__ import annotations

from datetime import datetime

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

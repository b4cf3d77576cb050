"""Which filing actions each claim status allows (tracking-service owns the statuses; intake
mirrors them and decides only what the policyholder may still do)."""

from __future__ import annotations

EDITABLE = frozenset({"draft", "materials_requested"})
WITHDRAWABLE = frozenset({"draft", "submitted", "under_review", "materials_requested"})
FINAL = frozenset({"approved", "paid", "rejected", "withdrawn"})


def can_upload(status: str) -> bool:
    return status in EDITABLE


def can_withdraw(status: str) -> bool:
    return status in WITHDRAWABLE


def mirrored_status(current: str, reported: str) -> str:
    """Tracking's status wins, except that it never takes a claim back to draft (an echo of the
    draft event arriving late) nor out of a final status."""
    if current in FINAL or reported == "draft":
        return current
    return reported

"""What tracking knows about one claim, kept as one JSON document per claim."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from lipei.events import ClaimStatus

# The claim statuses of the contract (API.md), as the events carry them.
Status = ClaimStatus


class Transition(BaseModel):
    """One step on the graph, with the event that caused it."""

    from_status: Status | None
    to_status: Status
    at: datetime
    cause_id: str
    cause_type: str


class HeldDecision(BaseModel):
    """An insurer decision that cannot apply yet (e.g. `paid` before `approved`)."""

    cause_id: str
    cause_type: str
    kind: str
    at: datetime
    data: dict[str, Any] = {}


class RefusedDecision(BaseModel):
    cause_id: str
    cause_type: str
    reason: str
    at: datetime


class Pause(BaseModel):
    """While the claimant supplies requested materials, the decision clock stands still."""

    start: datetime
    end: datetime | None = None


class DocumentHistory(BaseModel):
    """Verdicts on one document type of this claim."""

    rejections: int = 0
    last_verdict: Literal["accepted", "rejected"] = "accepted"
    last_reasons: list[str] = []


class ClaimState(BaseModel):
    claim_id: str
    user_id: str
    insurer_code: str
    claim_type: str
    status: Status = "draft"
    opened_at: datetime
    claimed_amount: Decimal | None = None
    submitted_at: datetime | None = None
    first_response_at: datetime | None = None
    # When the insurer first asked for missing materials (art. 22 wants that early and once).
    first_materials_request_at: datetime | None = None
    approved_at: datetime | None = None
    approved_amount: Decimal | None = None
    # `lipei-instant` when the platform approved under the insurer's delegated authority
    approved_by: str | None = None
    rejected_at: datetime | None = None
    rejection_received_at: datetime | None = None
    rejection_reason: str | None = None
    paid_at: datetime | None = None
    paid_amount: Decimal | None = None
    requested_materials: list[dict[str, str]] = []
    pauses: list[Pause] = []
    documents: dict[str, DocumentHistory] = {}
    transitions: list[Transition] = []
    held: list[HeldDecision] = []
    refused: list[RefusedDecision] = []
    breached: list[str] = Field(default_factory=list)
    # Every event id applied to this claim, so a redelivered event never counts twice.
    seen: list[str] = Field(default_factory=list)
    disputed_at: datetime | None = None
    dispute_reason: str | None = None
    # What came of the dispute the butler took up (claim.dispute.resolved): it is then closed.
    dispute_outcome: str | None = None
    dispute_closed_at: datetime | None = None
    recovered_amount: Decimal | None = None
    # Per accepted document: fields OCR could not place that a person has still to key in.
    fields_to_review: dict[str, list[str]] = Field(default_factory=dict)
    # Why the instant assessment referred the claim to a person ({code, message} each).
    referral_reasons: list[dict[str, str]] = Field(default_factory=list)

"""Response shapes of tracking-service's HTTP API (they document the OpenAPI too)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TimelineEntry(BaseModel):
    status: str
    at: str = Field(description="ISO 8601 with offset")
    title: str = Field(description="zh-CN, e.g. 保险公司审核中")
    detail: str | None


class Deadline(BaseModel):
    kind: str = Field(
        description="materials_notice, decision, payment, rejection_notice or prepayment"
    )
    title: str
    due_at: str
    met: bool = Field(description="the insurer acted in time")
    breached: bool = Field(description="the time limit passed unmet (or was met late)")
    paused: bool = Field(description="stands still while the claimant supplies materials")


class Progress(BaseModel):
    claim_id: str
    status: str
    timeline: list[TimelineEntry]
    deadlines: list[Deadline]
    next_action: str | None = Field(description="what the user should do now, zh-CN")


class DecisionAccepted(BaseModel):
    decision_id: str = Field(description="the CloudEvents id it travels under")
    claim_id: str
    type: str
    status: str


class Dispute(BaseModel):
    claim_id: str
    disputed_at: str
    reason: str | None


class AttentionReason(BaseModel):
    code: str = Field(
        description="deadline_breached, deadline_near, documents_rejected_repeatedly, "
        "large_amount, serious_claim_type, disputed or fields_to_review (a document's fields "
        "OCR could not place wait for a person to key them in); or why the instant "
        "assessment referred the claim (duplicate_invoice, name_mismatch, "
        "outside_policy_period, not_covered, missing_fields, amounts_inconsistent, "
        "date_inconsistent, visit_type_mismatch)"
    )
    message: str


class AttentionItem(BaseModel):
    claim_id: str
    user_id: str
    insurer_code: str
    claim_type: str
    status: str
    amount: str | None
    opened_at: str
    reasons: list[AttentionReason]
    deadlines: list[Deadline]


class AttentionPage(BaseModel):
    items: list[AttentionItem]
    next_cursor: str | None

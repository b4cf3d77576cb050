"""Response shapes of tracking-service's HTTP API (they document the OpenAPI too)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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


class StatsDay(BaseModel):
    date: str = Field(description="YYYY-MM-DD, China time")
    drafted: int
    submitted: int
    approved: int
    paid: int
    rejected: int
    withdrawn: int
    decisions: int = Field(description="first decisions (approved or rejected) that day")
    instant_decisions: int = Field(description="of them, approved at once by the platform")
    deadlines_breached: int = Field(description="legal deadlines that fell due unmet that day")


class StageTotals(BaseModel):
    drafted: int
    submitted: int
    approved: int
    paid: int
    rejected: int
    withdrawn: int


class HistogramBucket(BaseModel):
    from_hours: float
    to_hours: float | None = Field(description="null: open-ended")
    count: int


class DecisionDurations(BaseModel):
    count: int
    p50_hours: float | None
    p90_hours: float | None
    histogram: list[HistogramBucket]


class FirstTryAcceptance(BaseModel):
    doc_type: str
    documents: int = Field(description="document types asked for on claims drafted in the range")
    accepted_first_try: int
    share: float | None


class WeekBreaches(BaseModel):
    week_start: str = Field(description="the Monday, YYYY-MM-DD")
    deadlines_breached: int


class InstantShare(BaseModel):
    decisions: int
    instant_decisions: int
    share: float | None


class Stats(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    days: list[StatsDay]
    totals: StageTotals = Field(description="claims that reached each stage in the range")
    decision_durations: DecisionDurations = Field(description="submit to decision, in hours")
    first_try: list[FirstTryAcceptance]
    instant: InstantShare
    deadlines_breached: int
    breaches_by_week: list[WeekBreaches]

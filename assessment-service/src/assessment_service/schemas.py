"""Response shapes of assessment-service's HTTP API (they document the OpenAPI too)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ReasonOut(BaseModel):
    code: str = Field(
        description="duplicate_invoice, name_mismatch, outside_policy_period, not_covered, "
        "missing_fields, not_delegated, over_instant_limit, amounts_inconsistent, "
        "date_inconsistent or visit_type_mismatch"
    )
    message: str = Field(description="zh-CN")


class LineOut(BaseModel):
    document_id: str
    invoice_code: str | None
    invoice_number: str | None
    total_amount: str | None
    insurance_paid: str | None
    eligible_amount: str = Field(description="total_amount − insurance_paid")


class FiredRule(BaseModel):
    rule_id: str
    description: str
    code: str


class AssessmentOut(BaseModel):
    claim_id: str
    outcome: Literal["approved", "referred"]
    payable_amount: str = Field(description="yuan, e.g. 484.50")
    reasons: list[ReasonOut]
    lines: list[LineOut]
    deductible_applied: str
    reimbursement_ratio: str
    rules_version: str
    rules_fired: list[FiredRule] = Field(description="the rows of the decision table that held")
    assessed_at: str = Field(description="ISO 8601 with offset")

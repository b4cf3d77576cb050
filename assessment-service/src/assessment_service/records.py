"""What the assessment keeps, as plain records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

LedgerStatus = Literal["open", "approved", "closed"]


@dataclass(frozen=True)
class LedgerClaim:
    """One claim's hold on its policy year (policy and year unknown until it is assessed)."""

    claim_id: str
    policy_id: str | None
    year_start: date | None
    status: LedgerStatus
    base_total: Decimal
    policy_deductible: Decimal
    deductible_used: Decimal
    approved_amount: Decimal
    decided_by: str | None
    updated_at: datetime


@dataclass(frozen=True)
class StoredAssessment:
    claim_id: str
    user_id: str
    insurer_code: str
    policy_id: str | None
    outcome: str
    payable_amount: Decimal
    deductible_applied: Decimal
    reimbursement_ratio: Decimal
    reasons: list[dict[str, str]]
    lines: list[dict[str, Any]]
    rules_version: str
    trace: list[dict[str, str]]
    assessed_at: datetime

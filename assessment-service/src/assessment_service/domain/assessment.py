"""The instant assessment of one submitted claim: the arithmetic, then the referral rules. A claim
no rule refers is approved for the payable amount; otherwise a person decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from assessment_service.domain import facts as claim_facts
from assessment_service.domain.facts import InvoiceKey, Line
from assessment_service.domain.money import ZERO
from assessment_service.domain.payable import ONE, Usage, payable
from assessment_service.domain.rules import Fired, Reason, RuleBook
from lipei.events import AssessmentFacts

Outcome = Literal["approved", "referred"]


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    payable_amount: Decimal
    base_total: Decimal
    deductible_applied: Decimal
    reimbursement_ratio: Decimal
    reasons: tuple[Reason, ...]
    lines: tuple[Line, ...]
    fired: tuple[Fired, ...]
    rules_version: str


def _explained(reason: Reason, missing: list[str]) -> Reason:
    """The missing-fields reason names what was not read."""
    if reason.code == "missing_fields" and missing:
        return Reason(reason.code, f"{reason.message}：{'、'.join(missing)}")
    return reason


def assess(
    *,
    claim_type: str,
    facts: AssessmentFacts | None,
    usage: Usage,
    taken: set[InvoiceKey],
    today: date,
    rules: RuleBook,
) -> Assessment:
    """`usage`: what earlier approvals of the claim's policy year used; `taken`: this claim's
    invoices that another live claim on the platform holds."""
    lines = [claim_facts.line(i) for i in facts.invoices] if facts else []
    duplicates = taken | claim_facts.repeated_within(lines)
    if facts is None:
        amount, base_total, applied, ratio = ZERO, ZERO, ZERO, ONE
    else:
        terms = claim_facts.terms(facts)
        result = payable([line.eligible_amount for line in lines], terms, usage)
        amount, base_total, applied = result.amount, result.base_total, result.deductible_applied
        ratio = terms.ratio
    verdict = rules.evaluate(
        claim_facts.rule_input(
            claim_type=claim_type, facts=facts, duplicates=duplicates, payable=amount, today=today
        )
    )
    missing = claim_facts.missing_fields(facts)
    return Assessment(
        outcome="referred" if verdict.reasons else "approved",
        payable_amount=amount,
        base_total=base_total,
        deductible_applied=applied,
        reimbursement_ratio=ratio,
        reasons=tuple(_explained(r, missing) for r in verdict.reasons),
        lines=tuple(lines),
        fired=verdict.fired,
        rules_version=rules.version,
    )

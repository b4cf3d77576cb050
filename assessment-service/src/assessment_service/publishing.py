"""An assessment as it is kept and as it is told: the stored row, `claim.assessed`, and the
approval published in the insurer's name."""

from __future__ import annotations

from datetime import datetime

from assessment_service.domain.assessment import Assessment
from assessment_service.records import StoredAssessment
from lipei.events import (
    INSTANT_DECIDER,
    AssessmentLine,
    ClaimAssessed,
    ClaimSubmitted,
    DecisionApproved,
    Reason,
)


def lines(result: Assessment) -> list[AssessmentLine]:
    return [
        AssessmentLine(
            document_id=line.document_id,
            invoice_code=line.invoice_code,
            invoice_number=line.invoice_number,
            total_amount=line.total_amount,
            insurance_paid=line.insurance_paid,
            eligible_amount=line.eligible_amount,
        )
        for line in result.lines
    ]


def stored(
    event: ClaimSubmitted, policy_id: str | None, result: Assessment, now: datetime
) -> StoredAssessment:
    return StoredAssessment(
        claim_id=event.claim_id,
        user_id=event.user_id,
        insurer_code=event.insurer_code,
        policy_id=policy_id,
        outcome=result.outcome,
        payable_amount=result.payable_amount,
        deductible_applied=result.deductible_applied,
        reimbursement_ratio=result.reimbursement_ratio,
        reasons=[{"code": r.code, "message": r.message} for r in result.reasons],
        lines=[line.model_dump(mode="json") for line in lines(result)],
        rules_version=result.rules_version,
        trace=[
            {"rule_id": f.rule_id, "description": f.description, "code": f.code}
            for f in result.fired
        ],
        assessed_at=now,
    )


def assessed_event(event: ClaimSubmitted, result: Assessment, now: datetime) -> ClaimAssessed:
    return ClaimAssessed(
        claim_id=event.claim_id,
        insurer_code=event.insurer_code,
        outcome=result.outcome,
        payable_amount=result.payable_amount,
        reasons=[Reason(code=r.code, message=r.message) for r in result.reasons],
        lines=lines(result),
        deductible_applied=result.deductible_applied,
        reimbursement_ratio=result.reimbursement_ratio,
        rules_version=result.rules_version,
        assessed_at=now,
    )


def instant_approval(event: ClaimSubmitted, result: Assessment, now: datetime) -> DecisionApproved:
    """The decision the insurer delegated: published in its name, marked as the platform's."""
    return DecisionApproved(
        claim_id=event.claim_id,
        insurer_code=event.insurer_code,
        decided_at=now,
        approved_amount=result.payable_amount,
        decided_by=INSTANT_DECIDER,
    )

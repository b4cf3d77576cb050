"""HTTP routes: a claim's assessment, for its owner, its insurer and ops; 404 for anyone else
and until the claim is assessed."""

from __future__ import annotations

from fastapi import APIRouter

from assessment_service import store
from assessment_service.domain.money import yuan
from assessment_service.records import StoredAssessment
from assessment_service.schemas import AssessmentOut, FiredRule, LineOut, ReasonOut
from lipei.app import RuntimeDep
from lipei.clock import iso
from lipei.web import CallerDep, Problem, require_insurer, require_ops, require_user

router = APIRouter()


async def _assessment(runtime: RuntimeDep, claim_id: str) -> StoredAssessment:
    async with runtime.sessionmaker() as session:
        found = await store.get_assessment(session, claim_id)
    if found is None:
        raise _not_found()
    return found


def _not_found() -> Problem:
    return Problem(404, "no assessment of this claim", type="assessment-not-found")


@router.get("/api/v1/claims/{claim_id}/assessment", tags=["claims"])
async def own_assessment(claim_id: str, caller: CallerDep, runtime: RuntimeDep) -> AssessmentOut:
    user_id = require_user(caller)
    found = await _assessment(runtime, claim_id)
    if found.user_id != user_id:
        raise _not_found()
    return view(found)


@router.get("/partner/v1/claims/{claim_id}/assessment", tags=["partner"])
async def insurers_assessment(
    claim_id: str, caller: CallerDep, runtime: RuntimeDep
) -> AssessmentOut:
    insurer = require_insurer(caller)
    found = await _assessment(runtime, claim_id)
    if found.insurer_code != insurer:
        raise _not_found()
    return view(found)


@router.get("/ops/v1/claims/{claim_id}/assessment", tags=["ops"])
async def ops_assessment(claim_id: str, caller: CallerDep, runtime: RuntimeDep) -> AssessmentOut:
    require_ops(caller)
    return view(await _assessment(runtime, claim_id))


def view(found: StoredAssessment) -> AssessmentOut:
    assessed_at = iso(found.assessed_at)
    assert assessed_at is not None
    return AssessmentOut(
        claim_id=found.claim_id,
        outcome="approved" if found.outcome == "approved" else "referred",
        payable_amount=yuan(found.payable_amount),
        reasons=[ReasonOut(**r) for r in found.reasons],
        lines=[LineOut(**line) for line in found.lines],
        deductible_applied=yuan(found.deductible_applied),
        reimbursement_ratio=str(found.reimbursement_ratio),
        rules_version=found.rules_version,
        rules_fired=[FiredRule(**f) for f in found.trace],
        assessed_at=assessed_at,
    )

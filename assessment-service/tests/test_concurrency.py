"""Two claims at the same instant, on the real database (PostgreSQL when LIPEI_TEST_POSTGRES_URL
is set): one invoice in two claims gives exactly one approval, and two claims of one policy never
both use its deductible."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assessment_service.app import MIGRATIONS
from assessment_service.assessor import Assessor
from assessment_service.domain.rules import RuleBook
from assessment_service.models import assessments, ledger_claims
from lipei.clock import MovableClock
from lipei.db import make_engine, make_sessionmaker, migrate
from lipei.events import ClaimSubmitted
from lipei.messaging import Outbox

NOW = datetime(2025, 12, 31, 2, 0, tzinfo=UTC)


def submitted(claim_id: str, policy_id: str, invoice_number: str) -> ClaimSubmitted:
    invoice: dict[str, Any] = {
        "document_id": f"D-{claim_id}",
        "invoice_code": "144031900111",
        "invoice_number": invoice_number,
        "issue_date": "2025-12-02",
        "total_amount": "484.50",
        "insurance_paid": "100.00",
        "self_paid": "384.50",
        "visit_type": "outpatient",
        "payer_is_insured": True,
    }
    return ClaimSubmitted.model_validate(
        {
            "claim_id": claim_id,
            "user_id": "u-1",
            "insurer_code": "ins",
            "claim_type": "outpatient",
            "submitted_at": NOW,
            "policy_id": policy_id,
            "assessment": {
                "incident_date": "2025-12-01",
                "policy": {
                    "policy_id": policy_id,
                    "coverage": ["outpatient"],
                    "valid_from": "2025-01-01",
                    "valid_to": "2025-12-31",
                    "sum_insured": "20000.00",
                    "deductible": "100.00",
                    "reimbursement_ratio": "0.8",
                },
                "invoices": [invoice],
                "id_card_is_insured": True,
                "delegation": {"claim_types": ["outpatient"], "max_amount": "2000.00"},
            },
        }
    )


async def _at_once(database_url: str, events: list[ClaimSubmitted]) -> dict[str, Any]:
    engine = make_engine(database_url)
    await migrate(engine, MIGRATIONS)
    sessions = make_sessionmaker(engine)
    clock = MovableClock(NOW)
    assessor = Assessor(rules=RuleBook(), clock=clock, outbox=Outbox(source="/t", clock=clock))

    async def one(event: ClaimSubmitted) -> None:
        async with sessions() as session, session.begin():
            await assessor.assess_submitted(session, event)

    try:
        await asyncio.gather(*(one(e) for e in events))
        async with sessions() as session:
            found = {r.claim_id: r for r in await session.execute(select(assessments))}
            ledger = {r.claim_id: r for r in await session.execute(select(ledger_claims))}
    finally:
        await engine.dispose()
    return {"assessments": found, "ledger": ledger}


async def test_one_invoice_in_two_claims_at_once_is_approved_once(database_url: str) -> None:
    # Two policies, so no policy lock orders them: the register's key alone decides.
    result = await _at_once(
        database_url, [submitted("C-1", "P-1", "00012345"), submitted("C-2", "P-2", "00012345")]
    )
    outcomes = sorted(r.outcome for r in result["assessments"].values())
    assert outcomes == ["approved", "referred"]
    (referred,) = [r for r in result["assessments"].values() if r.outcome == "referred"]
    assert [r["code"] for r in referred.reasons] == ["duplicate_invoice"]


async def test_two_claims_of_one_policy_never_share_its_deductible(
    database_url: str, tmp_path: Path
) -> None:
    result = await _at_once(
        database_url,
        [submitted(f"C-{n}", "P-1", f"0001234{n}") for n in range(4)],
    )
    assert sorted(r.outcome for r in result["assessments"].values()) == ["approved"] * 4
    used = sorted(r.deductible_used for r in result["ledger"].values())
    assert used == [Decimal("0.00")] * 3 + [Decimal("100.00")]
    payable = sorted(r.payable_amount for r in result["assessments"].values())
    assert payable == [Decimal("227.60")] + [Decimal("307.60")] * 3

"""Assessing submitted claims and keeping the ledger: what the Kafka handlers and the routes call.

A claim is assessed once, in one transaction that takes its policy's lock, reads the policy
year's ledger, registers its invoices, decides, and writes the assessment, its ledger row and its
events (outbox) together. Decisions and withdrawals move the ledger in the same way.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_service import store
from assessment_service.domain import facts as claim_facts
from assessment_service.domain.assessment import Assessment, assess
from assessment_service.domain.money import ZERO
from assessment_service.domain.payable import Terms, Usage, deductible_for
from assessment_service.domain.policy_year import year_start
from assessment_service.domain.rules import RuleBook
from assessment_service.publishing import assessed_event, instant_approval, stored
from assessment_service.records import LedgerClaim
from lipei.clock import Clock, china_today
from lipei.events import (
    INSTANT_DECIDER,
    AssessmentFacts,
    ClaimDocumentFieldsKeyed,
    ClaimSubmitted,
    DecisionApproved,
    insurer_topic,
)
from lipei.messaging import Outbox

log = logging.getLogger(__name__)


class Assessor:
    def __init__(self, *, rules: RuleBook, clock: Clock, outbox: Outbox) -> None:
        self.rules = rules
        self.clock = clock
        self.outbox = outbox

    async def assess_submitted(self, session: AsyncSession, event: ClaimSubmitted) -> None:
        """Assess a submitted claim; approve it in the insurer's name where it may."""
        if await store.get_assessment(session, event.claim_id) is not None:
            return  # the same submission announced again
        early = await store.ledger_claim(session, event.claim_id)
        if early is not None and early.status == "closed":
            log.info("claim %s was closed before it was assessed", event.claim_id)
            return
        await self._assess(session, event, early)

    async def reassess_keyed(self, session: AsyncSession, event: ClaimDocumentFieldsKeyed) -> None:
        """A person keyed in the fields OCR could not read on a referred claim: assess it again
        with them, unless someone decided it meanwhile (the insurer, or an earlier approval)."""
        submission = _keyed_submission(event)
        if submission is None:
            return  # fields are still left to key, or the claim is not with its insurer
        before = await store.get_assessment(session, event.claim_id)
        if before is None or before.outcome != "referred":
            return
        row = await store.ledger_claim(session, event.claim_id)
        if row is None or row.status != "open":
            return
        await store.delete_assessment(session, event.claim_id)
        await self._assess(session, submission, None)

    async def _assess(
        self, session: AsyncSession, event: ClaimSubmitted, early: LedgerClaim | None
    ) -> None:
        now = self.clock.now()
        facts = event.assessment
        year, usage = await self._policy_year(session, facts, event.claim_id, now)
        lines = [claim_facts.line(i) for i in facts.invoices] if facts else []
        keys = [line.key for line in lines if line.key is not None]
        taken = await store.register_invoices(session, event.claim_id, keys, now)
        result = assess(
            claim_type=event.claim_type,
            facts=facts,
            usage=usage,
            taken=taken,
            today=china_today(now),
            rules=self.rules,
        )
        # An insurer that decided before the assessment keeps its decision.
        decides = result.outcome == "approved" and early is None
        policy_id = facts.policy.policy_id if facts else event.policy_id
        await store.put_ledger_claim(
            session, _ledger_row(event, facts, policy_id, year, result, early, usage, now)
        )
        await store.insert_assessment(session, stored(event, policy_id, result, now))
        assessed = assessed_event(event, result, now)
        await self.outbox.add(session, assessed)
        await self.outbox.add(session, assessed, topic=insurer_topic(event.insurer_code))
        if decides:
            await self.outbox.add(session, instant_approval(event, result, now))

    async def _policy_year(
        self,
        session: AsyncSession,
        facts: AssessmentFacts | None,
        claim_id: str,
        now: datetime,
    ) -> tuple[date | None, Usage]:
        """The claim's policy year and what earlier claims of it used (the policy locked)."""
        if facts is None:
            return None, Usage()
        policy = facts.policy
        await store.lock_policy(session, policy.policy_id, now)
        year = year_start(policy.valid_from, facts.incident_date)
        ledger = await store.year_ledger(session, policy.policy_id, year)
        return year, ledger.release(claim_id).usage()

    async def approved(self, session: AsyncSession, event: DecisionApproved) -> None:
        """An approval counts against its policy year: the insurer's amount, and the part of
        the deductible the claim's bases use up. Our own instant approvals are already in."""
        row = await store.ledger_claim(session, event.claim_id)
        now = self.clock.now()
        if row is None:
            # Decided before it was assessed: kept until the assessment places it.
            await store.put_ledger_claim(session, _early(event.claim_id, now, event))
            return
        if row.status != "open" or row.policy_id is None or row.year_start is None:
            return
        await store.lock_policy(session, row.policy_id, now)
        ledger = await store.year_ledger(session, row.policy_id, row.year_start)
        terms = Terms(sum_insured=ZERO, deductible=row.policy_deductible)
        used = deductible_for(row.base_total, terms, ledger.usage())
        await store.put_ledger_claim(
            session,
            replace(
                row,
                status="approved",
                deductible_used=used,
                approved_amount=event.approved_amount,
                decided_by=event.decided_by or event.insurer_code,
                updated_at=now,
            ),
        )

    async def closed(self, session: AsyncSession, claim_id: str, *, remember: bool) -> None:
        """A withdrawn or rejected claim gives back its hold on the year and its invoices.
        `remember`: keep a row for a claim not yet assessed, so it never will be."""
        row = await store.ledger_claim(session, claim_id)
        now = self.clock.now()
        await store.release_invoices(session, claim_id)
        if row is not None:
            await store.put_ledger_claim(session, replace(row, status="closed", updated_at=now))
        elif remember:
            await store.put_ledger_claim(session, replace(_early(claim_id, now), status="closed"))


def _keyed_submission(event: ClaimDocumentFieldsKeyed) -> ClaimSubmitted | None:
    """The claim's submission with the keyed facts; None when the event carries none."""
    if (
        event.assessment is None
        or event.insurer_code is None
        or event.claim_type is None
        or event.submitted_at is None
    ):
        return None
    return ClaimSubmitted(
        claim_id=event.claim_id,
        user_id=event.user_id,
        insurer_code=event.insurer_code,
        claim_type=event.claim_type,
        claimed_amount=event.claimed_amount,
        submitted_at=event.submitted_at,
        policy_id=event.policy_id,
        assessment=event.assessment,
    )


def _early(claim_id: str, now: datetime, approval: DecisionApproved | None = None) -> LedgerClaim:
    return LedgerClaim(
        claim_id=claim_id,
        policy_id=None,
        year_start=None,
        status="approved" if approval else "open",
        base_total=ZERO,
        policy_deductible=ZERO,
        deductible_used=ZERO,
        approved_amount=approval.approved_amount if approval else ZERO,
        decided_by=(approval.decided_by or approval.insurer_code) if approval else None,
        updated_at=now,
    )


def _ledger_row(
    event: ClaimSubmitted,
    facts: AssessmentFacts | None,
    policy_id: str | None,
    year: date | None,
    result: Assessment,
    early: LedgerClaim | None,
    usage: Usage,
    now: datetime,
) -> LedgerClaim:
    """The claim's ledger row after its assessment: approved instantly, open for a person, or
    placed in its year when the insurer approved it first."""
    terms = claim_facts.terms(facts) if facts else Terms(sum_insured=ZERO)
    row = LedgerClaim(
        claim_id=event.claim_id,
        policy_id=policy_id,
        year_start=year,
        status="open",
        base_total=result.base_total,
        policy_deductible=terms.deductible,
        deductible_used=ZERO,
        approved_amount=ZERO,
        decided_by=None,
        updated_at=now,
    )
    if early is not None and early.status == "approved":
        used: Decimal = deductible_for(result.base_total, terms, usage)
        return replace(
            row,
            status="approved",
            deductible_used=used,
            approved_amount=early.approved_amount,
            decided_by=early.decided_by,
        )
    if result.outcome == "approved":
        return replace(
            row,
            status="approved",
            deductible_used=result.deductible_applied,
            approved_amount=result.payable_amount,
            decided_by=INSTANT_DECIDER,
        )
    return row

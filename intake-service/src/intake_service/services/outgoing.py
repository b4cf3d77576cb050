"""What leaves intake when a claim goes to its insurer: the facts of the instant assessment and
the insurer's package, both with the documents' fields as they stand (read or keyed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_service import store
from intake_service.at_rest import open_claim, open_policy
from intake_service.container import Intake
from intake_service.domain import rules
from intake_service.domain.records import Claim, Document
from intake_service.domain.submission import claim_package, document_fields
from intake_service.instant_facts import assessment_facts
from lipei.events import AssessmentFacts, ClaimPackage, insurer_topic


@dataclass(frozen=True)
class Outgoing:
    facts: AssessmentFacts
    package: ClaimPackage
    topic: str  # the insurer's own


async def outgoing(
    intake: Intake, session: AsyncSession, claim: Claim, docs: Sequence[Document], now: datetime
) -> Outgoing:
    """`claim` as filed (its status and submission time set)."""
    insurer = await store.get_insurer(session, claim.insurer_code)
    insurer_key = rules.insurer_key(insurer, claim.insurer_code)
    policy = await store.get_policy(session, claim.policy_id)
    if policy is None:
        raise LookupError(f"the policy of claim {claim.claim_id} is gone")
    insured = open_policy(intake.keys, policy)
    facts = assessment_facts(
        claim=claim,
        policy=insured,
        documents=docs,
        delegation=insurer.instant_claims if insurer else None,
        open_fields=lambda d: document_fields(intake.field_keys, d),
    )
    package = claim_package(
        claim=open_claim(intake.keys, claim),
        policy=insured,
        insurer_key=insurer_key,
        documents=docs,
        field_keys=intake.field_keys,
        links=intake.links,
        now=now,
    )
    return Outgoing(facts, package, insurer_topic(claim.insurer_code))

"""Kafka handlers. Two consumer groups, so a decision that must wait for its claim's assessment
never holds up the assessments themselves:
- `assessment`: `claim.submitted` (assess), `claim.document.fields_keyed` (assess a referred
  claim again once a person keyed what OCR could not read) and `claim.withdrawn` (give back) on
  lipei.claims.v1;
- `assessment-ledger`: approvals and rejections on lipei.decisions.v1."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_service.assessor import Assessor
from lipei.events import (
    ClaimDocumentFieldsKeyed,
    ClaimSubmitted,
    ClaimWithdrawn,
    DecisionApproved,
    DecisionRejected,
)
from lipei.messaging import Envelope, Subscriptions


def claim_subscriptions(assessor: Assessor) -> Subscriptions:
    async def on_submitted(session: AsyncSession, event: ClaimSubmitted, _: Envelope) -> None:
        await assessor.assess_submitted(session, event)

    async def on_keyed(session: AsyncSession, event: ClaimDocumentFieldsKeyed, _: Envelope) -> None:
        # Same topic and key as the submission, so never ahead of its assessment.
        await assessor.reassess_keyed(session, event)

    async def on_withdrawn(session: AsyncSession, event: ClaimWithdrawn, _: Envelope) -> None:
        # Same topic and key as its submission, so never ahead of it: nothing to remember.
        await assessor.closed(session, event.claim_id, remember=False)

    subs = Subscriptions()
    subs.add(ClaimSubmitted, on_submitted)
    subs.add(ClaimWithdrawn, on_withdrawn)
    subs.add(ClaimDocumentFieldsKeyed, on_keyed)
    return subs


def decision_subscriptions(assessor: Assessor) -> Subscriptions:
    async def on_approved(session: AsyncSession, event: DecisionApproved, _: Envelope) -> None:
        await assessor.approved(session, event)

    async def on_rejected(session: AsyncSession, event: DecisionRejected, _: Envelope) -> None:
        await assessor.closed(session, event.claim_id, remember=True)

    subs = Subscriptions()
    subs.add(DecisionApproved, on_approved)
    subs.add(DecisionRejected, on_rejected)
    return subs

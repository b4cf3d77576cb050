"""Kafka handlers: claim, document and decision events move the tracked claim; an instant
assessment's referral reasons are kept for the butler queue."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.clock import Clock
from lipei.events import (
    ClaimAssessed,
    ClaimDisputeResolved,
    ClaimDocumentFieldsKeyed,
    ClaimDrafted,
    ClaimMaterialsSupplemented,
    ClaimSubmitted,
    ClaimWithdrawn,
    Decision,
    DocumentAccepted,
    DocumentRejected,
    DocumentVerdict,
)
from lipei.messaging import Envelope, Subscriptions
from lipei.messaging.consumer import PermanentError
from tracking_service.domain import disputes, guidance, status_machine
from tracking_service.domain.documents import fields_left, record_verdict
from tracking_service.domain.state import ClaimState
from tracking_service.store import ClaimStore, Note

log = logging.getLogger(__name__)


def decision_fact(event: Decision, cause_id: str) -> status_machine.Fact:
    kind = event.event_type.removeprefix("claim.decision.")
    return status_machine.Fact(
        kind=kind,  # type: ignore[arg-type]
        at=event.decided_at,
        cause_id=cause_id,
        cause_type=event.event_type,
        data=event.model_dump(mode="json"),
    )


def submitted_fact(event: ClaimSubmitted, cause_id: str) -> status_machine.Fact:
    data = {"claimed_amount": str(event.claimed_amount) if event.claimed_amount else None}
    return status_machine.Fact("submitted", event.submitted_at, cause_id, event.event_type, data)


def supplemented_fact(event: ClaimMaterialsSupplemented, cause_id: str) -> status_machine.Fact:
    return status_machine.Fact("supplemented", event.supplemented_at, cause_id, event.event_type)


def withdrawn_fact(event: ClaimWithdrawn, cause_id: str) -> status_machine.Fact:
    return status_machine.Fact("withdrawn", event.withdrawn_at, cause_id, event.event_type)


class Tracker:
    """Applies facts to stored claims; shared by the Kafka handlers and the deadline scanner."""

    def __init__(self, store: ClaimStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def known_claim(self, session: AsyncSession, claim_id: str) -> ClaimState:
        state = await self.store.load(session, claim_id)
        if state is None:
            raise PermanentError(f"unknown claim {claim_id}")
        return state

    async def apply(
        self, session: AsyncSession, state: ClaimState, fact: status_machine.Fact
    ) -> status_machine.Outcome:
        now = self.clock.now()
        outcome = status_machine.apply(state, fact, received_at=now)
        notes = []
        if outcome.verdict == "amended":
            title, detail = guidance.amended_materials_entry(outcome.state)
            notes.append(Note(at=fact.at, title=title, detail=detail, cause_id=fact.cause_id))
        if outcome.verdict not in ("applied", "amended"):
            log.info(
                "claim %s: %s %s (%s): %s",
                state.claim_id,
                fact.cause_type,
                fact.cause_id,
                outcome.verdict,
                outcome.reason,
            )
        await self.store.save(
            session, outcome.state, now=now, transitions=outcome.transitions, notes=notes
        )
        return outcome

    async def on_drafted(
        self, session: AsyncSession, event: ClaimDrafted, envelope: Envelope
    ) -> None:
        if await self.store.load(session, event.claim_id) is not None:
            return  # the same draft announced again under another event id
        state = ClaimState(
            claim_id=event.claim_id,
            user_id=event.user_id,
            insurer_code=event.insurer_code,
            claim_type=event.claim_type,
            opened_at=event.drafted_at,
            claimed_amount=event.claimed_amount,
        )
        await self.store.create(session, state, cause_id=envelope.id, now=self.clock.now())

    async def on_submitted(
        self, session: AsyncSession, event: ClaimSubmitted, envelope: Envelope
    ) -> None:
        state = await self.known_claim(session, event.claim_id)
        await self.apply(session, state, submitted_fact(event, envelope.id))

    async def on_supplemented(
        self, session: AsyncSession, event: ClaimMaterialsSupplemented, envelope: Envelope
    ) -> None:
        state = await self.known_claim(session, event.claim_id)
        await self.apply(session, state, supplemented_fact(event, envelope.id))

    async def on_withdrawn(
        self, session: AsyncSession, event: ClaimWithdrawn, envelope: Envelope
    ) -> None:
        state = await self.known_claim(session, event.claim_id)
        await self.apply(session, state, withdrawn_fact(event, envelope.id))

    async def on_decision(self, session: AsyncSession, event: Decision, envelope: Envelope) -> None:
        state = await self.known_claim(session, event.claim_id)
        if event.insurer_code != state.insurer_code:
            log.warning(
                "claim %s: %s from insurer %s, but the claim is %s's",
                event.claim_id,
                event.event_type,
                event.insurer_code,
                state.insurer_code,
            )
            raise PermanentError(
                f"insurer {event.insurer_code} may not decide claim {event.claim_id}"
            )
        await self.apply(session, state, decision_fact(event, envelope.id))

    async def on_assessed(
        self, session: AsyncSession, event: ClaimAssessed, envelope: Envelope
    ) -> None:
        """A referred claim keeps the assessment's reasons for the butler queue."""
        state = await self.known_claim(session, event.claim_id)
        if event.insurer_code != state.insurer_code:
            raise PermanentError(f"assessment of claim {event.claim_id} names another insurer")
        reasons = [r.model_dump() for r in event.reasons] if event.outcome == "referred" else []
        if reasons != state.referral_reasons:
            state = state.model_copy(update={"referral_reasons": reasons})
            await self.store.save(session, state, now=self.clock.now())

    async def on_accepted(
        self, session: AsyncSession, event: DocumentAccepted, envelope: Envelope
    ) -> None:
        await self._verdict(session, event, envelope, [], event.accepted_at)

    async def on_rejected(
        self, session: AsyncSession, event: DocumentRejected, envelope: Envelope
    ) -> None:
        reasons = [r.message for r in event.reasons]
        await self._verdict(session, event, envelope, reasons, event.rejected_at)

    async def _verdict(
        self,
        session: AsyncSession,
        event: DocumentVerdict,
        envelope: Envelope,
        reasons: list[str],
        at: datetime,
    ) -> None:
        state = await self.known_claim(session, event.claim_id)
        if envelope.id in state.seen:
            return  # this verdict is already on the timeline
        accepted = isinstance(event, DocumentAccepted)
        state = record_verdict(
            state, event.doc_type, accepted=accepted, reasons=reasons, cause_id=envelope.id
        )
        to_review = event.fields_to_review if isinstance(event, DocumentAccepted) else []
        state = fields_left(state, event.document_id, list(to_review))
        title, detail = guidance.document_entry(event.doc_type, accepted, reasons)
        await self.store.save(
            session,
            state,
            now=self.clock.now(),
            notes=[Note(at=at, title=title, detail=detail, cause_id=envelope.id)],
        )

    async def on_fields_keyed(
        self, session: AsyncSession, event: ClaimDocumentFieldsKeyed, envelope: Envelope
    ) -> None:
        """A person keyed fields in: the claim leaves the queue when nothing is left to key."""
        state = await self.known_claim(session, event.claim_id)
        if envelope.id in state.seen:
            return
        state = fields_left(state, event.document_id, event.fields_to_review)
        state.seen.append(envelope.id)
        title, detail = guidance.keyed_entry(event.doc_type, event.keyed_fields)
        note = Note(at=event.keyed_at, title=title, detail=detail, cause_id=envelope.id)
        await self.store.save(session, state, now=self.clock.now(), notes=[note])

    async def on_dispute_resolved(
        self, session: AsyncSession, event: ClaimDisputeResolved, envelope: Envelope
    ) -> None:
        state = await self.known_claim(session, event.claim_id)
        state, closed = disputes.close_dispute(
            state, event.outcome, event.recovered_amount, event.resolved_at
        )
        if not closed:
            return  # the outcome is already on the timeline
        title, detail = disputes.outcome_entry(event.outcome, event.recovered_amount)
        note = Note(at=event.resolved_at, title=title, detail=detail, cause_id=envelope.id)
        await self.store.save(session, state, now=self.clock.now(), notes=[note])

    async def report_due(self, session: AsyncSession, claim_id: str) -> None:
        """Report clocks of this claim that have run out (the scanner's unit of work)."""
        state = await self.store.load(session, claim_id)
        if state is not None:
            await self.store.save(session, state, now=self.clock.now())

    def subscriptions(self) -> Subscriptions:
        subs = Subscriptions()
        subs.add(ClaimDrafted, self.on_drafted)
        subs.add(ClaimSubmitted, self.on_submitted)
        subs.add(ClaimMaterialsSupplemented, self.on_supplemented)
        subs.add(ClaimWithdrawn, self.on_withdrawn)
        subs.add(DocumentAccepted, self.on_accepted)
        subs.add(DocumentRejected, self.on_rejected)
        subs.add(ClaimDocumentFieldsKeyed, self.on_fields_keyed)
        subs.add(Decision, self.on_decision)
        subs.add(ClaimDisputeResolved, self.on_dispute_resolved)
        subs.add(ClaimAssessed, self.on_assessed)
        return subs

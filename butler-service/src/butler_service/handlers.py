"""Kafka handlers: the claim, document and status events build the butler's read model of its
users' claims (claim assistance and the inbox read it; no other service is asked)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from butler_service import claims_store
from butler_service.domain.claims import ClaimView, Verdict, deadline_breached, status_changed
from lipei.clock import Clock
from lipei.events import (
    ClaimDeadlineBreached,
    ClaimDocumentFieldsKeyed,
    ClaimDocumentUploaded,
    ClaimDrafted,
    ClaimStatusChanged,
    DocumentAccepted,
    DocumentRejected,
    DocumentVerdict,
)
from lipei.messaging import Envelope, Subscriptions


class UnknownOwner(Exception):
    """A status event of a claim whose owner is not known yet (its draft is on its way)."""


class ReadModel:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def subscriptions(self) -> Subscriptions:
        subs = Subscriptions()
        subs.add(ClaimDrafted, self.drafted)
        subs.add(ClaimDocumentUploaded, self.uploaded)
        subs.add(DocumentAccepted, self.accepted)
        subs.add(DocumentRejected, self.rejected)
        subs.add(ClaimDocumentFieldsKeyed, self.keyed)
        subs.add(ClaimStatusChanged, self.status)
        subs.add(ClaimDeadlineBreached, self.breached)
        return subs

    async def _view(self, session: AsyncSession, claim_id: str, user_id: str | None) -> ClaimView:
        found = await claims_store.view(session, claim_id, for_update=True)
        if found is not None:
            return found
        if not user_id:
            raise UnknownOwner(f"owner of claim {claim_id} not known yet")
        return ClaimView(claim_id=claim_id, user_id=user_id)

    async def drafted(self, session: AsyncSession, event: ClaimDrafted, envelope: Envelope) -> None:
        view = await self._view(session, event.claim_id, event.user_id)
        view = view.model_copy(
            update={
                "insurer_code": event.insurer_code,
                "claim_type": event.claim_type,
                "incident_date": event.incident_date.isoformat(),
                "claimed_amount": (
                    f"{event.claimed_amount:.2f}" if event.claimed_amount is not None else None
                ),
                "opened_at": event.drafted_at,
            }
        )
        await claims_store.save(session, view, now=self.clock.now())

    async def uploaded(
        self, session: AsyncSession, event: ClaimDocumentUploaded, envelope: Envelope
    ) -> None:
        verdict = Verdict(
            document_id=event.document_id, doc_type=event.doc_type, status="processing"
        )
        await claims_store.put_document(session, event.claim_id, verdict, now=event.uploaded_at)

    async def accepted(
        self, session: AsyncSession, event: DocumentAccepted, envelope: Envelope
    ) -> None:
        await self._verdict(session, event, "accepted", [], event.accepted_at)

    async def rejected(
        self, session: AsyncSession, event: DocumentRejected, envelope: Envelope
    ) -> None:
        reasons = [r.model_dump() for r in event.reasons]
        await self._verdict(session, event, "rejected", reasons, event.rejected_at)

    async def _verdict(
        self,
        session: AsyncSession,
        event: DocumentVerdict,
        status: str,
        reasons: list[dict[str, str]],
        at: datetime,
    ) -> None:
        # Fields the OCR could not place on a sharp photo, for a person to key in.
        to_review = event.fields_to_review if isinstance(event, DocumentAccepted) else []
        verdict = Verdict(
            document_id=event.document_id,
            doc_type=event.doc_type,
            status=status,
            reasons=reasons,
            fields=event.masked_fields,
            fields_to_review=list(to_review),
        )
        await claims_store.put_document(session, event.claim_id, verdict, now=at)

    async def keyed(
        self, session: AsyncSession, event: ClaimDocumentFieldsKeyed, envelope: Envelope
    ) -> None:
        """A person keyed fields in: what is left to key, and the values as shown (masked)."""
        await claims_store.document_keyed(
            session,
            event.document_id,
            fields=event.masked_fields,
            fields_to_review=event.fields_to_review,
        )

    async def status(
        self, session: AsyncSession, event: ClaimStatusChanged, envelope: Envelope
    ) -> None:
        view = await self._view(session, event.claim_id, event.user_id)
        view = status_changed(
            view,
            to=event.to,
            at=event.at,
            next_action=event.next_action,
            extra=dict(event.model_extra or {}),
        )
        await claims_store.save(session, view, now=self.clock.now())

    async def breached(
        self, session: AsyncSession, event: ClaimDeadlineBreached, envelope: Envelope
    ) -> None:
        view = await self._view(session, event.claim_id, event.user_id)
        view = deadline_breached(view, kind=event.kind, due_at=event.due_at)
        await claims_store.save(session, view, now=self.clock.now())

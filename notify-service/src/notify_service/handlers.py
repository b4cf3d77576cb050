"""Kafka entrypoints: each event becomes stored notices in the consuming transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import (
    AlertIssued,
    ClaimDeadlineBreached,
    ClaimDocumentUploaded,
    ClaimEvent,
    ClaimMaterialsSupplemented,
    ClaimStatusChanged,
    ClaimWithdrawn,
    ConversationMessagePosted,
    DocumentRejected,
)
from lipei.messaging.envelope import Envelope
from lipei.messaging.subscriptions import Subscriptions
from lipei.runtime import ServiceRuntime
from notify_service import store
from notify_service.domain.delivery_plan import OPS_USER
from notify_service.domain.labels import (
    alert_tips,
    deadline_kind_name,
    doc_type_name,
    local_text,
)
from notify_service.domain.masking import short_ref
from notify_service.domain.notice import Notice
from notify_service.domain.status_notices import status_notice
from notify_service.intake_client import IntakeClient
from notify_service.notices import Notices
from notify_service.settings import Settings

# Without the OCR's reasons, the user still hears the document needs redoing.
NO_REASON = "材料不符合要求"
# Replies the user hears of (their own messages raise nothing); the text is never in a notice.
REPLY_NOTICES = {"butler": "butler_replied", "assistant": "assistant_replied"}


class UnknownRecipient(Exception):
    """The claim's owner is not known yet (its claim events may still be on their way)."""


def user_action(event: ClaimEvent) -> tuple[datetime, str | None] | None:
    """When the user acted on the claim, and on which document type (an upload answers only
    the rejection of that type); None for claim events that answer no reminder."""
    match event:
        case ClaimDocumentUploaded():
            return event.uploaded_at, event.doc_type
        case ClaimMaterialsSupplemented():
            return event.supplemented_at, None
        case ClaimWithdrawn():
            return event.withdrawn_at, None
    return None


class Handlers:
    """One handler per event class, registered by `subscriptions()`."""

    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        notices: Notices,
        intake: IntakeClient,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.notices = notices
        self.intake = intake

    def subscriptions(self) -> Subscriptions:
        subs = Subscriptions()
        subs.add(ClaimEvent, self.claim_event)
        subs.add(DocumentRejected, self.document_rejected)
        subs.add(ClaimStatusChanged, self.status_changed)
        subs.add(ClaimDeadlineBreached, self.deadline_breached)
        subs.add(AlertIssued, self.alert_issued)
        subs.add(ConversationMessagePosted, self.message_posted)
        return subs

    def _now(self) -> datetime:
        return self.runtime.clock.now()

    async def _user_of(self, session: AsyncSession, claim_id: str, user_id: str | None) -> str:
        if user_id:
            await store.remember_owner(session, claim_id=claim_id, user_id=user_id)
            return user_id
        owner = await store.owner_of(session, claim_id)
        if owner is None:
            raise UnknownRecipient(f"owner of claim {claim_id} not known yet")
        return owner

    async def claim_event(
        self, session: AsyncSession, event: ClaimEvent, envelope: Envelope
    ) -> None:
        await store.remember_owner(session, claim_id=event.claim_id, user_id=event.user_id)
        action = user_action(event)
        if action is None:
            return
        acted_at, doc_type = action
        await self.notices.resolve_reminders(
            session, claim_id=event.claim_id, acted_at=acted_at, now=self._now(), doc_type=doc_type
        )

    async def document_rejected(
        self, session: AsyncSession, event: DocumentRejected, envelope: Envelope
    ) -> None:
        user_id = await self._user_of(session, event.claim_id, event.user_id)
        notice = Notice(
            source_event_id=envelope.id,
            user_id=user_id,
            template="document_rejected",
            params={
                "doc": doc_type_name(event.doc_type),
                "doc_type": event.doc_type,
                "reason": "；".join(r.message for r in event.reasons) or NO_REASON,
                "claim_ref": short_ref(event.claim_id),
            },
            trigger=envelope.type,
            claim_id=event.claim_id,
        )
        await self.notices.start_reminder(
            session, notice, event_at=event.rejected_at, now=self._now()
        )

    async def status_changed(
        self, session: AsyncSession, event: ClaimStatusChanged, envelope: Envelope
    ) -> None:
        now = self._now()
        # The claim moved on: reminders raised before this change are answered.
        await self.notices.resolve_reminders(
            session, claim_id=event.claim_id, acted_at=event.at, now=now
        )
        told = status_notice(event)
        if told is None:
            return
        notice = Notice(
            source_event_id=envelope.id,
            user_id=await self._user_of(session, event.claim_id, event.user_id),
            template=told.template,
            params=told.params,
            trigger=envelope.type,
            claim_id=event.claim_id,
        )
        if told.reminder:
            await self.notices.start_reminder(session, notice, event_at=event.at, now=now)
        else:
            await self.notices.notify(session, notice, channels=["wechat"], now=now)

    async def deadline_breached(
        self, session: AsyncSession, event: ClaimDeadlineBreached, envelope: Envelope
    ) -> None:
        notice = Notice(
            source_event_id=envelope.id,
            user_id=OPS_USER,
            template="deadline_breached",
            params={
                "claim_ref": short_ref(event.claim_id),
                "kind": deadline_kind_name(event.kind),
                "due_at": local_text(event.due_at),
            },
            trigger=envelope.type,
            claim_id=event.claim_id,
        )
        channels = ["sms"] if self.settings.ops_phone_number else []
        await self.notices.notify(session, notice, channels=channels, now=self._now())

    async def alert_issued(
        self, session: AsyncSession, event: AlertIssued, envelope: Envelope
    ) -> None:
        now = self._now()
        if event.valid_until <= now:
            return  # nobody needs a warning that is over
        params = {
            "title": event.title,
            "body": event.body,
            "tips": alert_tips(event.kind),
            "valid_until": local_text(event.valid_until),
        }
        # The policyholders are reached by the fan-out loop, a chunk per transaction: a whole
        # region in this one would hold up every claim event behind it.
        await store.add_fanout(
            session,
            source_event_id=envelope.id,
            region_codes=list(event.region_codes),
            params=params,
            trigger=envelope.type,
            valid_until=event.valid_until,
            now=now,
        )

    async def message_posted(
        self, session: AsyncSession, event: ConversationMessagePosted, envelope: Envelope
    ) -> None:
        template = REPLY_NOTICES.get(event.author)
        if template is None:
            return
        notice = Notice(
            source_event_id=envelope.id,
            user_id=event.user_id,
            template=template,
            params={},
            trigger=envelope.type,
            claim_id=event.claim_id,
        )
        await self.notices.notify(session, notice, channels=["wechat"], now=self._now())

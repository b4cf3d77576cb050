"""Kafka entrypoints: each event becomes stored notices in the consuming transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import (
    AlertIssued,
    ClaimDeadlineBreached,
    ClaimEvent,
    ClaimStatusChanged,
    DocumentRejected,
    Event,
)
from lipei.messaging.consumer import PermanentError
from lipei.messaging.envelope import Envelope
from lipei.messaging.subscriptions import Subscriptions
from lipei.runtime import ServiceRuntime
from lipei.web import INTERNAL_TOKEN_HEADER
from notify_service.domain.delivery_plan import OPS_USER
from notify_service.domain.escalation import EscalationPolicy
from notify_service.domain.masking import short_ref
from notify_service.domain.quiet_hours import CHINA
from notify_service.domain.templates import alert_tips, doc_type_name
from notify_service.notices import (
    notify,
    owner_of,
    remember_owner,
    resolve_reminders,
    start_reminder,
)
from notify_service.settings import Settings

# A user's own action on a claim that answers a reminder.
USER_ACTIONS = {"claim.document.uploaded", "claim.materials.supplemented", "claim.withdrawn"}
# claim.status.changed → the notice the user gets (materials_requested starts a reminder).
STATUS_NOTICES = {
    "submitted": "claim_submitted",
    "under_review": "claim_under_review",
    "approved": "claim_approved",
    "rejected": "claim_rejected",
}
# Steps the status machine passes through on its way to a decision (an approval for a submitted
# claim implies review): the decision's own notice follows at once, so these stay quiet.
IMPLIED_BY_DECISION = {
    "claim.decision.materials_requested",
    "claim.decision.approved",
    "claim.decision.rejected",
    "claim.decision.paid",
}
# The legal clocks of tracking-service (claim.deadline.breached `kind`), as ops read them.
DEADLINE_KINDS = {
    "materials_notice": "材料告知",
    "decision": "理赔核定",
    "payment": "赔款支付",
    "rejection_notice": "拒赔通知",
    "prepayment": "先行赔付",
}


class UnknownRecipient(Exception):
    """The claim's owner is not known yet (its claim events may still be on their way)."""


def local_text(when: datetime) -> str:
    return when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def decided(event: ClaimStatusChanged, name: str) -> Any:
    """A field tracking adds to the status event (`paid_amount`, `materials`)."""
    return (event.model_extra or {}).get(name)


def materials_texts(materials: Any) -> tuple[str, str] | None:
    """(names, names with the insurer's reasons) of a materials request, or None if absent."""
    if not isinstance(materials, list) or not materials:
        return None
    items = [m for m in materials if isinstance(m, dict) and m.get("doc_type")]
    if not items:
        return None
    names = "、".join(dict.fromkeys(doc_type_name(str(m["doc_type"])) for m in items))
    detailed = "；".join(
        f"{doc_type_name(str(m['doc_type']))}（{m['reason']}）"
        if m.get("reason")
        else doc_type_name(str(m["doc_type"]))
        for m in items
    )
    return names, detailed


class Handlers:
    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        policy: EscalationPolicy,
        intake: httpx.AsyncClient,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.policy = policy
        self.intake = intake

    def subscriptions(self) -> Subscriptions:
        subs = Subscriptions()
        subs.add(ClaimEvent, self.claim_event)
        subs.add(DocumentRejected, self.document_rejected)
        subs.add(ClaimStatusChanged, self.status_changed)
        subs.add(ClaimDeadlineBreached, self.deadline_breached)
        subs.add(AlertIssued, self.alert_issued)
        return subs

    @property
    def _source(self) -> str:
        return self.settings.event_source

    async def claim_event(self, session: AsyncSession, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, ClaimEvent)
        await remember_owner(session, claim_id=event.claim_id, user_id=event.user_id)
        if envelope.type in USER_ACTIONS:
            acted_at: datetime = (
                getattr(event, "uploaded_at", None)
                or getattr(event, "supplemented_at", None)
                or getattr(event, "withdrawn_at", None)
                or envelope.time
            )
            await resolve_reminders(
                session,
                claim_id=event.claim_id,
                acted_at=acted_at,
                now=self.runtime.clock.now(),
                # A retake answers the rejection of that document, not of another one.
                doc_type=getattr(event, "doc_type", None),
            )

    async def _user_of(self, session: AsyncSession, claim_id: str, user_id: str | None) -> str:
        if user_id:
            await remember_owner(session, claim_id=claim_id, user_id=user_id)
            return user_id
        owner = await owner_of(session, claim_id)
        if owner is None:
            raise UnknownRecipient(f"owner of claim {claim_id} not known yet")
        return owner

    async def document_rejected(
        self, session: AsyncSession, event: Event, envelope: Envelope
    ) -> None:
        assert isinstance(event, DocumentRejected)
        user_id = await self._user_of(session, event.claim_id, event.user_id)
        reason = "；".join(r.message for r in event.reasons) or "材料不符合要求"
        await start_reminder(
            session,
            policy=self.policy,
            source_event_id=envelope.id,
            user_id=user_id,
            claim_id=event.claim_id,
            template="document_rejected",
            params={
                "doc": doc_type_name(event.doc_type),
                "doc_type": event.doc_type,
                "reason": reason,
                "claim_ref": short_ref(event.claim_id),
            },
            trigger=envelope.type,
            event_at=event.rejected_at,
            now=self.runtime.clock.now(),
            event_source=self._source,
        )

    async def status_changed(self, session: AsyncSession, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, ClaimStatusChanged)
        now = self.runtime.clock.now()
        # The claim moved on: reminders raised before this change are answered.
        await resolve_reminders(session, claim_id=event.claim_id, acted_at=event.at, now=now)
        if event.to not in STATUS_NOTICES and event.to not in ("materials_requested", "paid"):
            return
        if event.to == "under_review" and event.cause in IMPLIED_BY_DECISION:
            return
        user_id = await self._user_of(session, event.claim_id, event.user_id)
        params = {"claim_ref": short_ref(event.claim_id)}
        if event.to == "materials_requested":
            texts = materials_texts(decided(event, "materials"))
            names, detailed = texts or (
                "补充材料",
                event.next_action or "详见小程序中的补充材料清单",
            )
            params.update(material_names=names, materials=detailed)
            await start_reminder(
                session,
                policy=self.policy,
                source_event_id=envelope.id,
                user_id=user_id,
                claim_id=event.claim_id,
                template="materials_requested",
                params=params,
                trigger=envelope.type,
                event_at=event.at,
                now=now,
                event_source=self._source,
            )
            return
        template = STATUS_NOTICES.get(event.to, "claim_paid")
        if event.to == "paid":
            amount = decided(event, "paid_amount")
            if amount is None:
                template = "claim_paid_plain"
            else:
                params["amount"] = f"{amount}元"
        await notify(
            session,
            source_event_id=envelope.id,
            user_id=user_id,
            template=template,
            params=params,
            trigger=envelope.type,
            claim_id=event.claim_id,
            channels=["wechat"],
            now=now,
            event_source=self._source,
        )

    async def deadline_breached(
        self, session: AsyncSession, event: Event, envelope: Envelope
    ) -> None:
        assert isinstance(event, ClaimDeadlineBreached)
        await notify(
            session,
            source_event_id=envelope.id,
            user_id=OPS_USER,
            template="deadline_breached",
            params={
                "claim_ref": short_ref(event.claim_id),
                "kind": DEADLINE_KINDS.get(event.kind, "处理"),
                "due_at": local_text(event.due_at),
            },
            trigger=envelope.type,
            claim_id=event.claim_id,
            channels=["sms"] if self.settings.ops_phone_number else [],
            now=self.runtime.clock.now(),
            event_source=self._source,
        )

    async def alert_issued(self, session: AsyncSession, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, AlertIssued)
        now = self.runtime.clock.now()
        if event.valid_until <= now:
            return  # nobody needs a warning that is over
        params = {
            "title": event.title,
            "body": event.body,
            "tips": alert_tips(event.kind),
            "valid_until": local_text(event.valid_until),
        }
        for user_id in await self._policyholders(event.region_codes):
            await notify(
                session,
                source_event_id=envelope.id,
                user_id=user_id,
                template="disaster_alert",
                params=params,
                trigger=envelope.type,
                claim_id=None,
                channels=["wechat", "sms"],
                now=now,
                event_source=self._source,
                expires_at=event.valid_until,
            )

    async def _policyholders(self, region_codes: list[str]) -> list[str]:
        """Users whose policies cover any of the regions, each once (intake answers)."""
        users: dict[str, None] = {}
        for region in region_codes:
            cursor: str | None = None
            while True:
                params = {"region_code": region, **({"cursor": cursor} if cursor else {})}
                response = await self.intake.get(
                    "/internal/v1/policyholders",
                    params=params,
                    headers={INTERNAL_TOKEN_HEADER: self.settings.internal_token},
                )
                if 400 <= response.status_code < 500:
                    raise PermanentError(f"intake refused region {region}: {response.status_code}")
                response.raise_for_status()
                page = response.json()
                for item in page.get("items", []):
                    users[str(item["user_id"])] = None
                cursor = page.get("next_cursor")
                if not cursor:
                    break
        return list(users)

"""HTTP entrypoints: contacts (from the gateway), preferences, the inbox and ops alerts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from lipei.events import AlertIssued
from lipei.paging import BadCursor, decode_cursor, encode_cursor
from lipei.web import CallerDep, Problem, require_ops, require_user
from notify_service import store
from notify_service.dependencies import RuntimeDep, SettingsDep
from notify_service.schemas import (
    AlertAccepted,
    AlertIn,
    ChannelSwitches,
    Contact,
    ContactIn,
    Notification,
    NotificationPage,
    Preferences,
    PreferencesIn,
    QuietHoursView,
)
from notify_service.store import RecipientChanges, Record

router = APIRouter()

TIMEZONE = "Asia/Shanghai"
# The inbox is read by `seq`, a 64-bit key: a larger cursor is none this service gave out.
MAX_SEQ = 2**63 - 1


def _preferences(row: Record | None, default_cap: int) -> Preferences:
    if row is None:
        return Preferences(
            channels=ChannelSwitches(wechat=True, sms=True, voice=True),
            quiet_hours=QuietHoursView(start="21:00", end="08:00", timezone=TIMEZONE),
            phone_number=None,
            daily_cap=default_cap,
            wechat_subscribed=False,
        )
    return Preferences(
        channels=ChannelSwitches(wechat=row.wechat_on, sms=row.sms_on, voice=row.voice_on),
        quiet_hours=QuietHoursView(start=row.quiet_start, end=row.quiet_end, timezone=TIMEZONE),
        phone_number=row.phone_number,
        daily_cap=row.daily_cap or default_cap,
        wechat_subscribed=row.wechat_openid is not None and row.wechat_refused_at is None,
    )


def _contact_changes(body: ContactIn) -> RecipientChanges:
    """A fresh openid (a new login) renews WeChat consent."""
    changes: RecipientChanges = {}
    if body.wechat_openid is not None:
        changes["wechat_openid"] = body.wechat_openid
        changes["wechat_refused_at"] = None
    if body.phone_number is not None:
        changes["phone_number"] = body.phone_number
    return changes


def _preference_changes(body: PreferencesIn) -> RecipientChanges:
    """What the request changes (what it leaves out keeps its value)."""
    changes: RecipientChanges = {}
    if body.channels is not None:
        changes["wechat_on"] = body.channels.wechat
        changes["sms_on"] = body.channels.sms
        changes["voice_on"] = body.channels.voice
    if body.quiet_hours is not None:
        changes["quiet_start"] = body.quiet_hours.start
        changes["quiet_end"] = body.quiet_hours.end
    if body.phone_number is not None:
        changes["phone_number"] = body.phone_number
    if body.daily_cap is not None:
        changes["daily_cap"] = body.daily_cap
    return changes


def _before_seq(cursor: str | None) -> int | None:
    """The `seq` a page starts below; None for the first page."""
    try:
        seq = decode_cursor(cursor)
    except BadCursor:
        seq = -1
    if not 0 <= seq <= MAX_SEQ:
        raise Problem(400, "cursor is not one this service gave out", type="bad-cursor")
    return seq or None


@router.put("/internal/v1/contacts/{contact_user_id}")
async def put_contact(
    contact_user_id: Annotated[str, Path(min_length=1, max_length=128)],
    body: ContactIn,
    caller: CallerDep,
    runtime: RuntimeDep,
) -> Contact:
    """How to reach a user; a fresh openid (a new login) renews WeChat consent. (The path
    parameter is not called `user_id`: that name is the caller's identity header.)"""
    user_id = contact_user_id
    async with runtime.unit_of_work() as session:
        await store.save_recipient(session, user_id, _contact_changes(body), runtime.clock.now())
        row = await store.recipient(session, user_id)
    return Contact(
        user_id=user_id,
        wechat_openid=row.wechat_openid if row else None,
        phone_number=row.phone_number if row else None,
    )


@router.get("/api/v1/me/notification-preferences")
async def get_preferences(
    caller: CallerDep, runtime: RuntimeDep, settings: SettingsDep
) -> Preferences:
    user_id = require_user(caller)
    async with runtime.sessionmaker() as session:
        row = await store.recipient(session, user_id)
    return _preferences(row, settings.default_daily_cap)


@router.put("/api/v1/me/notification-preferences")
async def put_preferences(
    body: PreferencesIn, caller: CallerDep, runtime: RuntimeDep, settings: SettingsDep
) -> Preferences:
    user_id = require_user(caller)
    async with runtime.unit_of_work() as session:
        await store.save_recipient(session, user_id, _preference_changes(body), runtime.clock.now())
        row = await store.recipient(session, user_id)
    return _preferences(row, settings.default_daily_cap)


@router.get("/api/v1/me/notifications")
async def list_notifications(
    caller: CallerDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> NotificationPage:
    """The in-app inbox, newest first."""
    user_id = require_user(caller)
    before = _before_seq(cursor)
    async with runtime.sessionmaker() as session:
        rows = await store.inbox_page(session, user_id, before=before, limit=limit + 1)
    page = rows[:limit]
    return NotificationPage(
        items=[
            Notification(
                notification_id=r.notification_id,
                kind=r.template,
                title=r.title,
                body=r.body,
                claim_id=r.claim_id,
                created_at=r.created_at.isoformat(),
            )
            for r in page
        ],
        next_cursor=encode_cursor(page[-1].seq) if len(rows) > limit else None,
    )


@router.post("/ops/v1/alerts", status_code=status.HTTP_202_ACCEPTED)
async def issue_alert(body: AlertIn, caller: CallerDep, runtime: RuntimeDep) -> AlertAccepted:
    """A disaster early warning; notify reads it back from Kafka and reaches the policyholders."""
    require_ops(caller)
    now = runtime.clock.now()
    if body.valid_until <= now:
        message = "must be in the future"
        raise Problem(
            422,
            f"valid_until: {message}",
            type="validation-error",
            errors=[{"field": "valid_until", "message": message}],
        )
    alert = AlertIssued(
        alert_id=str(uuid.uuid4()),
        region_codes=sorted(set(body.region_codes)),
        kind=body.kind,
        title=body.title,
        body=body.body,
        valid_until=body.valid_until,
        issued_at=now,
    )
    async with runtime.unit_of_work() as session:
        await runtime.outbox.add(session, alert)
    return AlertAccepted(alert_id=alert.alert_id, status="accepted")

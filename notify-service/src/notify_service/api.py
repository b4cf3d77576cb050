"""HTTP entrypoints: contacts (from the gateway), preferences, the inbox and ops alerts."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lipei.app import RuntimeDep
from lipei.events import AlertIssued
from lipei.messaging.outbox import enqueue
from lipei.web import CallerDep, Problem, require_ops, require_user
from notify_service.domain.contact import is_e164
from notify_service.domain.templates import alert_kinds
from notify_service.models import inbox, recipients

router = APIRouter()

_Hhmm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def _phone(value: str | None) -> str | None:
    if value is not None and not is_e164(value):
        raise ValueError("phone_number must be E.164, e.g. +8613800138000")
    return value


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wechat_openid: str | None = Field(default=None, min_length=1, max_length=128)
    phone_number: str | None = None

    _check_phone = field_validator("phone_number")(_phone)


class Channels(BaseModel):
    # Strict: JSON 0/1 or "yes" are not switches; the OpenAPI document promises booleans.
    model_config = ConfigDict(extra="forbid", strict=True)
    wechat: bool = True
    sms: bool = True
    voice: bool = True


class QuietHoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: _Hhmm = "21:00"
    end: _Hhmm = "08:00"


class PreferencesIn(BaseModel):
    """Every field optional: what is left out keeps its current value."""

    model_config = ConfigDict(extra="forbid", strict=True)
    channels: Channels | None = None
    quiet_hours: QuietHoursIn | None = None
    phone_number: str | None = None
    daily_cap: int | None = Field(default=None, ge=1, le=50)

    _check_phone = field_validator("phone_number")(_phone)


class AlertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region_codes: list[Annotated[str, Field(pattern=r"^\d{6}$")]] = Field(
        min_length=1, max_length=100
    )
    kind: str
    title: str = Field(min_length=1, max_length=40)
    body: str = Field(min_length=1, max_length=500)
    valid_until: AwareDatetime

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in alert_kinds():
            raise ValueError(f"kind must be one of {sorted(alert_kinds())}")
        return value


async def _recipient(session: AsyncSession, user_id: str) -> Any:
    found = await session.execute(select(recipients).where(recipients.c.user_id == user_id))
    return found.first()


async def _upsert(
    session: AsyncSession, user_id: str, values: dict[str, Any], now: datetime
) -> None:
    if await _recipient(session, user_id) is None:
        await session.execute(
            recipients.insert().values(
                user_id=user_id,
                wechat_on=True,
                sms_on=True,
                voice_on=True,
                quiet_start="21:00",
                quiet_end="08:00",
                updated_at=now,
                **values,
            )
        )
    else:
        await session.execute(
            recipients.update()
            .where(recipients.c.user_id == user_id)
            .values(updated_at=now, **values)
        )


def _preferences_view(row: Any, default_cap: int) -> dict[str, Any]:
    if row is None:
        return {
            "channels": {"wechat": True, "sms": True, "voice": True},
            "quiet_hours": {"start": "21:00", "end": "08:00", "timezone": "Asia/Shanghai"},
            "phone_number": None,
            "daily_cap": default_cap,
            "wechat_subscribed": False,
        }
    return {
        "channels": {"wechat": row.wechat_on, "sms": row.sms_on, "voice": row.voice_on},
        "quiet_hours": {
            "start": row.quiet_start,
            "end": row.quiet_end,
            "timezone": "Asia/Shanghai",
        },
        "phone_number": row.phone_number,
        "daily_cap": row.daily_cap or default_cap,
        "wechat_subscribed": row.wechat_openid is not None and row.wechat_refused_at is None,
    }


@router.put("/internal/v1/contacts/{contact_user_id}")
async def put_contact(
    contact_user_id: Annotated[str, Path(min_length=1, max_length=128)],
    body: ContactIn,
    caller: CallerDep,
    runtime: RuntimeDep,
) -> dict[str, Any]:
    """How to reach a user; a fresh openid (a new login) renews WeChat consent. (The path
    parameter is not called `user_id`: that name is the caller's identity header.)"""
    user_id = contact_user_id
    values: dict[str, Any] = body.model_dump(exclude_unset=True, exclude_none=True)
    if "wechat_openid" in values:
        values["wechat_refused_at"] = None
    async with runtime.unit_of_work() as session:
        await _upsert(session, user_id, values, runtime.clock.now())
        row = await _recipient(session, user_id)
    return {
        "user_id": user_id,
        "wechat_openid": row.wechat_openid,
        "phone_number": row.phone_number,
    }


@router.get("/api/v1/me/notification-preferences")
async def get_preferences(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    user_id = require_user(caller)
    async with runtime.sessionmaker() as session:
        row = await _recipient(session, user_id)
    return _preferences_view(row, runtime.settings.default_daily_cap)  # type: ignore[attr-defined]


@router.put("/api/v1/me/notification-preferences")
async def put_preferences(
    body: PreferencesIn, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    user_id = require_user(caller)
    values: dict[str, Any] = {}
    if body.channels is not None:
        values.update(
            wechat_on=body.channels.wechat, sms_on=body.channels.sms, voice_on=body.channels.voice
        )
    if body.quiet_hours is not None:
        values.update(quiet_start=body.quiet_hours.start, quiet_end=body.quiet_hours.end)
    if body.phone_number is not None:
        values["phone_number"] = body.phone_number
    if body.daily_cap is not None:
        values["daily_cap"] = body.daily_cap
    async with runtime.unit_of_work() as session:
        await _upsert(session, user_id, values, runtime.clock.now())
        row = await _recipient(session, user_id)
    return _preferences_view(row, runtime.settings.default_daily_cap)  # type: ignore[attr-defined]


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(str(seq).encode()).decode()


def _seq(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "cursor is not one this service gave out", type="bad-cursor") from None


@router.get("/api/v1/me/notifications")
async def list_notifications(
    caller: CallerDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """The in-app inbox, newest first."""
    user_id = require_user(caller)
    query = select(inbox).where(inbox.c.user_id == user_id)
    if cursor:
        query = query.where(inbox.c.seq < _seq(cursor))
    async with runtime.sessionmaker() as session:
        rows = (await session.execute(query.order_by(inbox.c.seq.desc()).limit(limit + 1))).all()
    page = rows[:limit]
    return {
        "items": [
            {
                "notification_id": r.notification_id,
                "kind": r.template,
                "title": r.title,
                "body": r.body,
                "claim_id": r.claim_id,
                "created_at": r.created_at.isoformat(),
            }
            for r in page
        ],
        "next_cursor": _cursor(page[-1].seq) if len(rows) > limit else None,
    }


@router.post("/ops/v1/alerts", status_code=status.HTTP_202_ACCEPTED)
async def issue_alert(body: AlertIn, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
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
        await enqueue(session, alert, source=runtime.settings.event_source, time=now)
    return {"alert_id": alert.alert_id, "status": "accepted"}

"""Request and response shapes of notify's HTTP API (they document the OpenAPI too)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from notify_service.domain.contact import is_e164
from notify_service.domain.labels import alert_kinds

_Hhmm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def _phone(value: str | None) -> str | None:
    if value is not None and not is_e164(value):
        raise ValueError("phone_number must be E.164, e.g. +8613800138000")
    return value


# --- requests --------------------------------------------------------------------------------


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


# --- responses -------------------------------------------------------------------------------


class Contact(BaseModel):
    user_id: str
    wechat_openid: str | None
    phone_number: str | None


class ChannelSwitches(BaseModel):
    wechat: bool
    sms: bool
    voice: bool


class QuietHoursView(BaseModel):
    start: str = Field(description="HH:MM, local time")
    end: str = Field(description="HH:MM, local time")
    timezone: str = Field(description="always Asia/Shanghai")


class Preferences(BaseModel):
    channels: ChannelSwitches
    quiet_hours: QuietHoursView
    phone_number: str | None
    daily_cap: int = Field(description="messages a day at most (the service default if unset)")
    wechat_subscribed: bool = Field(description="WeChat can reach the user now")


class Notification(BaseModel):
    notification_id: str
    kind: str = Field(description="the notice, e.g. document_rejected")
    title: str
    body: str
    claim_id: str | None
    created_at: str = Field(description="ISO 8601 with offset")


class NotificationPage(BaseModel):
    items: list[Notification]
    next_cursor: str | None


class AlertAccepted(BaseModel):
    alert_id: str
    status: str = Field(description="accepted: on its way to the policyholders of the regions")

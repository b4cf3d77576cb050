"""What to do with a message that is due: send it, defer it (quiet hours, daily cap), or let
it go (channel off, no contact, expired). Pure: the caller passes rows and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lipei.clock import utc
from notify_service.domain.quiet_hours import QuietHours, cap_reached, next_day_start, parse_hhmm

OPS_USER = "ops"


@dataclass(frozen=True)
class Plan:
    """What to do with a due message now."""

    action: str  # "send", "defer", "skip", "cancel", "expire"
    address: str | None = None
    until: datetime | None = None
    reason: str | None = None


def plan(
    row: Any, recipient: Any, *, now: datetime, sent_today: int, default_cap: int, ops_phone: str
) -> Plan:
    """Decide from the message, the recipient's contacts and preferences, and the time."""
    if row.expires_at is not None and utc(row.expires_at) <= now:
        return Plan("expire")
    channel = row.channel
    if row.user_id == OPS_USER:
        return Plan("send", address=ops_phone) if ops_phone else Plan("skip", reason="no ops phone")
    if recipient is None:
        return Plan("skip", reason="no contact details")
    if channel == "wechat":
        if not recipient.wechat_on:
            return Plan("skip", reason="wechat off")
        if recipient.wechat_openid is None or recipient.wechat_refused_at is not None:
            return Plan("skip", reason="no wechat subscription")
        address = str(recipient.wechat_openid)
    else:
        if not (recipient.sms_on if channel == "sms" else recipient.voice_on):
            return Plan("skip", reason=f"{channel} off")
        if recipient.phone_number is None:
            return Plan("skip", reason="no phone number")
        address = str(recipient.phone_number)
        quiet = QuietHours(parse_hhmm(recipient.quiet_start), parse_hhmm(recipient.quiet_end))
        if quiet.contains(now):
            return Plan("defer", until=quiet.next_allowed(now), reason="quiet hours")
    if cap_reached(sent_today, recipient.daily_cap or default_cap):
        return Plan("defer", until=next_day_start(now), reason="daily cap")
    return Plan("send", address=address)

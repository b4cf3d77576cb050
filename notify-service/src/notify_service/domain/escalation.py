"""The escalation ladder: WeChat now, SMS after N hours, a voice call after M hours, stopping
as soon as the user acts. Pure: given what happened and the time, say what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Channel = Literal["wechat", "sms", "voice"]


@dataclass(frozen=True)
class EscalationPolicy:
    sms_after: timedelta
    voice_after: timedelta

    def __post_init__(self) -> None:
        if not timedelta(0) < self.sms_after < self.voice_after:
            raise ValueError("the ladder must climb: 0 < sms_after < voice_after")

    def ladder(self) -> list[tuple[Channel, timedelta]]:
        return [("wechat", timedelta(0)), ("sms", self.sms_after), ("voice", self.voice_after)]


@dataclass(frozen=True)
class Reminder:
    """A reminder that needs the user to act (retake, supply materials)."""

    started_at: datetime
    # Ladder steps already taken (including steps skipped because a channel is off).
    reached: int = 0
    resolved: bool = False


def due_steps(policy: EscalationPolicy, reminder: Reminder, now: datetime) -> list[Channel]:
    """The ladder steps whose time has come and that were not taken yet (none once resolved)."""
    if reminder.resolved:
        return []
    return [
        channel
        for index, (channel, after) in enumerate(policy.ladder())
        if index >= reminder.reached and now >= reminder.started_at + after
    ]


def next_due_at(policy: EscalationPolicy, reminder: Reminder) -> datetime | None:
    """When the next step falls due; None when the ladder is done or the user acted."""
    ladder = policy.ladder()
    if reminder.resolved or reminder.reached >= len(ladder):
        return None
    return reminder.started_at + ladder[reminder.reached][1]


def resolves(reminder_started_at: datetime, acted_at: datetime) -> bool:
    """An action stops a reminder only if it came after the reminder began (not the upload that
    was itself rejected)."""
    return acted_at >= reminder_started_at

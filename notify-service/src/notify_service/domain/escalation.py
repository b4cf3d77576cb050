"""The escalation ladder: WeChat now, SMS after N hours, a voice call after M hours, stopping
as soon as the user acts. A step that cannot reach the user at all (refused, no openid,
channel off, bad number) is not waited out: the next step falls due at once. Pure: given what
happened and the time, say what is due."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    # The step last taken failed for good (when, and why): waiting for the user to act on a
    # message they never got is pointless, so the next step need not wait out its hours.
    last_step_failed_at: datetime | None = None
    last_step_failure: str | None = None


def step_due_at(policy: EscalationPolicy, reminder: Reminder, index: int) -> datetime:
    """When ladder step `index` falls due: its time from the start, brought forward to the
    failure of the step before it when that one could not reach the user."""
    scheduled = reminder.started_at + policy.ladder()[index][1]
    failed_at = reminder.last_step_failed_at
    if failed_at is not None and index == reminder.reached > 0:
        return min(scheduled, failed_at)
    return scheduled


def due_steps(policy: EscalationPolicy, reminder: Reminder, now: datetime) -> list[Channel]:
    """The ladder steps whose time has come and that were not taken yet (none once resolved)."""
    if reminder.resolved:
        return []
    return [
        channel
        for index, (channel, _) in enumerate(policy.ladder())
        if index >= reminder.reached and now >= step_due_at(policy, reminder, index)
    ]


def next_due_at(policy: EscalationPolicy, reminder: Reminder) -> datetime | None:
    """When the next step falls due; None when the ladder is done or the user acted."""
    if reminder.resolved or reminder.reached >= len(policy.ladder()):
        return None
    return step_due_at(policy, reminder, reminder.reached)


def failed_for_good(
    policy: EscalationPolicy, reminder: Reminder, channel: str, at: datetime, because: str
) -> Reminder:
    """The reminder's message on `channel` will never reach the user. If that was the step
    last taken, the next one falls due at `at`; a failure of an earlier step (the ladder has
    moved past it), of the last rung, or after the user acted changes nothing."""
    ladder = policy.ladder()
    if reminder.resolved or not 0 < reminder.reached < len(ladder):
        return reminder
    if ladder[reminder.reached - 1][0] != channel or reminder.last_step_failed_at is not None:
        return reminder
    return replace(reminder, last_step_failed_at=at, last_step_failure=because)


def escalation_reason(policy: EscalationPolicy, reminder: Reminder, channel: Channel) -> str:
    """Why `channel`'s step is taken, for the delivery log."""
    ladder = policy.ladder()
    index = [name for name, _ in ladder].index(channel)
    if index == reminder.reached and reminder.last_step_failed_at is not None:
        previous = ladder[index - 1][0]
        return f"{previous} cannot reach the user: {reminder.last_step_failure}"
    hours = ladder[index][1] / timedelta(hours=1)
    return f"not acted on within {hours:g} h"


def resolves(reminder_started_at: datetime, acted_at: datetime) -> bool:
    """An action stops a reminder only if it came after the reminder began (not the upload that
    was itself rejected)."""
    return acted_at >= reminder_started_at

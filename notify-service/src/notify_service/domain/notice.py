"""A notice: one message for one user, raised by one event, before it meets any channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    """What every channel's message of one notice is made of.

    `source_event_id` with the channel and the user keys each message, so an event redelivered
    or republished adds nothing."""

    source_event_id: str
    user_id: str
    template: str
    params: dict[str, str]
    trigger: str
    claim_id: str | None

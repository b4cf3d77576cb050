"""The QA sample of a day: every conversation with a complaint that day, plus a random share
drawn the same way for the same date and rate (so two readers, or a reader who comes back,
read the same conversations), and a larger rate only adds to a smaller one's sample."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date


def draw(day: date, user_id: str) -> float:
    """A number in [0, 1) fixed by the day and the user: the conversation's lot."""
    digest = hashlib.sha256(f"{day.isoformat()}|{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def sample(day: date, users: Iterable[str], *, complained: Iterable[str], rate: float) -> list[str]:
    """Users whose conversation of `day` is read: complaints first, then the drawn share in
    the order of their lots."""
    if not 0.0 <= rate <= 1.0:
        raise ValueError("the rate is a share between 0 and 1")
    must = sorted(set(complained))
    drawn = sorted(
        (u for u in set(users) - set(must) if draw(day, u) < rate), key=lambda u: draw(day, u)
    )
    return must + drawn

"""Assignment: a user's first contact gets the active butler with the most room for their
capacity, and keeps that butler; an inactive butler's users move to the others."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ButlerLoad:
    butler_id: str
    capacity: int
    active: bool
    users: int

    @property
    def room(self) -> int:
        return self.capacity - self.users


def _rank(butler: ButlerLoad) -> tuple[int, float, str]:
    # Most room first; between equals the one least loaded for their size, then a stable order.
    share = butler.users / butler.capacity if butler.capacity > 0 else float("inf")
    return (-butler.room, share, butler.butler_id)


def choose(butlers: Iterable[ButlerLoad], *, exclude: frozenset[str] = frozenset()) -> str | None:
    """The butler a new user goes to, or None when no butler is active.

    Capacity ranks butlers: when every one is full the user still gets the one least over,
    since a policyholder who writes is never turned away."""
    candidates = [b for b in butlers if b.active and b.butler_id not in exclude]
    if not candidates:
        return None
    return min(candidates, key=_rank).butler_id


@dataclass(frozen=True)
class Move:
    user_id: str
    from_butler: str
    to_butler: str | None


def rehome(users: Sequence[str], leaving: str, butlers: Iterable[ButlerLoad]) -> list[Move]:
    """Where each of `leaving`'s users goes, one at a time, so the load spreads as it grows."""
    loads = {b.butler_id: b for b in butlers if b.butler_id != leaving}
    moves = []
    for user_id in users:
        target = choose(loads.values())
        moves.append(Move(user_id, leaving, target))
        if target is not None:
            loads[target] = replace(loads[target], users=loads[target].users + 1)
    return moves

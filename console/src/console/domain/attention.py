"""The ops attention queue as the page lists it: nearest open deadline first."""

from __future__ import annotations

from typing import Any

from console.domain.labels import DEADLINES, STATUS, word


def next_deadline(item: dict[str, Any]) -> dict[str, Any] | None:
    """The earliest deadline not yet met (breached ones included: they are the most urgent)."""
    open_ = [d for d in item.get("deadlines", []) if not d.get("met")]
    return min(open_, key=lambda d: str(d["due_at"])) if open_ else None


def by_deadline(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        deadline = next_deadline(item)
        rows.append(
            {
                **item,
                "status_label": word(STATUS, item.get("status")),
                "deadline": deadline,
                "deadline_label": word(DEADLINES, deadline["kind"]) if deadline else None,
            }
        )
    # ISO times with the same offset sort as text; claims with no open deadline go last
    return sorted(
        rows,
        key=lambda r: (r["deadline"] is None, r["deadline"]["due_at"] if r["deadline"] else ""),
    )

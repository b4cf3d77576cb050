"""Rendered text never carries a full identifier: long digit runs keep only their last 4."""

from __future__ import annotations

import re

# 8+ digits with an optional final X (ID numbers, bank cards, phone numbers), or a card number
# written in groups of four. Dates (2026-11-22) and amounts stay readable.
_LONG_NUMBER = re.compile(r"\d{4}(?:[ -]\d{4}){2,4}|\d{8,}[Xx]?")
# Opaque identifiers: UUIDs and long hex or letter-digit tokens.
_TOKEN = re.compile(r"\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]{4,}(?:-[A-Za-z0-9]{3,}){2,}\b")


def _keep_last_four(match: re.Match[str]) -> str:
    compact = re.sub(r"[ -]", "", match.group(0))
    return "*" * (len(compact) - 4) + compact[-4:]


def mask_sensitive(text: str) -> str:
    """Mask anything that looks like an ID, card, phone or other long identifier."""
    text = _TOKEN.sub(lambda m: "***" + m.group(0)[-4:], text)
    return _LONG_NUMBER.sub(_keep_last_four, text)


def short_ref(identifier: str) -> str:
    """How a claim is named to its owner: the last 6 characters, never the whole id."""
    tail = re.sub(r"[^A-Za-z0-9]", "", identifier)[-6:]
    return tail.upper() or "-"

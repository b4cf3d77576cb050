"""Masking what ops reads for quality: resident ID numbers (18 characters with a valid check
digit), bank card numbers (13–19 digits passing Luhn) and phone numbers. Only the last four
characters of an ID or card number stay readable, and a mobile number keeps its first three and
last four (the way Chinese apps show it)."""

from __future__ import annotations

import re
from collections.abc import Callable

# GB 11643-1999: weights of the first 17 digits and the check character of each sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}[ ]?\d{8}[ ]?\d{3}[0-9Xx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])")
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9A-Za-z])"
)
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0\d{2,3})[ -](\d{3,4})[ -]?(\d{4})(?![0-9A-Za-z])")


def id_number_valid(value: str) -> bool:
    """An 18-character resident ID number whose last character is its check digit."""
    compact = value.replace(" ", "").upper()
    if len(compact) != 18 or not compact[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(compact[:17], _ID_WEIGHTS, strict=True))
    return compact[17] == _ID_CHECK[total % 11]


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum bank card numbers carry."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _keep_last_four(value: str) -> str:
    compact = re.sub(r"[ -]", "", value)
    return "*" * (len(compact) - 4) + compact[-4:]


def _id(match: re.Match[str]) -> str:
    text = match.group(0)
    return _keep_last_four(text) if id_number_valid(text) else text


def _card(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"[ -]", "", text)
    return _keep_last_four(text) if 13 <= len(digits) <= 19 and luhn_valid(digits) else text


def _mobile(match: re.Match[str]) -> str:
    return f"{match.group(1)}****{match.group(3)}"


def _landline(match: re.Match[str]) -> str:
    return f"{match.group(1)}-****{match.group(3)}"


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_ID, _id),
    (_CARD, _card),
    (_MOBILE, _mobile),
    (_LANDLINE, _landline),
)


def mask(text: str) -> str:
    """`text` with every ID number, bank card number and phone number masked."""
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return text

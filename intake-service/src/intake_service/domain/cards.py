"""Bank card and ID numbers: validation and display masking."""

from __future__ import annotations

from lipei.checks import luhn_ok


def luhn_valid(number: str) -> bool:
    return 12 <= len(number) <= 19 and luhn_ok(number)


def mask_number(value: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """`6222021234567890123` → `6222***********0123`; short values are masked entirely."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if name else name

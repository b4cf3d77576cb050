"""Check digits shared by the services that read and the services that store card numbers."""

from __future__ import annotations


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check of a bank card number; False for anything but digits."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0

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


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def id_number_ok(id_number: str) -> bool:
    """An 18-character resident ID number whose GB 11643 check character (ISO 7064 MOD 11-2)
    is right; False for anything else."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(id_number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11] == id_number[17]

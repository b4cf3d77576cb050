"""Checks a value must pass before it is reported: one that fails is dropped, never mended."""

from __future__ import annotations

import re
from datetime import date

from lipei.checks import luhn_ok as luhn_ok  # re-exported: the card rule below uses it

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def id_birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_gender(id_number: str) -> str:
    """男 for an odd sequence digit (the 17th), 女 for an even one."""
    return "男" if int(id_number[16]) % 2 else "女"


def valid_id_number(id_number: str, *, today: date) -> bool:
    """An 18-character resident ID whose check character and embedded birth date are right."""
    if not _ID_SHAPE.fullmatch(id_number):
        return False
    if id_check_char(id_number[:17]) != id_number[17]:
        return False
    born = id_birth_date(id_number)
    return born is not None and date(1900, 1, 1) <= born <= today


def valid_card_number(digits: str) -> bool:
    """A card number of the lengths Chinese banks issue (16 to 19 digits) passing the Luhn check."""
    return 16 <= len(digits) <= 19 and luhn_ok(digits)


_NAME = re.compile(r"[\u4e00-\u9fff]{2,5}(?:·[\u4e00-\u9fff]{1,8})?")


def valid_person_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


_HOSPITAL_SUFFIXES = (
    "医院",
    "卫生院",
    "卫生服务中心",
    "诊所",
    "门诊部",
    "医疗中心",
    "保健院",
    "中心",
)


def valid_hospital(name: str) -> bool:
    return 4 <= len(name) <= 40 and name.endswith(_HOSPITAL_SUFFIXES)


def add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


# A resident ID card is valid for 5, 10 or 20 years from its issue date (or for life, 长期).
ID_CARD_TERMS = (5, 10, 20)


def valid_id_card_term(valid_from: date, valid_to: date) -> bool:
    return any(add_years(valid_from, years) == valid_to for years in ID_CARD_TERMS)

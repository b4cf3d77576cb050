"""Bank cards: the card number (Luhn-checked) and the issuing bank."""

from __future__ import annotations

import re
from datetime import date

from ocr_service.ocr.extract.layout import Page
from ocr_service.ocr.extract.normalize import digit_run
from ocr_service.ocr.extract.validate import valid_card_number

_BANK = re.compile(r"[\u4e00-\u9fff]{2,14}?银行")
_GROUP = re.compile(r"\d{3,19}")


def _card_number(page: Page) -> str | None:
    """The number is embossed in groups that the engine may read as one line or several on a row."""
    for cell in page.cells:
        row = sorted((other for other in page.cells if other.same_row(cell)), key=lambda c: c.x0)
        groups = [digit_run(other.text) for other in row]
        joined = "".join(group for group in groups if _GROUP.fullmatch(group))
        for candidate in (digit_run(cell.text), joined):
            if valid_card_number(candidate):
                return candidate
    return None


def _bank_name(page: Page) -> str | None:
    for cell in page.cells:
        match = _BANK.search(cell.text)
        if match:
            return match.group()
    return None


def extract(page: Page, *, today: date) -> dict[str, str]:
    fields: dict[str, str] = {}
    number = _card_number(page)
    if number:
        fields["card_number"] = number
    bank = _bank_name(page)
    if bank:
        fields["bank_name"] = bank
    return fields

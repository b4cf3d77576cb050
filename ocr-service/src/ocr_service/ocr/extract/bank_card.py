"""Bank cards: the card number (Luhn-checked) and the issuing bank."""

from __future__ import annotations

import re
from datetime import date

from ocr_service.ocr.extract.layout import Cell, Page
from ocr_service.ocr.extract.normalize import digit_run
from ocr_service.ocr.extract.validate import valid_card_number

_BANK = re.compile(r"[\u4e00-\u9fff]{2,14}?银行")
_GROUP = re.compile(r"\d{3,19}")
# A line of the number printed in rows on a card of upright design: digit groups and nothing else.
_NUMBER_ROW = re.compile(r"\d{3,8}")
# The most rows such a number is printed in (19 digits: 4 + 4 + 4 + 4 + 3, two groups a row).
_MOST_ROWS = 4


def _row_under(page: Page, row: Cell) -> Cell | None:
    """The next line down whose left edge is aligned with this one's, if it is digits alone."""
    under = [
        cell
        for cell in page.cells
        if cell.y0 >= row.cy
        and cell.y0 - row.y1 < row.height
        and abs(cell.x0 - row.x0) < row.height
    ]
    nearest = min(under, key=lambda cell: cell.y0, default=None)
    return nearest if nearest is not None and _NUMBER_ROW.fullmatch(nearest.text) else None


def _stacked_rows(page: Page, first: Cell) -> str:
    """The number read from rows of digit groups stacked under one another, their left edges
    aligned and each the next line down (a card printed upright: 6217 0054 / 3672 7411 / 022).
    Every row of the stack counts, from its top: a number cut short of a row may pass the Luhn
    check too, once in ten."""
    if not _NUMBER_ROW.fullmatch(first.text) or any(
        _row_under(page, cell) is first
        for cell in page.cells
        if cell is not first and _NUMBER_ROW.fullmatch(cell.text)
    ):
        return ""
    rows = [first]
    while len(rows) < _MOST_ROWS and (nearest := _row_under(page, rows[-1])) is not None:
        rows.append(nearest)
    return "".join(row.text for row in rows) if len(rows) > 1 else ""


def _card_number(page: Page) -> str | None:
    """The number is embossed in groups that the engine may read as one line or several on a row."""
    for cell in page.cells:
        row = sorted((other for other in page.cells if other.same_row(cell)), key=lambda c: c.x0)
        groups = [digit_run(other.text) for other in row]
        joined = "".join(group for group in groups if _GROUP.fullmatch(group))
        for candidate in (digit_run(cell.text), joined, _stacked_rows(page, cell)):
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

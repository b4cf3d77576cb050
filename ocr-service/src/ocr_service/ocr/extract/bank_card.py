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
    """The next line of digits alone down from this one, overlapping it across."""
    under = [
        cell
        for cell in page.cells
        if cell.y0 >= row.cy
        and cell.y0 - row.y1 < row.height
        and min(cell.x1, row.x1) > max(cell.x0, row.x0)
        and _NUMBER_ROW.fullmatch(cell.text)
    ]
    return min(under, key=lambda cell: cell.y0, default=None)


def _stacked_rows(page: Page, first: Cell) -> str:
    """The number read from rows of digit groups stacked under one another, their left edges
    aligned (a card printed upright: 6217 0054 / 3672 7411 / 022). Every row of the stack counts,
    from its top to its foot, and the stack is taken only where its rows start alike: a number
    cut short of a row, or read with its rows in another order, may pass the Luhn check too,
    once in ten."""
    if not _NUMBER_ROW.fullmatch(first.text) or any(
        _row_under(page, cell) is first for cell in page.cells if cell is not first
    ):
        return ""
    rows = [first]
    while (nearest := _row_under(page, rows[-1])) is not None:
        if len(rows) == _MOST_ROWS or abs(nearest.x0 - first.x0) >= first.height:
            return ""
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

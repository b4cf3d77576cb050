"""Values found by their shape where no label for them could be placed on the page."""

from __future__ import annotations

import re

from ocr_service.ocr.extract.layout import Page
from ocr_service.ocr.extract.normalize import strip_separators
from ocr_service.ocr.extract.validate import valid_person_name

# Labels a person's own details are printed under, right after the name on every form.
_PERSON_DETAILS = ("性别", "年龄")
# What ends a label before its value: a colon, a closing bracket, a leader (two marks or more;
# one · may be inside a transcribed name).
_LABEL_END = re.compile(r"[:;】\]]|[^\u4e00-\u9fff]{2,}")


def _value_part(text: str) -> str:
    """The value part of a line: what follows its label's end, if it has one."""
    return strip_separators(_LABEL_END.split(text)[-1])


def name_beside_details(page: Page) -> str | None:
    """The person's name where its label was not read: the name just before 性别 or 年龄 in the
    same line, or in the line to their left (after that line's own label, if any). One name
    only: two different ones, and which is meant is not known."""
    names = set()
    for cell in page.cells:
        found = [cell.text.find(word) for word in _PERSON_DETAILS if word in cell.text]
        if not found:
            continue
        at = min(found)
        if at > 0:
            candidate = _value_part(cell.text[:at])
        else:
            left = page.left_of(cell)
            candidate = _value_part(left.text) if left is not None else ""
        if valid_person_name(candidate) and not page.is_label(candidate):
            names.add(candidate)
    return names.pop() if len(names) == 1 else None

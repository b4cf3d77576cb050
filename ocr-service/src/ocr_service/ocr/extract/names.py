"""A person's name beside a label that names the person."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ocr_service.ocr.extract.layout import Page, carries_label
from ocr_service.ocr.extract.roles import LABEL_WORDS
from ocr_service.ocr.extract.validate import valid_labelled_name, valid_person_name


def _same(text: str) -> str:
    return text


def labelled_name(
    page: Page, labels: Sequence[str], clean: Callable[[str], str] = _same
) -> str | None:
    """The first value beside one of the labels that is a person's name.

    A name whose surname also begins everyday words (山, 广, 经 …) is taken only from the label's
    own line (after it, or the next box to its right), never from the line below, and only where
    it is all that line holds past the label: nothing cut off after it, no colon closing it as a
    label of its own (家庭住址: is no name).
    """
    name = page.read(labels, lambda text: clean(text) if valid_person_name(clean(text)) else None)
    if name is not None:
        return name
    form_words = (*LABEL_WORDS, *page.labels)
    for cell, text in page.value_candidates(labels, below=False):
        candidate = clean(text)
        if (
            not carries_label(text)
            and cell.text.endswith(text)
            and valid_labelled_name(candidate, form_words)
            and not page.is_label(candidate)
        ):
            return candidate
    return None

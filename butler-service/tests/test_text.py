"""Message text: 1–2,000 characters, newlines allowed, other control characters refused."""

from __future__ import annotations

import pytest

from butler_service.domain.text import TextRefused, clean_text


def test_text_is_kept_with_its_newlines() -> None:
    assert clean_text("第一行\n第二行") == "第一行\n第二行"
    assert clean_text("a\r\nb") == "a\nb"
    assert clean_text("字" * 2000) == "字" * 2000


@pytest.mark.parametrize(
    "bad", ["", "   \n ", "字" * 2001, "a\x00b", "tab\there", "a\x1bb", "\ud800"]
)
def test_bad_text_is_refused(bad: str) -> None:
    with pytest.raises(TextRefused):
        clean_text(bad)

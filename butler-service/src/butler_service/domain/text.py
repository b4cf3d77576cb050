"""What a message's text may be: 1–2,000 characters, with no control characters but newlines."""

from __future__ import annotations

import unicodedata

MAX_CHARACTERS = 2000


class TextRefused(ValueError):
    """The text breaks a rule; the message says which, in words a client can show."""


def clean_text(text: str) -> str:
    """The text as stored: Windows line ends become newlines; otherwise unchanged."""
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise TextRefused("the text is empty")
    if len(text) > MAX_CHARACTERS:
        raise TextRefused(f"the text is longer than {MAX_CHARACTERS} characters")
    refuse_control_characters(text, newlines=True)
    return text


def refuse_control_characters(text: str, *, newlines: bool) -> None:
    """Control characters (and lone surrogates, which no database stores) are refused;
    newlines only where `newlines` allows them."""
    for ch in text:
        if (ch != "\n" or not newlines) and unicodedata.category(ch) in ("Cc", "Cs"):
            raise TextRefused(f"the text holds a control character (U+{ord(ch):04X})")

"""Phone numbers are kept in E.164 (+8613800138000); anything else is refused."""

from __future__ import annotations

import re

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_CN_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


def is_e164(number: str) -> bool:
    """E.164, and for +86 a mainland mobile number (landlines cannot take SMS)."""
    if not _E164.match(number):
        return False
    return not number.startswith("+86") or bool(_CN_MOBILE.match(number))

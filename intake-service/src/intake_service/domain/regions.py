"""Chinese administrative division codes (GB/T 2260): 310000 is Shanghai, 310104 a district of it.

A code's trailing "00" pairs mean "the whole area"; trimming them leaves the prefix that every
code inside the area shares.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^\d{6}$")


def is_region_code(code: str) -> bool:
    return bool(_CODE.match(code))


def area_prefix(code: str) -> str:
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def region_covers(alert_code: str, policy_code: str) -> bool:
    """An alert for an area reaches a policy inside it, and a policy for a whole area reaches an
    alert for a part of it (the insured may live anywhere in that area)."""
    a, p = area_prefix(alert_code), area_prefix(policy_code)
    return p.startswith(a) or a.startswith(p)


def containing_areas(code: str) -> list[str]:
    """The codes of the areas that contain `code`: 310104 → 310100, 310000."""
    prefix = area_prefix(code)
    areas = []
    while len(prefix) > 2:
        prefix = prefix[:-2]
        areas.append(prefix.ljust(6, "0"))
    return areas

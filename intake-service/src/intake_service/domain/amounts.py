"""Amounts as the API and the package write them: text, never a float."""

from __future__ import annotations

from decimal import Decimal
from typing import overload


@overload
def money(value: Decimal) -> str: ...
@overload
def money(value: None) -> None: ...
@overload
def money(value: Decimal | None) -> str | None: ...
def money(value: Decimal | None) -> str | None:
    """Yuan with two decimals, e.g. `484.50`."""
    return f"{value:.2f}" if value is not None else None


def ratio(value: Decimal | None) -> str | None:
    """As stored, e.g. `0.8000`."""
    return str(value) if value is not None else None

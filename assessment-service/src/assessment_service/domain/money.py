"""Money in yuan as Decimal: cents, rounded half up, and only at the end of a calculation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def to_cent(amount: Decimal) -> Decimal:
    """Rounded half up to the cent (0.005 → 0.01), as the contract asks."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal) -> str:
    """`484.50`: the decimal string money travels as."""
    return f"{to_cent(amount):.2f}"

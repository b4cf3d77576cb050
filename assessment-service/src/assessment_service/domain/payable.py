"""What a claim pays: the eligible base per invoice, the deductible once per policy year, the
reimbursement ratio, the cap at what is left of the sum insured, rounded at the end.

    base      = total_amount − insurance_paid          (per invoice; what social insurance
                                                        paid is never paid again)
    applied   = min(deductible still open this year, Σ base)
    payable   = min((Σ base − applied) × ratio, sum_insured − approved this year), ≥ 0,
                rounded half up to the cent
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from assessment_service.domain.money import ZERO, to_cent

ONE = Decimal("1")


@dataclass(frozen=True)
class Terms:
    """The policy's terms the arithmetic uses (a missing deductible is none; a missing ratio
    pays in full)."""

    sum_insured: Decimal
    deductible: Decimal = ZERO
    ratio: Decimal = ONE


@dataclass(frozen=True)
class Usage:
    """What earlier approved claims of the same policy year already used."""

    deductible_used: Decimal = ZERO
    approved: Decimal = ZERO


@dataclass(frozen=True)
class Payable:
    base_total: Decimal
    deductible_applied: Decimal
    amount: Decimal


def eligible_base(total_amount: Decimal, insurance_paid: Decimal) -> Decimal:
    """What one invoice counts for; never below zero (an invoice whose social insurance share
    exceeds its total is an inconsistency the rules refer, not a negative claim)."""
    return max(ZERO, total_amount - insurance_paid)


def open_deductible(terms: Terms, usage: Usage) -> Decimal:
    return max(ZERO, terms.deductible - usage.deductible_used)


def remaining_sum(terms: Terms, usage: Usage) -> Decimal:
    return max(ZERO, terms.sum_insured - usage.approved)


def deductible_for(base_total: Decimal, terms: Terms, usage: Usage) -> Decimal:
    """The part of the deductible a claim with these bases uses up."""
    return min(open_deductible(terms, usage), max(ZERO, base_total))


def payable(bases: Iterable[Decimal], terms: Terms, usage: Usage) -> Payable:
    base_total = sum(bases, ZERO)
    applied = deductible_for(base_total, terms, usage)
    raw = (base_total - applied) * terms.ratio
    capped = min(max(ZERO, raw), remaining_sum(terms, usage))
    return Payable(base_total=base_total, deductible_applied=applied, amount=to_cent(capped))

"""The arithmetic and the ledger of a policy year, by example and over any sequence of claims."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment_service.domain.ledger import Entry, YearLedger
from assessment_service.domain.money import ZERO, to_cent
from assessment_service.domain.payable import Terms, Usage, eligible_base, payable
from assessment_service.domain.policy_year import year_start

D = Decimal


def test_the_base_is_what_social_insurance_did_not_pay() -> None:
    assert eligible_base(D("484.50"), D("100.00")) == D("384.50")
    assert eligible_base(D("100.00"), D("120.00")) == ZERO


def test_deductible_ratio_cap_and_rounding_half_up_at_the_end() -> None:
    terms = Terms(sum_insured=D("20000.00"), deductible=D("100.00"), ratio=D("0.8"))
    first = payable([D("300.00"), D("84.50")], terms, Usage())
    assert (first.base_total, first.deductible_applied, first.amount) == (
        D("384.50"),
        D("100.00"),
        D("227.60"),
    )
    # The first claim of the year used the deductible up: the second pays from the first yuan.
    second = payable([D("50.00")], terms, Usage(deductible_used=D("100.00"), approved=first.amount))
    assert (second.deductible_applied, second.amount) == (ZERO, D("40.00"))
    # 0.005 rounds up, and only once, at the end.
    odd = payable([D("0.01")], Terms(sum_insured=D("10"), ratio=D("0.5")), Usage())
    assert odd.amount == D("0.01")
    # Capped at what is left of the sum insured.
    capped = payable([D("5000")], terms, Usage(approved=D("19900.00")))
    assert capped.amount == D("100.00")


def test_a_deductible_larger_than_the_bases_leaves_nothing_to_pay() -> None:
    terms = Terms(sum_insured=D("20000"), deductible=D("500"))
    result = payable([D("120.00")], terms, Usage())
    assert (result.deductible_applied, result.amount) == (D("120.00"), ZERO)
    rest = payable([D("600.00")], terms, Usage(deductible_used=D("120.00")))
    assert (rest.deductible_applied, rest.amount) == (D("380.00"), D("220.00"))


def test_policy_years_run_from_valid_from() -> None:
    start = date(2024, 2, 29)
    assert year_start(start, date(2024, 3, 1)) == start
    assert year_start(start, date(2025, 2, 27)) == start
    assert year_start(start, date(2025, 2, 28)) == date(2025, 2, 28)
    assert year_start(start, date(2026, 3, 1)) == date(2026, 2, 28)
    assert year_start(date(2025, 7, 1), date(2025, 6, 1)) == date(2025, 7, 1)


money = st.decimals(min_value=0, max_value=30000, places=2, allow_nan=False, allow_infinity=False)
ratios = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
claims = st.lists(
    st.tuples(st.lists(money, min_size=0, max_size=4), st.sampled_from(["approve", "release"])),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(sum_insured=money, deductible=money, ratio=ratios, sequence=claims)
def test_any_sequence_of_claims_on_one_policy_year(
    sum_insured: Decimal, deductible: Decimal, ratio: Decimal, sequence: list[Any]
) -> None:
    terms = Terms(sum_insured=sum_insured, deductible=deductible, ratio=ratio)
    ledger = YearLedger()
    approved: dict[str, Decimal] = {}
    for n, (bases, then) in enumerate(sequence):
        claim_id = f"C-{n}"
        usage = ledger.usage()
        result = payable(bases, terms, usage)
        assert result.amount >= ZERO
        assert result.amount <= sum(bases, ZERO)
        assert result.amount <= max(ZERO, sum_insured - usage.approved)
        assert result.amount == to_cent(result.amount)
        ledger = ledger.approve(Entry(claim_id, result.deductible_applied, result.amount))
        approved[claim_id] = result.amount
        # The deductible is never used twice: together the claims use at most the deductible.
        assert ledger.deductible_used <= deductible
        assert ledger.approved <= sum_insured
        if then == "release":
            ledger = ledger.release(claim_id)
            del approved[claim_id]
        assert ledger.approved == sum(approved.values(), ZERO)
        # Approving a held claim again changes nothing.
        if ledger.holds(claim_id):
            assert ledger.approve(Entry(claim_id, D("1"), D("1"))).usage() == ledger.usage()

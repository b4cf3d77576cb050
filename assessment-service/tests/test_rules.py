"""The decision table: each referral reason, the clean approval, and a claim with no facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from assessment_service.domain.assessment import Assessment, assess
from assessment_service.domain.payable import Usage
from assessment_service.domain.rules import RuleBook
from lipei.events import AssessmentFacts

RULES = RuleBook()
TODAY = date(2025, 12, 31)


def facts(**change: Any) -> AssessmentFacts:
    invoice = {
        "document_id": "D-1",
        "invoice_code": "144031900111",
        "invoice_number": "00012345",
        "issue_date": "2025-12-02",
        "total_amount": "484.50",
        "insurance_paid": "100.00",
        "self_paid": "384.50",
        "visit_type": "outpatient",
        "payer_is_insured": True,
        **change.pop("invoice", {}),
    }
    data: dict[str, Any] = {
        "incident_date": "2025-12-01",
        "policy": {
            "policy_id": "P-1",
            "coverage": ["outpatient"],
            "valid_from": "2025-01-01",
            "valid_to": "2025-12-31",
            "sum_insured": "20000.00",
            "deductible": "100.00",
            "reimbursement_ratio": "0.8",
        },
        "invoices": [invoice],
        "id_card_is_insured": True,
        "delegation": {"claim_types": ["outpatient"], "max_amount": "2000.00"},
    }
    data.update(change)
    return AssessmentFacts.model_validate(data)


def run(f: AssessmentFacts | None, claim_type: str = "outpatient", **kw: Any) -> Assessment:
    return assess(
        claim_type=claim_type,
        facts=f,
        usage=kw.get("usage", Usage()),
        taken=kw.get("taken", set()),
        today=TODAY,
        rules=RULES,
    )


def codes(result: Assessment) -> list[str]:
    return [r.code for r in result.reasons]


def test_a_clean_claim_is_approved_for_the_payable_amount() -> None:
    result = run(facts())
    assert result.outcome == "approved", result.reasons
    assert result.payable_amount == Decimal("227.60")  # (384.50 − 100) × 0.8
    assert result.deductible_applied == Decimal("100.00")
    assert result.rules_version == RULES.version
    assert result.fired == ()


@pytest.mark.parametrize(
    ("change", "claim_type", "code"),
    [
        ({"invoice": {"payer_is_insured": False}}, "outpatient", "name_mismatch"),
        ({"id_card_is_insured": False}, "outpatient", "name_mismatch"),
        ({"invoice": {"issue_date": "2024-12-31"}}, "outpatient", "outside_policy_period"),
        ({}, "inpatient", "not_covered"),
        ({"invoice": {"invoice_number": None}}, "outpatient", "missing_fields"),
        ({"id_card_is_insured": None}, "outpatient", "missing_fields"),
        ({"invoices": []}, "outpatient", "missing_fields"),
        ({"delegation": None}, "outpatient", "not_delegated"),
        (
            {"delegation": {"claim_types": ["pet"], "max_amount": "9"}},
            "outpatient",
            "not_delegated",
        ),
        (
            {"delegation": {"claim_types": ["outpatient"], "max_amount": "227.59"}},
            "outpatient",
            "over_instant_limit",
        ),
        ({"invoice": {"self_paid": "384.49"}}, "outpatient", "amounts_inconsistent"),
        ({"invoice": {"issue_date": "2025-11-30"}}, "outpatient", "date_inconsistent"),
        (
            {"incident_date": "2025-11-01", "invoice": {"issue_date": "2026-01-01"}},
            "outpatient",
            "date_inconsistent",
        ),
        ({"invoice": {"visit_type": "inpatient"}}, "outpatient", "visit_type_mismatch"),
    ],
)
def test_each_rule_refers_with_its_reason(
    change: dict[str, Any], claim_type: str, code: str
) -> None:
    result = run(facts(**change), claim_type)
    assert result.outcome == "referred"
    assert code in codes(result)
    assert all(r.message for r in result.reasons)
    assert code in [f.code for f in result.fired]


def test_the_limit_is_inclusive_and_the_missing_fields_are_named() -> None:
    at_limit = facts(delegation={"claim_types": ["outpatient"], "max_amount": "227.60"})
    assert run(at_limit).outcome == "approved"
    unread = run(facts(invoice={"invoice_number": None, "issue_date": None}))
    [missing] = [r for r in unread.reasons if r.code == "missing_fields"]
    assert "发票号码" in missing.message and "开票日期" in missing.message


def test_an_invoice_another_claim_holds_or_filed_twice_is_a_duplicate() -> None:
    assert codes(run(facts(), taken={("144031900111", "00012345")})) == ["duplicate_invoice"]
    twice = facts()
    twice = twice.model_copy(update={"invoices": [*twice.invoices, twice.invoices[0]]})
    assert codes(run(twice)) == ["duplicate_invoice"]


def test_a_claim_without_facts_is_referred_not_dropped() -> None:
    result = run(None)
    assert result.outcome == "referred"
    assert codes(result) == ["missing_fields", "not_delegated"]
    assert result.payable_amount == Decimal("0")


def test_what_the_year_already_used_counts() -> None:
    used = Usage(deductible_used=Decimal("100.00"), approved=Decimal("19900.00"))
    result = run(facts(), usage=used)
    assert (result.deductible_applied, result.payable_amount) == (Decimal("0"), Decimal("100.00"))

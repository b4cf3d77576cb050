"""From the facts intake sent with the submitted claim to what the rules and the arithmetic read:
the invoice lines with their eligible base, the fields that were not read, and the decision
table's input."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessment_service.domain.money import ZERO
from assessment_service.domain.payable import ONE, Terms, eligible_base
from lipei.events import AssessmentFacts, InstantClaims, InvoiceFacts

InvoiceKey = tuple[str, str]

# What each invoice must have had read for the rules and the arithmetic, with its zh-CN name.
INVOICE_FIELDS: dict[str, str] = {
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "total_amount": "合计金额",
    "insurance_paid": "医保统筹支付",
    "self_paid": "个人支付",
    "visit_type": "就诊类型",
    "payer_is_insured": "交款人姓名",
}
NO_POLICY = "保单条款"
NO_INVOICE = "医疗发票"
NO_ID_CARD_NAME = "身份证姓名"


@dataclass(frozen=True)
class Line:
    document_id: str
    invoice_code: str | None
    invoice_number: str | None
    total_amount: Decimal | None
    insurance_paid: Decimal | None
    eligible_amount: Decimal

    @property
    def key(self) -> InvoiceKey | None:
        if self.invoice_code and self.invoice_number:
            return (self.invoice_code, self.invoice_number)
        return None


def line(invoice: InvoiceFacts) -> Line:
    base = ZERO
    if invoice.total_amount is not None and invoice.insurance_paid is not None:
        base = eligible_base(invoice.total_amount, invoice.insurance_paid)
    return Line(
        document_id=invoice.document_id,
        invoice_code=invoice.invoice_code,
        invoice_number=invoice.invoice_number,
        total_amount=invoice.total_amount,
        insurance_paid=invoice.insurance_paid,
        eligible_amount=base,
    )


def terms(facts: AssessmentFacts) -> Terms:
    policy = facts.policy
    return Terms(
        sum_insured=policy.sum_insured,
        deductible=policy.deductible if policy.deductible is not None else ZERO,
        ratio=policy.reimbursement_ratio if policy.reimbursement_ratio is not None else ONE,
    )


def missing_fields(facts: AssessmentFacts | None) -> list[str]:
    """The zh-CN names of what the rules need and was not read, each named once."""
    if facts is None:
        return [NO_POLICY]
    missing: list[str] = [] if facts.invoices else [NO_INVOICE]
    for invoice in facts.invoices:
        for name, title in INVOICE_FIELDS.items():
            if getattr(invoice, name) is None and title not in missing:
                missing.append(title)
    if facts.id_card_is_insured is None:
        missing.append(NO_ID_CARD_NAME)
    return missing


def repeated_within(lines: list[Line]) -> set[InvoiceKey]:
    """Invoices filed twice in the one claim (they would count twice)."""
    counts = Counter(line.key for line in lines if line.key is not None)
    return {key for key, n in counts.items() if n > 1}


def _delegation(delegation: InstantClaims | None) -> dict[str, object] | None:
    if delegation is None:
        return None
    return {"claimTypes": list(delegation.claim_types), "maxAmount": delegation.max_amount}


def _invoice(invoice: InvoiceFacts) -> dict[str, object]:
    return {
        "issueDate": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "total": invoice.total_amount,
        "insurancePaid": invoice.insurance_paid,
        "selfPaid": invoice.self_paid,
        "visitType": invoice.visit_type,
        "payerIsInsured": invoice.payer_is_insured,
    }


def rule_input(
    *,
    claim_type: str,
    facts: AssessmentFacts | None,
    duplicates: set[InvoiceKey],
    payable: Decimal,
    today: date,
) -> dict[str, object]:
    """The decision table's input (names in the table's own camelCase)."""
    policy = facts.policy if facts else None
    return {
        "claimType": claim_type,
        "today": today.isoformat(),
        "incidentDate": facts.incident_date.isoformat() if facts else None,
        "policy": None
        if policy is None
        else {
            "coverage": list(policy.coverage),
            "validFrom": policy.valid_from.isoformat(),
            "validTo": policy.valid_to.isoformat(),
        },
        "invoices": [_invoice(i) for i in facts.invoices] if facts else [],
        "idCardIsInsured": facts.id_card_is_insured if facts else None,
        "missingFields": missing_fields(facts),
        "duplicateInvoices": sorted(f"{code}-{number}" for code, number in duplicates),
        "delegation": _delegation(facts.delegation) if facts else None,
        "payable": payable,
    }

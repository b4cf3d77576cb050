"""What the instant assessment needs from a submitted claim, without names or ID numbers.

Only intake can open the OCR fields and the insured's name, so intake answers the identity
checks itself (is the invoice's payer the insured? is the ID card's name the insured's?) and
sends booleans; the invoices' codes, dates and amounts, the policy's terms and the insurer's
delegation travel as they are. A value OCR did not read, or that does not parse, is null: the
assessment refers such a claim to a person rather than guess.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from intake_service.domain.records import Claim, Delegation, Document, OpenPolicy
from lipei.events import AssessmentFacts, InstantClaims, InvoiceFacts, PolicyTerms

VISIT_TYPES = frozenset({"outpatient", "inpatient"})
# The middle dots written in minority and foreign names (·, •, ・, ‧).
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·"})

Fields = Mapping[str, Any]


def same_person(read: object, insured: str) -> bool | None:
    """Whether a name read from a document is the insured's; None when none was read."""
    if not isinstance(read, str) or not read.strip():
        return None
    return _normal(read) == _normal(insured)


def _normal(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).translate(_DOTS).split())


def _amount(value: object) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def invoice_facts(document_id: str, fields: Fields, insured: str) -> InvoiceFacts:
    visit = fields.get("visit_type")
    return InvoiceFacts(
        document_id=document_id,
        invoice_code=_text(fields.get("invoice_code")),
        invoice_number=_text(fields.get("invoice_number")),
        issue_date=_date(fields.get("issue_date")) if "issue_date" in fields else None,
        total_amount=_amount(fields["total_amount"]) if "total_amount" in fields else None,
        insurance_paid=_amount(fields["insurance_paid"]) if "insurance_paid" in fields else None,
        self_paid=_amount(fields["self_paid"]) if "self_paid" in fields else None,
        visit_type=visit if visit in VISIT_TYPES else None,
        payer_is_insured=same_person(fields.get("payer_name"), insured),
    )


def _id_card_is_insured(cards: list[Fields], insured: str) -> bool | None:
    """Every accepted ID card names the insured; None when none was read."""
    answers = [same_person(card.get("name"), insured) for card in cards]
    if not answers or any(a is None for a in answers):
        return None
    return all(answers)


def _terms(opened: OpenPolicy) -> PolicyTerms:
    policy = opened.policy
    return PolicyTerms(
        policy_id=policy.policy_id,
        coverage=list(policy.coverage),
        valid_from=policy.valid_from,
        valid_to=policy.valid_to,
        sum_insured=policy.sum_insured,
        deductible=policy.deductible,
        reimbursement_ratio=policy.reimbursement_ratio,
    )


def assessment_facts(
    *,
    claim: Claim,
    policy: OpenPolicy,
    documents: Sequence[Document],
    delegation: Delegation | None,
    open_fields: Callable[[Document], Fields],
) -> AssessmentFacts:
    """`open_fields`: a document's OCR fields, opened with intake's key."""
    accepted = [d for d in documents if d.status == "accepted"]
    insured = policy.insured_name
    return AssessmentFacts(
        incident_date=claim.incident_date,
        policy=_terms(policy),
        invoices=[
            invoice_facts(d.document_id, open_fields(d), insured)
            for d in accepted
            if d.doc_type == "medical_invoice"
        ],
        id_card_is_insured=_id_card_is_insured(
            [open_fields(d) for d in accepted if d.doc_type == "id_card_front"], insured
        ),
        delegation=InstantClaims(
            claim_types=list(delegation.claim_types), max_amount=delegation.max_amount
        )
        if delegation
        else None,
    )

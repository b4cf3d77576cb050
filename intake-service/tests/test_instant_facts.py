"""What intake tells the instant assessment: the identity checks as booleans, the invoices' fields
as read, nulls for what was not read — and never a name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from intake_service.domain.records import Claim, Delegation, Document, OpenPolicy, Policy
from intake_service.instant_facts import assessment_facts, same_person

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def test_names_compare_as_written_whatever_the_spacing_width_or_dot() -> None:
    assert same_person(" 张 三", "张三") is True
    assert same_person("阿依古丽•买买提", "阿依古丽·买买提") is True
    assert same_person("李四", "张三") is False
    assert same_person(None, "张三") is None
    assert same_person("  ", "张三") is None


def _document(document_id: str, doc_type: str, status: str = "accepted") -> Document:
    return Document(
        document_id=document_id,
        claim_id="C-1",
        doc_type=doc_type,
        storage_key="k",
        sha256="0" * 64,
        content_type="image/jpeg",
        size_bytes=1,
        status=status,
        reasons=(),
        masked_fields={},
        sealed_fields="sealed",
        uploaded_at=NOW,
        decided_at=NOW,
        supplement_pending=False,
    )


def test_facts_carry_booleans_for_names_and_nulls_for_what_was_not_read() -> None:
    claim = Claim(
        claim_id="C-1",
        user_id="u",
        policy_id="P-1",
        insurer_code="ins",
        claim_type="outpatient",
        incident_date=date(2026, 3, 1),
        description_enc="",
        claimed_amount=None,
        payee_name_enc=None,
        payee_card_enc=None,
        status="submitted",
        idempotency_key=None,
        request_hash=None,
        signed_hash=None,
        signed_at=None,
        has_signature_image=False,
        submitted_at=NOW,
        created_at=NOW,
    )
    policy = Policy(
        policy_id="P-1",
        holder_user_id="u",
        insurer_code="ins",
        product_name="门急诊",
        insured_name_enc="",
        insured_id_number_enc="",
        coverage=("outpatient",),
        region_code="310000",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        sum_insured=Decimal("20000.00"),
        deductible=None,
        reimbursement_ratio=Decimal("0.8000"),
    )
    fields: dict[str, dict[str, Any]] = {
        "I-1": {
            "invoice_code": "1440",
            "invoice_number": "0001",
            "issue_date": "2026-03-01",
            "total_amount": "484.50",
            "insurance_paid": "100.00",
            "self_paid": "384.50",
            "visit_type": "outpatient",
            "payer_name": "张三",
        },
        "I-2": {"invoice_code": "1440", "total_amount": "not a number", "issue_date": "03/01"},
        "ID-1": {"name": "张三", "id_number": "110101199003071234"},
    }
    docs = [
        _document("I-1", "medical_invoice"),
        _document("I-2", "medical_invoice"),
        _document("I-3", "medical_invoice", status="rejected"),
        _document("ID-1", "id_card_front"),
    ]
    facts = assessment_facts(
        claim=claim,
        policy=OpenPolicy(policy, "张三", "110101199003071234"),
        documents=docs,
        delegation=Delegation(("outpatient",), Decimal("2000.00")),
        open_fields=lambda d: fields[d.document_id],
    )
    first, second = facts.invoices
    assert (first.payer_is_insured, first.total_amount, first.issue_date) == (
        True,
        Decimal("484.50"),
        date(2026, 3, 1),
    )
    assert (second.total_amount, second.issue_date, second.payer_is_insured) == (None, None, None)
    assert facts.id_card_is_insured is True
    assert facts.delegation is not None and facts.delegation.max_amount == Decimal("2000.00")
    text = facts.model_dump_json()
    assert "张三" not in text and "110101199003071234" not in text

"""The checks a keyed value passes before it is stored: the ones OCR applies to what it reads."""

from __future__ import annotations

import pytest

from intake_service.domain.keying import FieldsRefused, check_consistent, checked, masked


def refused(doc_type: str, values: dict[str, object]) -> dict[str, str]:
    with pytest.raises(FieldsRefused) as caught:
        checked(doc_type, values)
    return {e.field: e.message for e in caught.value.errors}


def test_values_are_stored_as_ocr_writes_them() -> None:
    assert checked(
        "medical_invoice",
        {
            "hospital": " 北京协和医院 ",
            "issue_date": "2025-12-20",
            "total_amount": "484.5",
            "visit_type": "outpatient",
            "invoice_code": "011002300111",
        },
    ) == {
        "hospital": "北京协和医院",
        "issue_date": "2025-12-20",
        "total_amount": "484.50",
        "visit_type": "outpatient",
        "invoice_code": "011002300111",
    }
    assert checked("id_card_front", {"id_number": "11010119900307125x"}) == {
        "id_number": "11010119900307125X"
    }
    assert checked("bank_card", {"card_number": "6222 0212 3456 7890 128"}) == {
        "card_number": "6222021234567890128"
    }


def test_only_the_fields_of_the_documents_type_are_keyed() -> None:
    errors = refused("medical_invoice", {"id_number": "110101199003071234", "hospital": "某医院"})
    assert list(errors) == ["fields.id_number"]
    assert "not a field of medical_invoice" in errors["fields.id_number"]
    assert list(refused("pet_photo", {"name": "旺财"})) == ["fields.name"]
    assert list(refused("medical_invoice", {})) == ["fields"]


@pytest.mark.parametrize(
    ("doc_type", "name", "value"),
    [
        ("medical_invoice", "issue_date", "2025/12/20"),
        ("medical_invoice", "issue_date", "2025-02-30"),
        ("medical_invoice", "issue_date", "20251220"),
        ("medical_invoice", "total_amount", "1,234.00"),
        ("medical_invoice", "total_amount", "-5.00"),
        ("medical_invoice", "total_amount", "12.345"),
        ("medical_invoice", "total_amount", "¥12"),
        ("medical_invoice", "visit_type", "门诊"),
        ("medical_invoice", "invoice_code", "ABC123456"),
        ("medical_invoice", "hospital", "   "),
        ("medical_invoice", "hospital", "医院\x00"),
        ("medical_invoice", "payer_name", 42),
        ("id_card_front", "id_number", "110101199003071234"),  # check character wrong
        ("id_card_front", "id_number", "11010119900307123"),
        ("id_card_front", "gender", "M"),
        ("bank_card", "card_number", "6222021234567890123"),  # Luhn fails
        ("bank_card", "card_number", "4111111111"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(doc_type: str, name: str, value: object) -> None:
    assert list(refused(doc_type, {name: value})) == [f"fields.{name}"]


def test_an_invoice_total_must_be_what_both_paid() -> None:
    merged = {"total_amount": "100.00", "insurance_paid": "30.00", "self_paid": "60.00"}
    with pytest.raises(FieldsRefused) as caught:
        check_consistent("medical_invoice", {"self_paid": "60.00"}, merged)
    assert [e.field for e in caught.value.errors] == ["fields.self_paid"]
    check_consistent("medical_invoice", {"self_paid": "70.00"}, {**merged, "self_paid": "70.00"})
    # An amount still missing: nothing to compare yet.
    check_consistent("medical_invoice", {"self_paid": "60.00"}, {"self_paid": "60.00"})
    # Keying another field never trips over the amounts.
    check_consistent("medical_invoice", {"hospital": "某医院"}, {**merged, "hospital": "某医院"})


def test_sensitive_values_are_masked_as_ocr_masks_them() -> None:
    assert masked("medical_invoice", {"payer_name": "欧阳娜娜", "hospital": "某医院"}) == {
        "payer_name": "欧***",
        "hospital": "某医院",
    }
    assert masked("id_card_front", {"id_number": "110101199003071233"}) == {
        "id_number": "1101**********1233"
    }
    assert masked("bank_card", {"card_number": "6222021234567890128"}) == {
        "card_number": "****0128"
    }

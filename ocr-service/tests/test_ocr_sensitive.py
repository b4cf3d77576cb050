"""Masking what a user may see of sensitive fields."""

from ocr_service.ocr import SENSITIVE_FIELDS, mask_fields


def test_masks_per_kind_of_value():
    fields = {
        "name": "许琳",
        "gender": "女",
        "birth_date": "1954-11-18",
        "address": "广东省深圳市南山区科技园南路221号",
        "id_number": "440305195411181145",
    }
    assert mask_fields("id_card_front", fields) == {
        "name": "许*",
        "gender": "女",
        "birth_date": "1954-11-18",
        "address": "广东省深圳市****",
        "id_number": "4403**********1145",
    }
    assert mask_fields(
        "bank_card", {"card_number": "6216610722470455855", "bank_name": "中国银行"}
    ) == {
        "card_number": "****5855",
        "bank_name": "中国银行",
    }
    masked = mask_fields(
        "diagnosis_certificate", {"patient_name": "欧阳娜娜", "diagnosis": "胃恶性肿瘤"}
    )
    assert masked == {"patient_name": "欧***", "diagnosis": "****"}


def test_every_sensitive_field_is_masked():
    for doc_type, names in SENSITIVE_FIELDS.items():
        for name in names:
            value = "440305195411181145"
            assert mask_fields(doc_type, {name: value})[name] != value, (doc_type, name)
    assert SENSITIVE_FIELDS["medical_invoice"] == {"payer_name"}
    assert mask_fields("other", {"payer_name": "罗静磊"}) == {"payer_name": "罗**"}

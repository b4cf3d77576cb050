"""Which extracted fields are personal data, and how to show them to a user masked.

Sensitive fields travel only encrypted for an insurer; anywhere a person sees them (the
mini-program's document list, ops screens) they are masked with these rules.
"""

from __future__ import annotations

NAME_FIELDS = frozenset({"name", "payer_name", "patient_name", "account_name"})

SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "medical_invoice": frozenset({"payer_name"}),
    "id_card_front": frozenset({"name", "id_number", "address"}),
    "id_card_back": frozenset(),
    "bank_card": frozenset({"card_number", "account_name"}),
    "diagnosis_certificate": frozenset({"patient_name", "diagnosis"}),
    "discharge_summary": frozenset({"patient_name", "diagnosis"}),
}


def mask_id_number(value: str) -> str:
    """4403**********1145: region prefix and the last four kept."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_card_number(value: str) -> str:
    """****5855: only the last four digits, as banks print them."""
    return "****" + value[-4:] if len(value) > 4 else "*" * len(value)


def mask_name(value: str) -> str:
    """许*, 欧阳** : the surname's first character only."""
    return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def mask_address(value: str) -> str:
    """The first six characters (province and city), the rest hidden: 广东省深圳市****."""
    return value[:6] + "****" if len(value) > 6 else "****"


def mask_diagnosis(_: str) -> str:
    """A diagnosis says nothing safely in part: hidden whole."""
    return "****"


_MASKS = {
    "id_number": mask_id_number,
    "card_number": mask_card_number,
    "address": mask_address,
    "diagnosis": mask_diagnosis,
    **{field: mask_name for field in NAME_FIELDS},
}


# For a type not listed, every field name that is sensitive anywhere.
ALL_SENSITIVE = frozenset(_MASKS)


def mask_fields(doc_type: str, fields: dict[str, str]) -> dict[str, str]:
    """The fields as a user may see them: sensitive values masked, the others as read."""
    sensitive = SENSITIVE_FIELDS.get(doc_type, ALL_SENSITIVE)
    return {
        name: _MASKS[name](value) if name in sensitive else value for name, value in fields.items()
    }

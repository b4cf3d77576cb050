"""Field extraction per document type, and recognising the type from the text itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import bank_card, id_card, invoice, medical_record, roles
from ocr_service.ocr.extract.detect import detect_doc_type
from ocr_service.ocr.extract.layout import Page, quarter_turns_to_try, turned
from ocr_service.ocr.extract.normalize import compact

DOC_TYPES = (
    "medical_invoice",
    "id_card_front",
    "id_card_back",
    "bank_card",
    "diagnosis_certificate",
    "discharge_summary",
)

_LABELS: dict[str, tuple[str, ...]] = {
    "medical_invoice": invoice.LABELS,
    "id_card_front": id_card.FRONT_LABELS,
    "id_card_back": id_card.BACK_LABELS,
    "bank_card": (),
    "diagnosis_certificate": medical_record.LABELS,
    "discharge_summary": medical_record.LABELS,
}

_EXTRACTORS = {
    "medical_invoice": invoice.extract,
    "id_card_front": id_card.extract_front,
    "id_card_back": id_card.extract_back,
    "bank_card": bank_card.extract,
    "diagnosis_certificate": medical_record.extract,
    "discharge_summary": medical_record.extract,
}

# The fields a claim needs of each document (API.md): the assessment rules read every one of an
# invoice's; cards and papers name the person, the account or the illness. One that cannot be read
# on a sharp, complete photo goes to a person to key in.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "medical_invoice": (
        "invoice_code",
        "invoice_number",
        "payer_name",
        "hospital",
        "issue_date",
        "total_amount",
        "insurance_paid",
        "self_paid",
        "visit_type",
    ),
    "id_card_front": ("name", "id_number"),
    "id_card_back": ("issuing_authority", "valid_from"),
    "bank_card": ("card_number",),
    "diagnosis_certificate": ("patient_name", "hospital", "diagnosis", "issue_date"),
    "discharge_summary": ("patient_name", "hospital", "diagnosis"),
}


def extract_fields(doc_type: str, lines: Sequence[OcrLine], *, today: date) -> dict[str, str]:
    """The fields of a document of a known type; a field unread or failing its checks is absent.

    The layout is read both ways the boxes allow (upright or upside down, or sideways one way or
    the other); the likelier way stands unless the other yields more fields that pass the checks.
    """
    best: dict[str, str] | None = None
    for quarter_turns in quarter_turns_to_try(lines):
        page = Page(turned(lines, quarter_turns), _LABELS[doc_type])
        fields = _EXTRACTORS[doc_type](page, today=today)
        if best is None or len(fields) > len(best):
            best = fields
    return best or {}


# Required fields that some templates of a type never print, by the role of their label: a
# kiosk's payment slip and a clinic's receipt carry a number but no 票据代码. A person can key
# such a field only from a page that prints its label; on any other it is not asked for.
PRINTED_ON_SOME: dict[str, dict[str, str]] = {"medical_invoice": {"invoice_code": roles.CODE}}


def missing_fields(
    doc_type: str, fields: dict[str, str], lines: Sequence[OcrLine] = ()
) -> list[str]:
    """The required fields not read, less those the page shows no label for where the type's
    templates may leave them out (its lines are those of the page, upright or not)."""
    missing = [name for name in REQUIRED_FIELDS[doc_type] if name not in fields]
    optional = PRINTED_ON_SOME.get(doc_type, {})
    if not any(name in optional for name in missing):
        return missing
    printed = {label.role for label in roles.find_labels(compact(line.text) for line in lines)}
    return [name for name in missing if name not in optional or optional[name] in printed]


__all__ = ["DOC_TYPES", "REQUIRED_FIELDS", "detect_doc_type", "extract_fields", "missing_fields"]

"""Fields a person keys in from a document's picture: which names each document type has, the
checks a value must pass (the ones OCR applies to what it reads), and how it is shown masked.

A keyed value is checked as strictly as a read one, so a person's typo is refused rather than
sent to the insurer: dates are real `YYYY-MM-DD` days, amounts decimals in yuan, ID numbers carry
a right check character and card numbers pass Luhn, and an invoice's total is what social
insurance and the patient paid together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from intake_service.domain.cards import mask_name
from intake_service.domain.errors import FieldError, Refused
from lipei.checks import id_number_ok, luhn_ok

Check = Callable[[str], str]  # the value as stored, or ValueError saying why not

# The field names of each document type (API.md, "OCR, for tools and tests"); a type not listed
# has no fields to key.
FIELDS: dict[str, tuple[str, ...]] = {
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
    "id_card_front": ("name", "gender", "ethnicity", "birth_date", "address", "id_number"),
    "id_card_back": ("issuing_authority", "valid_from", "valid_to"),
    "bank_card": ("card_number", "bank_name"),
    "diagnosis_certificate": ("patient_name", "hospital", "diagnosis", "issue_date"),
    "discharge_summary": ("patient_name", "hospital", "diagnosis"),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")


def _text(max_length: int) -> Check:
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > max_length or _CONTROL.search(value):
            raise ValueError(f"must be at most {max_length} printable characters")
        return value

    return check


def _digits(low: int, high: int) -> Check:
    def check(value: str) -> str:
        value = value.strip()
        if not (value.isascii() and value.isdigit() and low <= len(value) <= high):
            raise ValueError(f"must be {low} to {high} digits")
        return value

    return check


def _date(value: str) -> str:
    value = value.strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None
    if day.year < 1900:
        raise ValueError("must be a date after 1900")
    return day.isoformat()


def _amount(value: str) -> str:
    value = value.strip()
    if not _AMOUNT.fullmatch(value):
        raise ValueError("must be an amount in yuan, e.g. 484.50")
    try:
        return f"{Decimal(value):.2f}"
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError("must be an amount in yuan, e.g. 484.50") from None


def _id_number(value: str) -> str:
    value = value.strip().upper()
    if not id_number_ok(value):
        raise ValueError("is not a valid ID number (17 digits and a matching check character)")
    return value


def _card_number(value: str) -> str:
    value = value.replace(" ", "")
    if not (16 <= len(value) <= 19 and luhn_ok(value)):
        raise ValueError("is not a valid bank card number (16 to 19 digits, Luhn check)")
    return value


def _one_of(*allowed: str) -> Check:
    def check(value: str) -> str:
        value = value.strip()
        if value not in allowed:
            raise ValueError("must be one of " + ", ".join(allowed))
        return value

    return check


_CHECKS: dict[str, Check] = {
    "invoice_code": _digits(8, 12),
    "invoice_number": _digits(6, 20),
    "issue_date": _date,
    "birth_date": _date,
    "valid_from": _date,
    "valid_to": _date,
    "total_amount": _amount,
    "insurance_paid": _amount,
    "self_paid": _amount,
    "visit_type": _one_of("outpatient", "inpatient"),
    "gender": _one_of("男", "女"),
    "id_number": _id_number,
    "card_number": _card_number,
    "name": _text(50),
    "payer_name": _text(50),
    "patient_name": _text(50),
    "ethnicity": _text(10),
    "diagnosis": _text(500),
}
_DEFAULT_CHECK = _text(200)

# The values shown to people only masked (as OCR masks what it reads).
_MASKS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "payer_name": mask_name,
    "patient_name": mask_name,
    "id_number": lambda v: v[:4] + "*" * (len(v) - 8) + v[-4:],
    "card_number": lambda v: "****" + v[-4:],
    "address": lambda v: v[:6] + "****" if len(v) > 6 else "****",
    "diagnosis": lambda _: "****",
}
_SENSITIVE: dict[str, frozenset[str]] = {
    "medical_invoice": frozenset({"payer_name"}),
    "id_card_front": frozenset({"name", "id_number", "address"}),
    "bank_card": frozenset({"card_number"}),
    "diagnosis_certificate": frozenset({"patient_name", "diagnosis"}),
    "discharge_summary": frozenset({"patient_name", "diagnosis"}),
}


class FieldsRefused(Refused):
    code = "fields-invalid"
    default_detail = "some keyed values are not acceptable"


def masked(doc_type: str, values: Mapping[str, str]) -> dict[str, str]:
    """The values as people other than the insurer see them."""
    sensitive = _SENSITIVE.get(doc_type, frozenset())
    return {k: _MASKS[k](v) if k in sensitive else v for k, v in values.items()}


def checked(doc_type: str, values: Mapping[str, object]) -> dict[str, str]:
    """The keyed values as stored; FieldsRefused naming every bad one (`fields.<name>`)."""
    names = FIELDS.get(doc_type, ())
    errors: list[FieldError] = []
    good: dict[str, str] = {}
    if not values:
        errors.append(FieldError("fields", "name at least one field to key"))
    for name, value in values.items():
        where = f"fields.{name}"
        if name not in names:
            allowed = ", ".join(names) or "none"
            errors.append(FieldError(where, f"not a field of {doc_type} (fields: {allowed})"))
        elif not isinstance(value, str):
            errors.append(FieldError(where, "must be text"))
        else:
            try:
                good[name] = _CHECKS.get(name, _DEFAULT_CHECK)(value)
            except ValueError as exc:
                errors.append(FieldError(where, str(exc)))
    if errors:
        raise FieldsRefused(_detail(errors), errors=errors)
    return good


def check_consistent(doc_type: str, keyed: Mapping[str, str], merged: Mapping[str, str]) -> None:
    """Cross-checks over the document's fields as they will stand: an invoice's total is what
    social insurance and the patient paid together, an ID card's validity ends after it starts."""
    errors: list[FieldError] = []
    amounts = ("total_amount", "insurance_paid", "self_paid")
    if doc_type == "medical_invoice" and keyed.keys() & set(amounts):
        try:
            total, insured, own = (Decimal(merged[k]) for k in amounts)
        except (KeyError, InvalidOperation):
            pass  # an amount is still missing: nothing to compare yet
        else:
            if total != insured + own:
                message = (
                    f"total_amount {total} is not insurance_paid + self_paid ({insured + own})"
                )
                errors += [FieldError(f"fields.{k}", message) for k in amounts if k in keyed]
    if doc_type == "id_card_back" and keyed.keys() & {"valid_from", "valid_to"}:
        start, end = merged.get("valid_from"), merged.get("valid_to")
        if start and end and end <= start:
            errors.append(FieldError("fields.valid_to", "must be after valid_from"))
    if errors:
        raise FieldsRefused(_detail(errors), errors=errors)


def _detail(errors: list[FieldError]) -> str:
    return "; ".join(f"{e.field}: {e.message}" for e in errors[:5])

"""A user's claims as the conversation page shows them beside the messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from console.domain.labels import ASSESSMENT, DEADLINES, DOC_TYPES, STATUS, VERDICTS, word

FIELD_PREFIX = "field:"


def claim_card(claim: dict[str, Any]) -> dict[str, Any]:
    """The claim with its codes in words, and which forms apply to it."""
    documents = [
        {
            **doc,
            "type_label": word(DOC_TYPES, doc.get("doc_type")),
            "verdict_label": word(VERDICTS, doc.get("status")),
            "to_key": list(doc.get("fields_to_review") or []),
        }
        for doc in claim.get("documents", [])
    ]
    deadlines = [{**d, "label": word(DEADLINES, d.get("kind"))} for d in claim.get("deadlines", [])]
    assessment = claim.get("assessment")
    return {
        **claim,
        "status_label": word(STATUS, claim.get("status")),
        "documents": documents,
        "deadlines": deadlines,
        "assessment_label": word(ASSESSMENT, assessment.get("outcome")) if assessment else None,
        # the butler records what came of a rejection they took up, once
        "dispute_open": claim.get("status") == "rejected" and not claim.get("dispute"),
    }


def keyed_fields(items: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """`field:<name>` inputs of the key-in form that hold a value, as `{name: value}`."""
    fields: dict[str, str] = {}
    for key, value in items:
        if key.startswith(FIELD_PREFIX) and isinstance(value, str) and value.strip():
            fields[key[len(FIELD_PREFIX) :]] = value.strip()
    return fields

"""The checklist: the guide's materials against the claim's documents, and one list of
everything still needed (so the policyholder is told all of it at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake_service.domain.guide import ClaimType


@dataclass(frozen=True)
class DocumentState:
    document_id: str
    doc_type: str
    status: str  # processing | accepted | rejected
    uploaded_at: datetime
    reasons: tuple[dict[str, str], ...] = ()


def material_state(documents: list[DocumentState]) -> tuple[str, tuple[dict[str, str], ...]]:
    """One material's state: any accepted copy satisfies it; else the newest upload decides."""
    if not documents:
        return "missing", ()
    if any(d.status == "accepted" for d in documents):
        return "accepted", ()
    newest = max(documents, key=lambda d: (d.uploaded_at, d.document_id))
    return newest.status, newest.reasons


def build_checklist(claim_type: ClaimType, documents: list[DocumentState]) -> dict[str, Any]:
    materials = []
    still_needed = []
    for material in claim_type.materials:
        state, reasons = material_state([d for d in documents if d.doc_type == material.doc_type])
        item = {
            "doc_type": material.doc_type,
            "title": material.title,
            "required": material.required,
            "hint": material.hint,
            "state": state,
            "reasons": list(reasons),
        }
        materials.append(item)
        if material.required and state != "accepted":
            still_needed.append(item)
    return {
        "claim_type": claim_type.claim_type,
        "materials": materials,
        "complete": not still_needed,
        "still_needed": still_needed,
    }

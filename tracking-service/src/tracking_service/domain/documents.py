"""Document verdicts from OCR, kept per document type for guidance and the butler queue."""

from __future__ import annotations

from tracking_service.domain.state import ClaimState, DocumentHistory


def record_verdict(
    state: ClaimState, doc_type: str, *, accepted: bool, reasons: list[str], cause_id: str = ""
) -> ClaimState:
    """The claim with this verdict counted; a verdict already counted (same event) changes
    nothing, so a redelivery never makes one rejection look like two."""
    if cause_id and cause_id in state.seen:
        return state
    state = state.model_copy(deep=True)
    if cause_id:
        state.seen.append(cause_id)
    history = state.documents.setdefault(doc_type, DocumentHistory())
    if accepted:
        history.last_verdict = "accepted"
        history.last_reasons = []
    else:
        history.rejections += 1
        history.last_verdict = "rejected"
        history.last_reasons = reasons
    return state


def fields_left(state: ClaimState, document_id: str, names: list[str]) -> ClaimState:
    """The claim with what is left to key on one document (nothing: the document drops out)."""
    left = dict(state.fields_to_review)
    if names:
        left[document_id] = sorted(names)
    else:
        left.pop(document_id, None)
    return state.model_copy(update={"fields_to_review": left})

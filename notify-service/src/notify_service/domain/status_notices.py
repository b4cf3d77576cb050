"""Which notice a claim's status change becomes: one per decision the user should hear of,
none for the steps a decision passes through on its way."""

from __future__ import annotations

from dataclasses import dataclass

from lipei.events import ClaimStatusChanged
from notify_service.domain.labels import materials_texts
from notify_service.domain.masking import short_ref

# claim.status.changed → the notice the user gets (materials_requested and paid: see below).
STATUS_NOTICES = {
    "submitted": "claim_submitted",
    "under_review": "claim_under_review",
    "approved": "claim_approved",
    "rejected": "claim_rejected",
}
# Steps the status machine passes through on its way to a decision (an approval for a submitted
# claim implies review): the decision's own notice follows at once, so these stay quiet.
IMPLIED_BY_DECISION = {
    "claim.decision.materials_requested",
    "claim.decision.approved",
    "claim.decision.rejected",
    "claim.decision.paid",
}
# Without the insurer's list, the request still says where to look.
SOME_MATERIALS = ("补充材料", "详见小程序中的补充材料清单")


@dataclass(frozen=True)
class StatusNotice:
    """The notice to send; a `reminder` climbs the escalation ladder until the user acts."""

    template: str
    params: dict[str, str]
    reminder: bool = False


def status_notice(event: ClaimStatusChanged) -> StatusNotice | None:
    """The notice a status change becomes, or None when the user need not hear of it."""
    if event.to not in STATUS_NOTICES and event.to not in ("materials_requested", "paid"):
        return None
    if event.to == "under_review" and event.cause in IMPLIED_BY_DECISION:
        return None
    # Fields tracking adds to the status event beyond the contract (`materials`, the amounts).
    decided = event.model_extra or {}
    params = {"claim_ref": short_ref(event.claim_id)}
    if event.to == "materials_requested":
        names, detailed = materials_texts(decided.get("materials")) or (
            SOME_MATERIALS[0],
            event.next_action or SOME_MATERIALS[1],
        )
        params.update(material_names=names, materials=detailed)
        return StatusNotice("materials_requested", params, reminder=True)
    if event.to == "approved" and decided.get("approved_amount") is not None:
        params["amount"] = f"{decided['approved_amount']}元"
        return StatusNotice("claim_approved_amount", params)
    if event.to == "paid":
        amount = decided.get("paid_amount")
        if amount is None:
            return StatusNotice("claim_paid_plain", params)
        params["amount"] = f"{amount}元"
        return StatusNotice("claim_paid", params)
    return StatusNotice(STATUS_NOTICES[event.to], params)

"""Fields OCR could not place put a claim in the butler queue until a person keys them in; the
claim moves on meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from tracking_service.domain import attention
from tracking_service.domain.documents import fields_left
from tracking_service.domain.state import ClaimState
from tracking_service.domain.status_machine import Fact, apply

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
RULES = attention.AttentionRules()


def _claim() -> ClaimState:
    return ClaimState(
        claim_id="C-1", user_id="u-1", insurer_code="ins", claim_type="outpatient", opened_at=T0
    )


def _why(state: ClaimState) -> dict[str, str]:
    return {r.code: r.message for r in attention.reasons(state, [], T0, RULES)}


def test_a_claim_waits_in_the_queue_until_its_fields_are_keyed() -> None:
    state = fields_left(_claim(), "D-1", ["payer_name", "hospital"])
    state = fields_left(state, "D-2", [])  # a document with nothing to key adds nothing
    assert _why(state) == {"fields_to_review": "2个字段无法识别，需人工录入：医疗机构、交款人"}
    assert state.fields_to_review == {"D-1": ["hospital", "payer_name"]}

    # Not blocked: the claim is submitted and still queued.
    state = apply(state, Fact("submitted", T0, "s", "claim.submitted"), received_at=T0).state
    assert state.status == "submitted"
    assert "fields_to_review" in _why(state)

    state = fields_left(state, "D-1", ["payer_name"])
    assert _why(state) == {"fields_to_review": "1个字段无法识别，需人工录入：交款人"}
    state = fields_left(state, "D-1", [])
    assert _why(state) == {}
    assert state.fields_to_review == {}


def test_a_closed_claim_leaves_the_queue_with_fields_left() -> None:
    state = fields_left(_claim(), "D-1", ["hospital"]).model_copy(update={"status": "withdrawn"})
    assert _why(state) == {}

"""The butler's view of a claim: built from events in any order, and why it needs the butler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from butler_service.domain.claims import (
    ClaimView,
    Verdict,
    attention,
    deadline_breached,
    status_changed,
)

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_an_older_status_change_arriving_late_changes_nothing() -> None:
    view = ClaimView(claim_id="C1", user_id="u")
    view = status_changed(view, to="rejected", at=AT, next_action=None, extra={})
    late = status_changed(
        view, to="submitted", at=AT - timedelta(hours=1), next_action="等待", extra={}
    )
    assert late.status == "rejected"


def test_deadlines_come_with_status_changes_and_breaches_stay_marked() -> None:
    view = ClaimView(claim_id="C1", user_id="u")
    clocks = [{"kind": "decision", "due_at": AT.isoformat(), "met": False, "paused": False}]
    view = status_changed(
        view, to="submitted", at=AT, next_action=None, extra={"deadlines": clocks}
    )
    view = deadline_breached(view, kind="decision", due_at=AT)
    later = AT + timedelta(days=1)
    view = status_changed(
        view, to="under_review", at=later, next_action=None, extra={"deadlines": clocks}
    )
    assert [(d.kind, d.breached) for d in view.deadlines] == [("decision", True)]
    assert attention(view, [], disputed=False) == ["理赔核定已超过法定时限"]


def test_why_a_claim_needs_the_butler() -> None:
    view = ClaimView(claim_id="C1", user_id="u", status="rejected")
    rejected = Verdict(
        document_id="D1",
        doc_type="medical_invoice",
        status="rejected",
        reasons=[{"code": "blurry", "message": "照片模糊，请重新拍摄"}],
    )
    to_key_in = Verdict(
        document_id="D2",
        doc_type="id_card_front",
        status="accepted",
        fields_to_review=["id_number"],
    )
    assert attention(view, [rejected, to_key_in], disputed=False) == [
        "理赔被拒，可协助用户提出异议",
        "医疗发票未通过：照片模糊，请重新拍摄",
        "身份证人像面有1个字段需人工录入",
    ]
    # A new upload of the same type answers the rejection; a recorded dispute answers the rest.
    again = Verdict(document_id="D3", doc_type="medical_invoice", status="processing")
    assert attention(view, [rejected, again], disputed=True) == []
    referred = view.model_copy(
        update={
            "status": "submitted",
            "assessment": {
                "outcome": "referred",
                "reasons": [{"code": "name_mismatch", "message": "姓名不一致"}],
            },
        }
    )
    assert attention(referred, [], disputed=False) == ["转人工审核：姓名不一致"]

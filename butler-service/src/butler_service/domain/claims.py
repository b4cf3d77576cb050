"""Claim assistance: what the butler knows of a user's claims, built from the claim, document
and status events, and why a claim needs the butler now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

DOC_TITLES = {
    "medical_invoice": "医疗发票",
    "id_card_front": "身份证人像面",
    "id_card_back": "身份证国徽面",
    "bank_card": "银行卡",
    "diagnosis_certificate": "诊断证明",
    "discharge_summary": "出院小结",
    "expense_list": "费用清单",
    "accident_report": "事故证明",
    "vehicle_photo": "车辆照片",
    "pet_photo": "宠物照片",
    "other": "其他材料",
}
DEADLINE_TITLES = {
    "materials_notice": "一次性告知补充材料",
    "decision": "理赔核定",
    "payment": "赔款支付",
    "rejection_notice": "拒赔通知",
    "prepayment": "先行赔付",
}


class Deadline(BaseModel):
    kind: str
    due_at: datetime
    met: bool = False
    paused: bool = False
    breached: bool = False


class ClaimView(BaseModel):
    """One claim as the butler reads it (stored as JSON, one row per claim)."""

    claim_id: str
    user_id: str
    insurer_code: str | None = None
    claim_type: str | None = None
    incident_date: str | None = None
    claimed_amount: str | None = None
    status: str = "draft"
    status_at: datetime | None = None
    next_action: str | None = None
    opened_at: datetime | None = None
    approved_amount: str | None = None
    paid_amount: str | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    # Filled from `claim.assessed` once assessment events reach this service.
    assessment: dict[str, Any] | None = None


class Verdict(BaseModel):
    """One document of a claim, as the OCR's verdict left it."""

    document_id: str
    doc_type: str
    status: str
    reasons: list[dict[str, str]] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)
    fields_to_review: list[str] = Field(default_factory=list)


def status_changed(
    view: ClaimView,
    *,
    to: str,
    at: datetime,
    next_action: str | None,
    extra: dict[str, Any],
) -> ClaimView:
    """The view after a status change; an older change arriving late changes nothing."""
    if view.status_at is not None and at < view.status_at:
        return view
    view = view.model_copy(deep=True)
    view.status, view.status_at, view.next_action = to, at, next_action
    if extra.get("approved_amount") is not None:
        view.approved_amount = str(extra["approved_amount"])
    if extra.get("paid_amount") is not None:
        view.paid_amount = str(extra["paid_amount"])
    breached = {d.kind for d in view.deadlines if d.breached}
    if isinstance(extra.get("deadlines"), list):
        view.deadlines = [
            Deadline.model_validate({**d, "breached": d.get("kind") in breached})
            for d in extra["deadlines"]
            if isinstance(d, dict) and d.get("kind") and d.get("due_at")
        ]
    return view


def deadline_breached(view: ClaimView, *, kind: str, due_at: datetime) -> ClaimView:
    view = view.model_copy(deep=True)
    for deadline in view.deadlines:
        if deadline.kind == kind:
            deadline.breached = True
            return view
    view.deadlines.append(Deadline(kind=kind, due_at=due_at, breached=True))
    return view


def attention(view: ClaimView, documents: list[Verdict], *, disputed: bool) -> list[str]:
    """Why the butler should look at this claim now (zh-CN), empty when nothing waits."""
    found = [
        f"{DEADLINE_TITLES.get(d.kind, d.kind)}已超过法定时限"
        for d in view.deadlines
        if d.breached and not d.met
    ]
    if view.status == "materials_requested":
        found.append("保险公司要求补充材料" + (f"：{view.next_action}" if view.next_action else ""))
    if view.status == "rejected" and not disputed:
        found.append("理赔被拒，可协助用户提出异议")
    # `documents` come oldest first: a new upload of a type answers the rejection before it.
    for doc in {d.doc_type: d for d in documents}.values():
        title = DOC_TITLES.get(doc.doc_type, doc.doc_type)
        if doc.status == "rejected":
            why = "；".join(r.get("message", "") for r in doc.reasons) or "材料不符合要求"
            found.append(f"{title}未通过：{why}")
        if doc.fields_to_review:
            found.append(f"{title}有{len(doc.fields_to_review)}个字段需人工录入")
    if view.assessment and view.assessment.get("outcome") == "referred":
        reasons = view.assessment.get("reasons") or []
        texts = [str(r.get("message", r.get("code", ""))) for r in reasons if isinstance(r, dict)]
        found.append("转人工审核：" + ("；".join(texts) or "需人工复核"))
    return found

"""What the progress screen says, in zh-CN: timeline titles and what the user should do now."""

from __future__ import annotations

from decimal import Decimal

from lipei.events import INSTANT_DECIDER
from tracking_service.domain.state import ClaimState, Status, Transition

DOC_TITLES: dict[str, str] = {
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

STATUS_TITLES: dict[Status, str] = {
    "draft": "理赔申请已创建",
    "submitted": "理赔申请已提交",
    "under_review": "保险公司审核中",
    "materials_requested": "保险公司要求补充材料",
    "approved": "理赔已核准",
    "paid": "赔款已支付",
    "rejected": "理赔申请未获通过",
    "withdrawn": "理赔申请已撤回",
}

DEADLINE_TITLES: dict[str, str] = {
    "materials_notice": "一次性告知补充材料",
    "decision": "核定赔付结果",
    "payment": "支付赔款",
    "rejection_notice": "发出拒赔通知",
    "prepayment": "先行支付可确定金额",
}


def doc_title(doc_type: str) -> str:
    return DOC_TITLES.get(doc_type, doc_type)


def _yuan(amount: Decimal | None) -> str:
    return f"¥{amount:.2f}" if amount is not None else ""


def materials_list(materials: list[dict[str, str]]) -> str:
    return "；".join(f"{doc_title(m['doc_type'])}（{m['reason']}）" for m in materials)


def transition_entry(transition: Transition, state: ClaimState) -> tuple[str, str | None]:
    """(title, detail) of the timeline entry for one transition."""
    to = transition.to_status
    detail: str | None = None
    if to == "draft":
        detail = "请上传所需材料并签名后提交"
    elif to == "submitted":
        detail = "材料已递交保险公司"
    elif to == "under_review":
        detail = "保险公司正在审核您的理赔申请"
    elif to == "materials_requested":
        detail = "需补充：" + materials_list(state.requested_materials)
    elif to == "approved" and state.approved_by == INSTANT_DECIDER:
        detail = f"秒赔：已自动审核，核定金额 {_yuan(state.approved_amount)}".strip()
    elif to == "approved":
        detail = f"核定赔付金额 {_yuan(state.approved_amount)}".strip()
    elif to == "paid":
        detail = f"已支付 {_yuan(state.paid_amount)}".strip()
    elif to == "rejected":
        detail = f"原因：{state.rejection_reason}" if state.rejection_reason else None
    return STATUS_TITLES[to], detail


def amended_materials_entry(state: ClaimState) -> tuple[str, str | None]:
    """The timeline entry when the insurer adds to an open materials request."""
    return "保险公司追加要求补充材料", "需补充：" + materials_list(state.requested_materials)


def document_entry(doc_type: str, accepted: bool, reasons: list[str]) -> tuple[str, str | None]:
    if accepted:
        return f"{doc_title(doc_type)}已通过审核", None
    return f"{doc_title(doc_type)}未通过审核", "；".join(reasons) or None


# Document fields in the words of the paper they are printed on.
FIELD_TITLES = {
    "invoice_code": "票据代码",
    "invoice_number": "票据号码",
    "payer_name": "交款人",
    "hospital": "医疗机构",
    "issue_date": "开票日期",
    "total_amount": "金额合计",
    "insurance_paid": "医保统筹支付",
    "self_paid": "个人支付",
    "visit_type": "门诊/住院",
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期起",
    "valid_to": "有效期止",
    "card_number": "卡号",
    "bank_name": "发卡银行",
    "patient_name": "患者姓名",
    "diagnosis": "诊断",
}


def field_titles(names: list[str]) -> str:
    return "、".join(FIELD_TITLES.get(n, n) for n in names)


def keyed_entry(doc_type: str, names: list[str]) -> tuple[str, str | None]:
    """A timeline note: a person keyed in what OCR could not read (values are not shown)."""
    return f"工作人员已录入{doc_title(doc_type)}信息", field_titles(names) or None


def outstanding_rejections(state: ClaimState) -> list[str]:
    """Document types whose latest upload was rejected and not yet replaced by a good one."""
    return sorted(t for t, h in state.documents.items() if h.last_verdict == "rejected")


def next_action(state: ClaimState) -> str | None:
    """The one thing the user should do now, or None when the next move is someone else's."""
    if state.status in ("approved", "paid", "rejected", "withdrawn"):
        return None
    redo = outstanding_rejections(state)
    if redo:
        parts = []
        for doc_type in redo:
            reasons = state.documents[doc_type].last_reasons
            why = f"（{'；'.join(reasons)}）" if reasons else ""
            parts.append(f"请重新上传清晰的{doc_title(doc_type)}照片{why}")
        return "；".join(parts)
    if state.status == "materials_requested":
        return "请补充以下材料：" + materials_list(state.requested_materials)
    if state.status == "draft":
        return "请上传所需材料并签名后提交"
    return None

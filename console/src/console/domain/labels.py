"""The zh-CN words the pages use for the APIs' codes (a code without a word is shown as is)."""

from __future__ import annotations

STATUS = {
    "draft": "草稿",
    "submitted": "已提交",
    "under_review": "审核中",
    "materials_requested": "待补材料",
    "approved": "已同意赔付",
    "paid": "已赔付",
    "rejected": "已拒赔",
    "withdrawn": "已撤回",
}
DOC_TYPES = {
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
VERDICTS = {"processing": "识别中", "accepted": "已通过", "rejected": "未通过"}
DEADLINES = {
    "materials_notice": "补材通知时限",
    "decision": "核定时限",
    "payment": "赔付时限",
    "rejection_notice": "拒赔通知时限",
    "prepayment": "先行赔付时限",
}
FIELDS = {
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "payer_name": "交款人",
    "hospital": "医院",
    "issue_date": "开票日期",
    "total_amount": "合计金额",
    "insurance_paid": "医保统筹支付",
    "self_paid": "个人自付",
    "visit_type": "就诊类型",
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "身份证号",
    "issuing_authority": "签发机关",
    "valid_from": "有效期起",
    "valid_to": "有效期止",
    "card_number": "卡号",
    "bank_name": "开户行",
    "patient_name": "患者姓名",
    "diagnosis": "诊断",
}
OUTCOMES = {"overturned": "改判赔付", "partly_overturned": "部分改判", "upheld": "维持拒赔"}
AUTHORS = {"user": "用户", "butler": "管家", "assistant": "智能助手"}
ASSESSMENT = {"approved": "秒赔通过", "referred": "转人工审核"}


def word(table: dict[str, str], code: str | None) -> str:
    if code is None:
        return "—"
    return table.get(code, code)

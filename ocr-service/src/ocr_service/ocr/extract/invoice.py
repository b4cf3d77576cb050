"""Medical invoices (医疗门诊/住院收费票据 and 医疗发票)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ocr_service.ocr.extract.layout import Page
from ocr_service.ocr.extract.normalize import (
    digit_run,
    money,
    parse_amount,
    parse_chinese_amount,
    parse_iso_date,
)
from ocr_service.ocr.extract.validate import valid_hospital, valid_person_name

CODE = ("票据代码", "发票代码")
NUMBER = ("票据号码", "发票号码", "票据号", "发票号")
PAYER = ("交款人", "缴款人", "患者姓名", "就诊人", "姓名")
HOSPITAL = ("医疗机构名称", "医疗机构", "收款单位", "医院名称", "开票单位")
ISSUE_DATE = ("开票日期", "收费日期", "日期")
TOTAL = ("合计(小写)", "金额合计(小写)", "合计金额", "小写")
TOTAL_IN_WORDS = ("合计(大写)", "金额合计(大写)", "大写")
INSURANCE = ("医保统筹支付", "医保基金支付", "统筹基金支付", "统筹支付", "医保支付", "基金支付")
SELF = ("个人支付", "个人自付", "自付金额", "个人现金支付", "个人缴费")
OTHER_LABELS = ("性别", "项目名称", "金额(元)", "收款人", "复核人", "合计")

LABELS = (
    CODE
    + NUMBER
    + PAYER
    + HOSPITAL
    + ISSUE_DATE
    + TOTAL
    + TOTAL_IN_WORDS
    + INSURANCE
    + SELF
    + OTHER_LABELS
)

# 门 is often read as 内 in PP-OCR's output for invoice titles; both mean an outpatient visit here.
_OUTPATIENT = re.compile(r"[门内]诊")


def _digits(low: int, high: int) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        run = digit_run(text)
        return run if run.isdigit() and low <= len(run) <= high else None

    return parse


def visit_type(page: Page) -> str | None:
    inpatient = "住院" in page.text
    outpatient = bool(_OUTPATIENT.search(page.text))
    if inpatient == outpatient:
        return None
    return "inpatient" if inpatient else "outpatient"


def _amounts(page: Page) -> dict[str, str]:
    """Total, insurance and self-paid parts, kept only where the printed figures agree.

    The total in figures is confirmed by the parts adding up to it or by the total in words. Where
    the parts do not add up, the total in words tells which reading is wrong; if it cannot, the
    parts are left out rather than one of them guessed.
    """
    total = page.read(TOTAL, parse_amount)
    in_words = page.read(TOTAL_IN_WORDS, parse_chinese_amount)
    insurance = page.read(INSURANCE, parse_amount)
    paid_self = page.read(SELF, parse_amount)
    parts = insurance + paid_self if insurance is not None and paid_self is not None else None

    if parts is not None and parts in (total, in_words):
        confirmed: Decimal = parts
        return {
            "total_amount": money(confirmed),
            "insurance_paid": money(insurance or Decimal(0)),
            "self_paid": money(paid_self or Decimal(0)),
        }
    if total is not None and total == in_words:
        return {"total_amount": money(total)}
    return {}


def extract(page: Page, *, today: date) -> dict[str, str]:
    fields: dict[str, str] = {}
    readers: dict[str, tuple[tuple[str, ...], Callable[[str], str | None]]] = {
        "invoice_code": (CODE, _digits(8, 12)),
        "invoice_number": (NUMBER, _digits(6, 20)),
        "payer_name": (PAYER, lambda text: text if valid_person_name(text) else None),
        "hospital": (HOSPITAL, lambda text: text if valid_hospital(text) else None),
        "issue_date": (ISSUE_DATE, lambda text: parse_iso_date(text, today=today)),
    }
    for name, (labels, parse) in readers.items():
        value = page.read(labels, parse)
        if value is not None:
            fields[name] = value
    fields.update(_amounts(page))
    kind = visit_type(page)
    if kind:
        fields["visit_type"] = kind
    return fields

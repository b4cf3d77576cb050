"""Medical invoices: the national 医疗收费电子票据, provincial paper 收费票据, hospital print-outs.

Each field is read from beside or below a label for it: one of the wordings these templates are
known to print, or any label the page composes of the words such labels are made of (roles.py:
收款 + 时间 dates the paper however a printer words it). Where no label could be placed, a field
is read from a value whose shape can only be that field's. Amounts are kept only where the
printed figures agree with each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ocr_service.ocr.extract import roles
from ocr_service.ocr.extract.layout import Page, carries_label
from ocr_service.ocr.extract.names import labelled_name
from ocr_service.ocr.extract.normalize import (
    digit_run,
    find_dates,
    money,
    parse_amount,
    parse_chinese_amount,
    parse_iso_date,
)
from ocr_service.ocr.extract.shapes import name_beside_details
from ocr_service.ocr.extract.validate import (
    HOSPITAL_SUFFIXES,
    valid_hospital,
    valid_person_name,
    valid_store,
)

# Labels as the national template, provinces, hospitals and printers word them; more specific
# wordings first.
CODE = ("票据代码", "发票代码")
NUMBER = ("票据号码", "发票号码", "票据号", "发票号", "票号", "NO.", "No.", "NO:", "No:")
PAYER = (
    "交款人",
    "缴款人",
    "缴费人",
    "付款人",
    "患者姓名",
    "病人姓名",
    "病员姓名",
    "就诊人姓名",
    "就诊人",
    # the fiscal receipt's template (交款单位或个人), and an insurer's or a shop's wording
    "交款单位或个人",
    "缴款单位或个人",
    "交款单位(个人)",
    "缴款单位(个人)",
    "被保险人姓名",
    "被保险人",
    "客户姓名",
    "就诊者",
    "姓名",
    "患者",
    "病人",
)
HOSPITAL = (
    "医疗机构名称",
    "医疗机构",
    "收款单位",
    "开票单位",
    "收费单位",
    "收费机构",
    "开具单位",
    "医院名称",
    "就诊医院",
    "就诊机构",
    "定点医疗机构",
    # the fiscal receipt's issuing unit (执收单位), and a viewer's 收款方
    "执收单位名称",
    "执收单位",
    "收款方",
    "收款机构",
)
ISSUE_DATE = (
    "开票日期",
    "开具日期",
    "收费日期",
    "结算日期",
    "缴费日期",
    "交款日期",
    "填开日期",
    "出票日期",
    "日期",
)
TOTAL_IN_WORDS_LABELS = (
    "金额合计(大写)",
    "合计金额(大写)",
    "总金额(大写)",
    "费用合计(大写)",
    "人民币(大写)",
    "合计(人民币大写)",
    "合计(大写)",
    "金额(大写)",
    "大写金额",
    "人民币大写",
    "(人民币大写)",
    "(大写)",
    "大写",
)
TOTAL_LABELS = (
    "金额合计(小写)",
    "合计金额(小写)",
    "总金额(小写)",
    "费用合计(小写)",
    "合计(小写)",
    "金额(小写)",
    "小写金额",
    "(小写)",
    "小写",
    "实收金额",
    "实收合计",
    "应收金额",
    "费用总额",
    "医疗费用总额",
    "金额合计",
    "合计金额",
    "费用合计",
    "总金额",
    "总计",
    "合计",
)
INSURANCE_LABELS = (
    "基本医疗保险统筹基金支付",
    "医保统筹基金支付金额",
    "统筹基金支付金额",
    "统筹支付金额",
    "医保基金支付金额",
    "医保支付金额",
    "医保报销金额",
    "基金支付金额",
    "医保统筹基金支付",
    "医保统筹支付",
    "统筹基金支付",
    "医保基金支付",
    "医疗保险支付",
    "统筹支付",
    "医保支付",
    "基金支付",
    "医保报销",
    "统筹报销",
)
SELF_LABELS = (
    "个人现金支付金额",
    "个人现金支付",
    "个人负担金额",
    "个人承担金额",
    "个人自负金额",
    "个人承担",
    "个人自负",
    "个人应付",
    "个人支付金额",
    "个人自付金额",
    "个人自付",
    "个人支付",
    "自付金额",
    "个人缴费",
    "个人负担",
    "现金支付",
    "自付",
)
# Labels of other things on the same papers: a field's label inside one of these is not that
# field's (日期 in 就诊日期, 交款人 in 交款人统一社会信用代码, 支付 in 个人账户支付).
OTHER_LABELS = (
    "交款人统一社会信用代码",
    "统一社会信用代码",
    "医疗机构类型",
    "就诊日期",
    "入院日期",
    "出院日期",
    "住院日期",
    "住院时间",
    "入院时间",
    "出院时间",
    "打印日期",
    "个人账户支付",
    "个人自费",
    "自费金额",
    "个人账户余额",
    "其他支付",
    "性别",
    "项目名称",
    "金额(元)",
    "收款人",
    "复核人",
    "校验码",
    "业务流水号",
    "门诊号",
    "住院号",
    "医保类型",
    "医保编号",
    "医保卡号",
    "病历号",
    "收费员",
    "经办人",
)

LABELS = (
    CODE
    + NUMBER
    + PAYER
    + HOSPITAL
    + ISSUE_DATE
    + TOTAL_LABELS
    + TOTAL_IN_WORDS_LABELS
    + INSURANCE_LABELS
    + SELF_LABELS
    + OTHER_LABELS
)

# 门 is often read as 内 in PP-OCR's output for invoice titles; both mean an outpatient visit here,
# as does 门(急)诊 (out-patient and emergency).
_OUTPATIENT = re.compile(r"[门内](?:\(急\))?诊")
_INSTITUTION = re.compile(
    r"[\u4e00-\u9fff()]{2,36}(?:" + "|".join(map(re.escape, HOSPITAL_SUFFIXES)) + ")"
)
# Words that label a date: a date beside one is that label's, never an unlabelled issue date.
_DATE_LABEL = re.compile(r"日期|时间|[入出]院日")


def _digits(low: int, high: int) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        run = digit_run(text)
        return run if run.isdigit() and low <= len(run) <= high else None

    return parse


def _name(text: str) -> str | None:
    return text if valid_person_name(text) else None


def _hospital(text: str) -> str | None:
    return text if valid_hospital(text) else None


def _store(text: str) -> str | None:
    return text if valid_store(text) else None


def visit_type(page: Page, hospital: str | None) -> str | None:
    """Inpatient or outpatient, from the words the page prints (less the hospital's own name,
    which may well say 门诊部)."""
    text = page.text.replace(hospital, "") if hospital else page.text
    inpatient = "住院" in text
    outpatient = bool(_OUTPATIENT.search(text))
    if inpatient == outpatient:
        return None
    return "inpatient" if inpatient else "outpatient"


def _unlabelled_hospital(page: Page) -> str | None:
    """The one institution the page names, where none stands beside a label: in the title, or
    alone on its line. Two different ones, and it is not known which is meant."""
    found = set()
    for cell in page.cells:
        for match in _INSTITUTION.finditer(cell.text):
            name = match.group()
            if valid_hospital(name) and not page.is_label(name):
                found.add(name)
    # A name and the longer name it is part of are one institution named twice.
    longest = {name for name in found if not any(name in other for other in found - {name})}
    return longest.pop() if len(longest) == 1 else None


def _only_date(page: Page, today: date) -> str | None:
    """The issue date where its label was not read: the page's one date, if it prints only one
    and nothing labels it as another date (住院日期 beside it, or before it in its line)."""
    dates = set()
    for cell in page.cells:
        found = find_dates(cell.text)
        left = page.left_of(cell)
        labelled = _DATE_LABEL.search(cell.text) or (left and _DATE_LABEL.search(left.text))
        if found and labelled:
            return None
        dates.update(found)
    if len(dates) != 1:
        return None
    (day,) = dates
    return day.isoformat() if day <= today else None


def _amounts_read(page: Page, labels: tuple[str, ...]) -> list[Decimal]:
    """Every amount printed beside one of the labels, nearer readings first."""
    found: list[Decimal] = []
    for _, text in page.value_candidates(labels):
        value = None if carries_label(text) else parse_amount(text)
        if value is not None and value not in found:
            found.append(value)
    return found


def _amounts(page: Page, labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Total, insurance and self-paid parts, kept only where the printed figures agree.

    The total in figures is confirmed by the parts adding up to it or by the total in words. Each
    part's label may have more than one amount beside it (its own, one off register, the next
    row's below): the parts are taken only where exactly one reading of them adds up to a
    confirmed total, and left out rather than guessed where none or two would. The total alone
    stands where the figures and the words agree on it.
    """
    total = page.read(labels[roles.TOTAL], parse_amount)
    in_words = page.read(labels[roles.TOTAL_IN_WORDS], parse_chinese_amount)
    insurance = page.read(labels[roles.INSURANCE], parse_amount)
    paid_self = page.read(labels[roles.SELF], parse_amount)
    parts = insurance + paid_self if insurance is not None and paid_self is not None else None

    def agreed(total: Decimal, insurance: Decimal, paid_self: Decimal) -> dict[str, str]:
        return {
            "total_amount": money(total),
            "insurance_paid": money(insurance),
            "self_paid": money(paid_self),
        }

    totals = {in_words} if in_words is not None else set(_amounts_read(page, labels[roles.TOTAL]))
    if parts is not None:
        totals |= {parts} & {total, in_words}
    # What was paid in the end is the person's part where the insurance's and it add up to a
    # total printed beside it (订单金额 = 统筹报销 + 实付金额).
    own_labels = labels[roles.SELF] + tuple(filter(roles.paid_in_fact, labels[roles.TOTAL]))
    splits = {
        (insurer, own)
        for insurer in _amounts_read(page, labels[roles.INSURANCE])
        for own in _amounts_read(page, own_labels)
        if insurer + own in totals
    }
    if len(splits) == 1:
        ((insurer, own),) = splits
        return agreed(insurer + own, insurer, own)
    if total is not None and total == in_words:
        completed = _completed_splits(page, labels, total)
        if len(completed) == 1:
            ((insurer, own),) = completed
            return agreed(total, insurer, own)
        return {"total_amount": money(total)}
    return {}


def _figures(value: Decimal) -> str:
    """The digits of an amount as printed, without its point: 451.93 → 45193."""
    return money(value).replace(".", "")


def _printed_figures(page: Page, labels: tuple[str, ...]) -> set[str]:
    """The digits printed beside one of the labels, however the marks between them were read."""
    return {
        re.sub(r"\D", "", text)
        for _, text in page.value_candidates(labels)
        if not carries_label(text) and re.search(r"\d", text)
    }


def _completed_splits(
    page: Page, labels: dict[str, tuple[str, ...]], total: Decimal
) -> set[tuple[Decimal, Decimal]]:
    """Splits of a total the figures and the words agree on, where one part was read and the
    other's own digits, printed beside its label, were not read as an amount (a point lost:
    ¥45193元 for 451.93). The other part is the total less the one read, kept only where
    exactly those digits are printed beside its label."""
    own_printed = _printed_figures(page, labels[roles.SELF])
    insurer_printed = _printed_figures(page, labels[roles.INSURANCE])
    splits = set()
    for insurer in _amounts_read(page, labels[roles.INSURANCE]):
        own = total - insurer
        if own >= 0 and _figures(own) in own_printed:
            splits.add((insurer, own))
    for own in _amounts_read(page, labels[roles.SELF]):
        insurer = total - own
        if insurer >= 0 and _figures(insurer) in insurer_printed:
            splits.add((insurer, own))
    return splits


def _roles(page: Page) -> dict[str, tuple[str, ...]]:
    """The labels of each role: those the templates are known to print, then those found on the
    page by the words they are made of."""
    found = roles.labels_by_role(roles.find_labels(cell.text for cell in page.cells))
    page.learn(label for labels in found.values() for label in labels)
    known = {
        roles.CODE: CODE,
        roles.NUMBER: NUMBER,
        roles.PAYER: PAYER,
        roles.HOSPITAL: HOSPITAL,
        roles.ISSUE_DATE: ISSUE_DATE,
        roles.TOTAL: TOTAL_LABELS,
        roles.TOTAL_IN_WORDS: TOTAL_IN_WORDS_LABELS,
        roles.INSURANCE: INSURANCE_LABELS,
        roles.SELF: SELF_LABELS,
    }
    return {
        role: listed + tuple(label for label in found.get(role, ()) if label not in listed)
        for role, listed in known.items()
    }


def extract(page: Page, *, today: date) -> dict[str, str]:
    labels = _roles(page)
    readers: dict[str, tuple[tuple[str, ...], Callable[[str], str | None]]] = {
        "invoice_code": (labels[roles.CODE], _digits(8, 12)),
        "invoice_number": (labels[roles.NUMBER], _digits(6, 20)),
        "payer_name": (labels[roles.PAYER], _name),
        "hospital": (labels[roles.HOSPITAL], _hospital),
        "issue_date": (labels[roles.ISSUE_DATE], lambda text: parse_iso_date(text, today=today)),
    }
    fields: dict[str, str] = {}
    for name, (variants, parse) in readers.items():
        value = page.read(variants, parse)
        if value is not None:
            fields[name] = value
    # A pharmacy's till slip names the store that sold the drugs where an invoice names the
    # hospital (门店名称: 老百姓大药房义乌宾王店); only beside such a label is a store's name one.
    stores = tuple(filter(roles.is_store, labels[roles.HOSPITAL]))
    if "hospital" not in fields and (store := page.read(stores, _store)):
        fields["hospital"] = store
    if "payer_name" not in fields and (payer := labelled_name(page, labels[roles.PAYER])):
        fields["payer_name"] = payer
    fallbacks: dict[str, Callable[[], str | None]] = {
        "payer_name": lambda: name_beside_details(page),
        "hospital": lambda: _unlabelled_hospital(page),
        "issue_date": lambda: _only_date(page, today),
    }
    for name, fallback in fallbacks.items():
        if name not in fields and not page.has_label(readers[name][0]):
            value = fallback()
            if value is not None:
                fields[name] = value
    fields.update(_amounts(page, labels))
    kind = visit_type(page, fields.get("hospital"))
    if kind:
        fields["visit_type"] = kind
    return fields

"""Doctors' papers: diagnosis certificates (诊断证明书) and discharge summaries (出院小结/记录)."""

from __future__ import annotations

import re
from datetime import date

from ocr_service.ocr.extract import paper_dates, roles
from ocr_service.ocr.extract.layout import Page, carries_label
from ocr_service.ocr.extract.names import labelled_name
from ocr_service.ocr.extract.normalize import (
    parse_date,
    parse_iso_date,
    strip_separators,
)
from ocr_service.ocr.extract.shapes import name_beside_details
from ocr_service.ocr.extract.validate import HOSPITAL_SUFFIXES, valid_hospital

PATIENT = (
    "患者姓名", "病人姓名", "病员姓名", "病人名称", "就诊人姓名", "就医人姓名", "就诊人", "就医人",
    "就诊者", "姓名", "患者", "病人", "病员",
)  # fmt: skip
HOSPITAL = ("医疗机构名称", "医疗机构", "医院名称", "就诊医院", "开具单位", "出具单位")
DIAGNOSIS = (
    "出院诊断",
    "临床诊断",
    "诊断结果",
    "疾病诊断",
    "诊断意见",
    "门诊诊断",
    "初步诊断",
    "最后诊断",
    "主要诊断",
    "诊断名称",
    "诊断结论",
    "诊断情况",
    "疾病名称",
    "诊断",
)
# 住院日期 prints the stay, admission first (2025-03-01至2025-03-12). A case sheet's summary
# labels the days by the event alone (入院, 出院), or as the stay's start and end.
ADMISSION = (
    "入院日期", "入院时间", "入院日", "入住日期", "入住时间", "住院开始日期", "住院日期", "入院",
)  # fmt: skip
DISCHARGE = (
    "出院日期", "出院时间", "出院日", "离院日期", "离院时间", "住院结束日期", "出院",
)  # fmt: skip
ISSUE_DATE = (
    "开具日期",
    "出具日期",
    "签发日期",
    "开证日期",
    "证明日期",
    "填写日期",
    "医师签名日期",
    "开单日期",
    "开单时间",
    # An out-patient record is dated by the visit it records.
    "就诊时间",
    "就诊日期",
    "日期",
)
OTHER_LABELS = (
    "性别",
    "年龄",
    "科别",
    "科室",
    "门诊号",
    "住院号",
    "床号",
    "建议",
    "医嘱",
    "医师",
    "医生",
    "入院诊断",
    "住院天数",
    "诊疗经过",
    "出院情况",
    "出院医嘱",
    "入院情况",
    "住院时间",
    "诊断依据",
    "出生日期",
    "手术日期",
    "发病日期",
)
LABELS = PATIENT + HOSPITAL + DIAGNOSIS + ADMISSION + DISCHARGE + ISSUE_DATE + OTHER_LABELS

# The longest name ending in an institution's suffix: 宁波市医疗中心李惠利医院, not 宁波市医疗中心.
_HOSPITAL_IN_TITLE = re.compile(
    r"[\u4e00-\u9fff()]{2,36}(?:" + "|".join(map(re.escape, HOSPITAL_SUFFIXES)) + ")"
)
_DIAGNOSIS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()、,，+\-·]{2,60}")


def _hospital(page: Page, labels: tuple[str, ...]) -> str | None:
    labelled = page.read(labels, lambda text: text if valid_hospital(text) else None)
    if labelled:
        return labelled
    # Otherwise the hospital heads the paper: the first line that names one.
    for cell in page.cells[:4]:
        match = _HOSPITAL_IN_TITLE.match(cell.text)
        if match and valid_hospital(match.group()):
            return match.group()
    return None


def _diagnosis(text: str) -> str | None:
    value = strip_separators(text).rstrip("。.;；")
    if "证明" in value or not _DIAGNOSIS.fullmatch(value):
        return None
    return value


# Labels that say only that a date follows, not whose: on their own they date the paper.
_BARE_DATE_LABELS = ("日期", "时间")


def _issue_date(page: Page, labels: tuple[str, ...], today: date) -> str | None:
    """The paper's date by a label that says so; by a bare 日期 only where every line so labelled
    gives the same day (a discharge paper prints the stay's days too, under wordings no list may
    know: one of them taken for the paper's date would be wrong, so it stays absent)."""
    named = tuple(label for label in labels if label not in _BARE_DATE_LABELS)
    issued = page.read(named, lambda text: parse_iso_date(text, today=today))
    if issued:
        return issued
    days = {
        day
        for _, text in page.value_candidates(_BARE_DATE_LABELS)
        if not carries_label(text) and (day := parse_iso_date(text, today=today))
    }
    return days.pop() if len(days) == 1 else None


# A label of the diagnosis however worded: what precedes a colon or leader at the start of a line,
# or a line of its own, naming the diagnosis (临床印象, 确定诊断, 诊断印象, 病名). The words after
# 诊断 must still name it (诊断依据 is what it rests on), and those before it must not make it
# another stage's or another thing's (入院诊断 is the admission's, 诊断医师 a person).
_DIAGNOSIS_TAILS = ("结果", "意见", "结论", "名称", "情况", "印象", "为")
_DIAGNOSIS_LABEL = re.compile(
    r"^([\u4e00-\u9fff]{0,4}(?:诊断|印象|病名)(?:" + "|".join(_DIAGNOSIS_TAILS) + r")?)(?=[:;,|]|$)"
)
_NOT_DIAGNOSIS = ("入院", "证明", "书", "单")


def _diagnosis_labels(page: Page) -> tuple[str, ...]:
    found = []
    for cell in page.cells:
        # A leader or a closing bracket ends a label too (临床印象……, 【临床印象】).
        head = re.sub(r"[^\u4e00-\u9fff:;,|].*$", ":", cell.text.lstrip("【[(<"))
        match = _DIAGNOSIS_LABEL.match(head)
        if match and not any(word in match[1] for word in _NOT_DIAGNOSIS):
            found.append(match[1])
    return tuple(found)


def _with_found(listed: tuple[str, ...], found: tuple[str, ...]) -> tuple[str, ...]:
    return listed + tuple(label for label in found if label not in listed)


def extract(page: Page, *, today: date) -> dict[str, str]:
    # The person, the institution and the paper's date are labelled with the same words as on
    # invoices (姓名, 开具时间, 医疗机构名称): labels so worded are found on the page.
    found = roles.labels_by_role(roles.find_labels(cell.text for cell in page.cells))
    # The stay's days and the paper's issue, labelled by their events however worded (收治日期,
    # 出院于, 签署日期): learnt before any date is read, so a bare 日期 inside one of them is
    # that label's, never the paper's.
    days = paper_dates.date_labels(cell.text for cell in page.cells)
    patient = _with_found(PATIENT, found.get(roles.PAYER, ()))
    places = _with_found(HOSPITAL, found.get(roles.HOSPITAL, ()))
    dated = _with_found(ISSUE_DATE, days[paper_dates.ISSUE] + found.get(roles.ISSUE_DATE, ()))
    admission = _with_found(ADMISSION, days[paper_dates.ADMISSION])
    discharge = _with_found(DISCHARGE, days[paper_dates.DISCHARGE])
    diagnosed = _with_found(DIAGNOSIS, _diagnosis_labels(page))
    page.learn(patient + places + dated + admission + discharge + diagnosed)
    fields: dict[str, str] = {}
    name = labelled_name(page, patient)
    if name is None and not page.has_label(patient):
        name = name_beside_details(page)
    hospital = _hospital(page, places)
    diagnosis = page.read(diagnosed, _diagnosis)
    issued = _issue_date(page, dated, today)
    admitted = page.read(admission, lambda text: parse_date(text, today=today))
    discharged = page.read(discharge, lambda text: parse_date(text, today=today))
    # A stay ends after it begins, and a paper is issued once it has begun: dates out of that
    # order were read from the wrong lines, and none of them can be trusted.
    if admitted and discharged and admitted > discharged:
        admitted = discharged = None
    if admitted and issued and date.fromisoformat(issued) < admitted:
        admitted = discharged = issued = None
    for key, value in (
        ("patient_name", name),
        ("hospital", hospital),
        ("diagnosis", diagnosis),
        ("issue_date", issued),
        ("admission_date", admitted.isoformat() if admitted else None),
        ("discharge_date", discharged.isoformat() if discharged else None),
    ):
        if value:
            fields[key] = value
    return fields

"""Clean renders of claim documents, each with the fields printed on it."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import cv2
import numpy as np
from PIL import Image, ImageDraw

import ocr_synth.data as data
from ocr_synth.fonts import Face, font

Box = tuple[int, int, int, int]
INK = (25, 25, 25)
LABEL_BLUE = (60, 90, 140)


@dataclass
class Rendered:
    doc_type: str
    image: np.ndarray  # BGR
    fields: dict[str, str]
    text_boxes: list[Box] = field(default_factory=list)  # where ink is, for spoilers that cut


class Sheet:
    """A PIL canvas that remembers where it printed text."""

    def __init__(self, size: tuple[int, int], paper: tuple[int, int, int], face: Face) -> None:
        self.image = Image.new("RGB", size, paper)
        self.draw = ImageDraw.Draw(self.image)
        self.face = face
        self.boxes: list[Box] = []

    def text(
        self, x: float, y: float, text: str, size: int, fill: tuple[int, int, int] = INK
    ) -> Box:
        left, top, right, bottom = self.draw.textbbox((x, y), text, font=font(self.face, size))
        self.draw.text((x, y), text, font=font(self.face, size), fill=fill)
        box = (int(left), int(top), int(right), int(bottom))
        self.boxes.append(box)
        return box

    def centred(self, y: float, text: str, size: int, fill: tuple[int, int, int] = INK) -> Box:
        width = self.draw.textlength(text, font=font(self.face, size))
        return self.text((self.image.width - width) / 2, y, text, size, fill)

    def width_of(self, text: str, size: int) -> float:
        return self.draw.textlength(text, font=font(self.face, size))

    def done(self, doc_type: str, fields: dict[str, str]) -> Rendered:
        bgr = cv2.cvtColor(np.asarray(self.image), cv2.COLOR_RGB2BGR)
        return Rendered(doc_type, bgr, fields, self.boxes)


def _colon(rng: random.Random) -> str:
    return rng.choice(("：", ":", "： ", ": "))


def _yen(rng: random.Random) -> str:
    """Invoices print the yuan sign before some figures and not others."""
    return rng.choice(("", "¥", "￥"))


def _paper(rng: random.Random) -> tuple[int, int, int]:
    level = rng.randint(236, 252)
    return (level, level, level - rng.randint(0, 6))


# Fields a caller may choose for an invoice; the amounts always follow from the printed items.
INVOICE_GIVEN = ("invoice_code", "invoice_number", "payer_name", "hospital", "issue_date")


def medical_invoice(
    rng: random.Random, face: Face, today: date, given: Mapping[str, str] | None = None
) -> Rendered:
    """`given`: fields of INVOICE_GIVEN and `visit_type` to print instead of random ones."""
    given = given or {}
    inpatient = rng.random() < 0.35
    if "visit_type" in given:
        inpatient = given["visit_type"] == "inpatient"
    width = rng.choice((1000, 1100, 1240))
    items = rng.sample(data.INVOICE_ITEMS, rng.randint(2, 5))
    amounts = [Decimal(rng.randint(500, 250_000 if inpatient else 60_000)) / 100 for _ in items]
    total = sum(amounts, Decimal(0))
    ratio = rng.choice((Decimal(0), Decimal("0.3"), Decimal("0.5"), Decimal("0.7")))
    insurance = (total * ratio).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    paid_self = total - insurance
    fields = {
        "invoice_code": str(rng.randint(100_000_000, 999_999_999)),
        "invoice_number": str(rng.randint(1_000_000_000, 9_999_999_999)),
        "payer_name": data.person_name(rng),
        "hospital": rng.choice(data.HOSPITALS),
        "issue_date": data.random_date(rng, today - timedelta(days=400), today).isoformat(),
        "total_amount": f"{total:.2f}",
        "insurance_paid": f"{insurance:.2f}",
        "self_paid": f"{paid_self:.2f}",
        "visit_type": "inpatient" if inpatient else "outpatient",
    }
    fields.update({k: v for k, v in given.items() if k in INVOICE_GIVEN})
    electronic = rng.random() < 0.5
    code_label, number_label = ("票据代码", "票据号码") if electronic else ("发票代码", "发票号码")
    payer_label = rng.choice(("交款人", "交款人", "患者姓名"))
    hospital_label = rng.choice(("医疗机构", "医疗机构", "收款单位"))
    colon = _colon(rng)
    s = 24 if width < 1100 else 26
    height = 640 + 40 * len(items) + rng.randint(0, 80)
    sheet = Sheet((width, height), _paper(rng), face)
    region = rng.choice(data.INVOICE_REGIONS)
    kind = "住院" if inpatient else "门诊"
    sheet.centred(28, f"{region}医疗{kind}收费票据{'(电子)' if electronic else ''}", s + 8)
    y = 96
    header = [
        f"{code_label}{colon}{fields['invoice_code']}",
        f"{number_label}{colon}{fields['invoice_number']}",
        f"开票日期{colon}{fields['issue_date']}",
    ]
    x = 40.0
    for text in header:
        sheet.text(x, y, text, s)
        x += sheet.width_of(text, s) + rng.randint(36, 60)
    y += 90
    sheet.text(40, y, f"{payer_label}{colon}{fields['payer_name']}", s)
    sheet.text(
        40 + sheet.width_of(f"{payer_label}{colon}{fields['payer_name']}", s) + 48,
        y,
        f"性别{colon}{rng.choice('男女')}",
        s,
    )
    y += 44
    sheet.text(40, y, f"{hospital_label}{colon}{fields['hospital']}", s)
    y += 44
    table_top = y - 4
    amount_x = width // 2
    sheet.text(50, y + 6, "项目名称", s)
    sheet.text(amount_x, y + 6, "金额(元)", s)
    for item, amount in zip(items, amounts, strict=True):
        y += 40
        sheet.text(50, y + 6, item, s)
        sheet.text(amount_x, y + 6, f"{amount:.2f}", s)
    y += 48
    sheet.draw.rectangle((30, table_top, width - 30, y), outline=(60, 60, 60), width=2)
    y += 12
    sheet.text(40, y, f"合计(大写){colon}{data.amount_in_words(total)}", s)
    y += 42
    sheet.text(40, y, f"合计(小写){colon}{_yen(rng)}{fields['total_amount']}", s)
    y += 42
    paid_text = f"医保统筹支付{colon}{_yen(rng)}{fields['insurance_paid']}"
    sheet.text(40, y, paid_text, s)
    sheet.text(
        40 + sheet.width_of(paid_text, s) + 70,
        y,
        f"个人支付{colon}{_yen(rng)}{fields['self_paid']}",
        s,
    )
    cx, cy, r = width - rng.randint(230, 320), y - 70, 60
    sheet.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 40, 40), width=3)
    stamp = font(face, 20)
    sheet.draw.text(
        (cx - sheet.draw.textlength("财务专用章", font=stamp) / 2, cy - 12),
        "财务专用章",
        font=stamp,
        fill=(200, 40, 40),
    )
    return sheet.done("medical_invoice", fields)


_CARD = (856, 540)
_CARD_PAPER = (233, 238, 234)


def _person(rng: random.Random, today: date) -> tuple[str, date, bool, tuple[str, str, str]]:
    born = data.random_date(rng, date(1950, 1, 1), today - timedelta(days=18 * 366))
    return data.person_name(rng), born, rng.random() < 0.5, rng.choice(data.REGIONS)


def id_card_front(
    rng: random.Random, face: Face, today: date, given: Mapping[str, str] | None = None
) -> Rendered:
    """`given`: a `name` to print instead of a random one."""
    name, born, male, (region, place, _) = _person(rng, today)
    name = (given or {}).get("name", name)
    address = f"{place}{rng.choice(data.STREETS)}{rng.randint(1, 300)}号"
    if rng.random() < 0.6:
        address += f"{rng.randint(1, 30)}栋{rng.randint(101, 2999)}室"
    fields = {
        "name": name,
        "gender": "男" if male else "女",
        "ethnicity": rng.choice(data.ETHNICITIES),
        "birth_date": born.isoformat(),
        "address": address,
        "id_number": data.id_number(rng, region, born, male),
    }
    sheet = Sheet(_CARD, _CARD_PAPER, face)
    label, value = 26, 28
    sheet.draw.rectangle((600, 60, 800, 300), fill=(200, 204, 208))
    sheet.text(50, 58, "姓名", label, LABEL_BLUE)
    sheet.text(150, 62, name, value + 2)
    sheet.text(50, 122, "性别", label, LABEL_BLUE)
    sheet.text(150, 124, fields["gender"], value)
    sheet.text(280, 122, "民族", label, LABEL_BLUE)
    sheet.text(380, 124, fields["ethnicity"], value)
    sheet.text(50, 186, "出生", label, LABEL_BLUE)
    sheet.text(150, 188, f"{born.year}年{born.month}月{born.day}日", value)
    sheet.text(50, 250, "住址", label, LABEL_BLUE)
    per_line = 13
    for row, start in enumerate(range(0, len(address), per_line)):
        sheet.text(150, 252 + 40 * row, address[start : start + per_line], value)
    sheet.text(50, 448, "公民身份号码", label, LABEL_BLUE)
    sheet.text(270, 450, fields["id_number"], value + 4)
    return sheet.done("id_card_front", fields)


def id_card_back(rng: random.Random, face: Face, today: date) -> Rendered:
    _, _, _, (_, _, authority) = _person(rng, today)
    valid_from = data.random_date(rng, today - timedelta(days=365 * 15), today - timedelta(days=30))
    lifelong = rng.random() < 0.15
    years = rng.choice((10, 20)) if not lifelong else 0
    fields = {"issuing_authority": authority, "valid_from": valid_from.isoformat()}
    term_end = "长期"
    if not lifelong:
        valid_to = valid_from.replace(year=valid_from.year + years)
        fields["valid_to"] = valid_to.isoformat()
        term_end = f"{valid_to:%Y.%m.%d}"
    sheet = Sheet(_CARD, _CARD_PAPER, face)
    sheet.centred(70, "中华人民共和国", 36)
    sheet.centred(136, "居民身份证", 46)
    sheet.text(120, 364, "签发机关", 26, LABEL_BLUE)
    sheet.text(270, 366, authority, 27)
    sheet.text(120, 434, "有效期限", 26, LABEL_BLUE)
    sheet.text(270, 436, f"{valid_from:%Y.%m.%d}-{term_end}", 27)
    return sheet.done("id_card_back", fields)


def bank_card(rng: random.Random, face: Face, today: date) -> Rendered:
    bank = rng.choice(data.BANKS)
    number = data.card_number(rng, bank)
    fields = {"card_number": number, "bank_name": bank.name}
    sheet = Sheet(_CARD, bank.colour, face)
    white = (245, 245, 245)
    sheet.text(50, 62, bank.name, 40, white)
    sheet.text(650, 50, "银联 UnionPay", 24, white)
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    sheet.text(55, 340, grouped, 44, white)
    sheet.text(
        55,
        420,
        f"VALID THRU {rng.randint(1, 12):02d}/{(today.year + rng.randint(1, 8)) % 100:02d}",
        22,
        white,
    )
    return sheet.done("bank_card", fields)


def _record_header(sheet: Sheet, hospital: str, title: str) -> float:
    sheet.centred(70, hospital, 40)
    sheet.centred(140, title, 44)
    return 260


def _name_row(rng: random.Random, name: str, colon: str) -> str:
    return (
        f"姓名{colon}{name}    性别{colon}{rng.choice('男女')}    年龄{colon}{rng.randint(3, 90)}岁"
    )


def _date_text(rng: random.Random, day: date) -> str:
    return day.isoformat() if rng.random() < 0.6 else f"{day.year}年{day.month}月{day.day}日"


def diagnosis_certificate(rng: random.Random, face: Face, today: date) -> Rendered:
    issued = data.random_date(rng, today - timedelta(days=400), today)
    fields = {
        "patient_name": data.person_name(rng),
        "hospital": rng.choice(data.HOSPITALS),
        "diagnosis": rng.choice(data.DIAGNOSES),
        "issue_date": issued.isoformat(),
    }
    sheet = Sheet((1000, 1300), _paper(rng), face)
    y = _record_header(sheet, fields["hospital"], "诊断证明书")
    c = _colon(rng)
    s = 28
    rows = (
        _name_row(rng, fields["patient_name"], c),
        f"科别{c}{rng.choice(data.DEPARTMENTS)}    门诊号{c}{rng.randint(10_000_000, 99_999_999)}",
        f"诊断{c}{fields['diagnosis']}",
        f"建议{c}{rng.choice(data.ADVICE)}",
        f"医师{c}{data.person_name(rng)}",
        f"日期{c}{_date_text(rng, issued)}",
    )
    for row in rows:
        sheet.text(80, y, row, s)
        y += 88
    return sheet.done("diagnosis_certificate", fields)


def discharge_summary(rng: random.Random, face: Face, today: date) -> Rendered:
    discharged = data.random_date(rng, today - timedelta(days=400), today - timedelta(days=1))
    admitted = discharged - timedelta(days=rng.randint(2, 20))
    fields = {
        "patient_name": data.person_name(rng),
        "hospital": rng.choice(data.HOSPITALS),
        "diagnosis": rng.choice(data.DIAGNOSES),
        "issue_date": discharged.isoformat(),
        "admission_date": admitted.isoformat(),
        "discharge_date": discharged.isoformat(),
    }
    sheet = Sheet((1000, 1400), _paper(rng), face)
    y = _record_header(sheet, fields["hospital"], rng.choice(("出院小结", "出院记录")))
    c = _colon(rng)
    s = 28
    rows = (
        _name_row(rng, fields["patient_name"], c),
        f"科别{c}{rng.choice(data.DEPARTMENTS)}    住院号{c}{rng.randint(100_000, 999_999)}",
        f"入院日期{c}{admitted.isoformat()}",
        f"出院日期{c}{discharged.isoformat()}",
        f"入院诊断{c}{rng.choice(data.DIAGNOSES)}",
        f"出院诊断{c}{fields['diagnosis']}",
        f"出院医嘱{c}{rng.choice(data.ADVICE)}",
        f"医师{c}{data.person_name(rng)}",
        f"日期{c}{discharged.isoformat()}",
    )
    for row in rows:
        sheet.text(80, y, row, s)
        y += 82
    return sheet.done("discharge_summary", fields)


RENDERERS: dict[str, Callable[[random.Random, Face, date], Rendered]] = {
    "medical_invoice": medical_invoice,
    "id_card_front": id_card_front,
    "id_card_back": id_card_back,
    "bank_card": bank_card,
    "diagnosis_certificate": diagnosis_certificate,
    "discharge_summary": discharge_summary,
}

"""Labels read by the words they are made of: wordings no list holds, spaced-out labels, amounts
settled by the split that adds up. Hand-made OCR output, no engine."""

from datetime import date
from decimal import Decimal

import pytest

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import detect_doc_type, extract_fields, invoice, medical_record
from ocr_service.ocr.extract.normalize import parse_amount
from ocr_service.ocr.extract.roles import (
    CODE,
    HOSPITAL,
    INSURANCE,
    ISSUE_DATE,
    NUMBER,
    PAYER,
    SELF,
    TOTAL,
    TOTAL_IN_WORDS,
    find_labels,
)
from ocr_synth.lines import line

TODAY = date(2025, 6, 30)


def role(text: str) -> str | None:
    found = find_labels([text])
    return found[0].role if len(found) == 1 and found[0].text == text else None


# Wordings printed by no template the reader's lists were written from.
UNLISTED = [
    ("收款时间", ISSUE_DATE),
    ("参保人", PAYER),
    ("缴款人名称", PAYER),
    ("票据编号", NUMBER),
    ("收据编码", CODE),
    ("购买方名称", PAYER),
    ("机构名称", HOSPITAL),
    ("销售方名称", HOSPITAL),
    ("医疗费用合计", TOTAL),
    ("实付金额", TOTAL),
    ("本次费用总额(大写)", TOTAL_IN_WORDS),
    ("医保基金记账金额", INSURANCE),
    ("社保统筹报销额", INSURANCE),
    ("患者自付额", SELF),
    ("个人自理金额", SELF),
]


@pytest.mark.parametrize(("wording", "expected"), UNLISTED)
def test_a_label_no_list_holds_is_known_by_its_words(wording: str, expected: str):
    assert wording not in invoice.LABELS and wording not in medical_record.LABELS
    assert role(wording.removeprefix("本次")) == expected


@pytest.mark.parametrize(
    "wording",
    [
        "入院时间",  # the stay, not the paper
        "就诊日期",  # the visit, which may be days before the paper
        "打印时间",
        "收款人",  # the cashier, not the payer
        "收费员",
        "医保类型",  # a scheme's name, not an amount
        "个人账户支付",  # paid from the insured's account, neither part of the split
        "医保卡号",
        "金额(元)",  # the column of the items' amounts
        "湖南省门诊医疗收费票据(电子)",
        "医生姓名张三",  # the doctor
        "支付方式：现金",  # 现金 as a value
        "中国人民解放军总医院",  # words inside a name are no label
    ],
)
def test_words_of_other_labels_play_no_role(wording: str):
    assert find_labels([wording]) == []


def unlisted_invoice(**overrides: str) -> list[OcrLine]:
    values = {
        "payer": "参保人：罗静磊",
        "hospital": "机构名称：复旦大学附属华山医院",
        "date": "收款时间 2025 年 5 月 17 日",
        "words": "本次费用总额(大写)：肆仟零玖拾贰元叁角捌分",
        "total": "医疗费用合计 人民币4,092.38元",
        "insurance": "医保基金记账金额 RMB 2,864.66",
        "self": "患者自付额 ￥1227.72",
    } | overrides
    return [
        line("上海市医疗住院收费票据", 260, 30),
        line("票据代码：310666950", 40, 100),
        line("票据号码：6538829718", 340, 100),
        line(values["date"], 670, 100),
        line(values["payer"], 40, 190),
        line("性别：男", 300, 190),
        line(values["hospital"], 40, 235),
        line("收款人：王建国", 600, 235),
        line(values["words"], 40, 540),
        line(values["total"], 40, 580),
        line(values["insurance"], 40, 625),
        line(values["self"], 520, 625),
    ]


def test_an_invoice_worded_as_no_list_has_it_is_read_whole():
    fields = extract_fields("medical_invoice", unlisted_invoice(), today=TODAY)
    assert fields == {
        "invoice_code": "310666950",
        "invoice_number": "6538829718",
        "payer_name": "罗静磊",
        "hospital": "复旦大学附属华山医院",
        "issue_date": "2025-05-17",
        "total_amount": "4092.38",
        "insurance_paid": "2864.66",
        "self_paid": "1227.72",
        "visit_type": "inpatient",
    }


def test_a_label_spaced_out_and_read_as_boxes_of_its_own():
    lines = [
        line("医疗门诊收费票据", 260, 30),
        line("姓", 40, 190),
        line("名", 96, 190),
        line("欧阳婷", 170, 190),
        line("性别：女", 400, 190),
        line("开", 40, 240),
        line("票", 96, 240),
        line("日", 152, 240),
        line("期", 208, 240),
        line("2025-05-17", 280, 240),
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert fields["payer_name"] == "欧阳婷"
    assert fields["issue_date"] == "2025-05-17"


def test_the_split_that_adds_up_decides_between_two_amounts_beside_a_label():
    lines = unlisted_invoice(insurance="医保基金记账金额", self="患者自付额：1227.72")
    lines += [line("12.00", 520, 628), line("2864.66", 40, 665)]
    # The self-paid part's own line is moved out of the way of the figure to the right.
    lines = [item for item in lines if item.text != "患者自付额：1227.72"]
    lines.append(line("患者自付额：1227.72", 800, 625))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["insurance_paid"], fields["self_paid"]) == ("2864.66", "1227.72")
    assert fields["total_amount"] == "4092.38"


def test_two_splits_that_both_add_up_leave_the_parts_absent():
    lines = unlisted_invoice(insurance="医保基金记账金额", self="患者自付额")
    lines += [line("2864.66", 460, 625), line("1227.72", 40, 665)]
    lines += [line("1227.72", 900, 625), line("2864.66", 520, 665)]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert "insurance_paid" not in fields and "self_paid" not in fields
    assert fields["total_amount"] == "4092.38"  # the figures and the words agree on it


def test_an_amount_with_nothing_to_check_it_against_stays_absent():
    lines = [
        item
        for item in unlisted_invoice()
        if not item.text.startswith(("本次费用总额", "医保基金", "患者自付"))
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert "total_amount" not in fields


def test_a_word_no_list_knows_before_a_date_word_still_dates_the_paper():
    lines = unlisted_invoice(date="交易时间：2025/05/17")
    assert extract_fields("medical_invoice", lines, today=TODAY)["issue_date"] == "2025-05-17"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("结算时间：2025-05-17 10:23:45", "2025-05-17"),
        ("收费时间 2025年05月17日 10时23分", "2025-05-17"),
        # Unpadded and run into the time once spaces are gone (2025-5-710:23): only the 7th
        # leaves a real hour; 2025-5-121:03 may be the 1st at 21:03 or the 12th at 1:03.
        ("结算时间：2025-5-7 10:23", "2025-05-07"),
        ("结算时间：2025-5-1 21:03", None),
        ("结算时间：2025-05-17 9:41", "2025-05-17"),
        ("开票日期：二〇二五年五月十七日", "2025-05-17"),
    ],
)
def test_a_settlement_time_gives_its_day(printed: str, expected: str | None):
    lines = unlisted_invoice(date=printed)
    assert extract_fields("medical_invoice", lines, today=TODAY).get("issue_date") == expected


def test_dates_of_the_stay_or_the_visit_are_not_the_papers():
    lines = unlisted_invoice(date="入院时间 2025-05-01")
    lines.append(line("就诊日期：2025-05-03", 40, 300))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert "issue_date" not in fields


def test_the_cashier_is_not_the_payer():
    lines = unlisted_invoice(payer="收款人：王建国")
    lines = [item for item in lines if not item.text.startswith("性别")]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert "payer_name" not in fields


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("人民币4,092.38元", Decimal("4092.38")),
        ("RMB 1,227.72", Decimal("1227.72")),
        ("一人民币361.89元", Decimal("361.89")),
        ("¥ 12,345", Decimal("12345.00")),
    ],
)
def test_amounts_after_currency_words_and_with_separators(text: str, expected: Decimal):
    assert parse_amount(text) == expected


def test_a_paper_whose_labels_are_joined_or_worded_as_no_list_has_them():
    lines = [
        line("贵阳市云岩区仁心诊所", 355, 30),
        line("诊断证明书", 430, 100),
        line("姓名", 50, 180),
        line("欧阳婷", 170, 180),
        line("性别", 400, 180),
        line("女", 500, 180),
        line("诊断及建议", 50, 260),
        line("急性上呼吸道感染", 263, 262),
        line("建议", 50, 330),
        line("休息一周", 164, 330),
        line("出具时间", 50, 420),
        line("2025-05-16", 226, 422),
    ]
    fields = extract_fields("diagnosis_certificate", lines, today=TODAY)
    assert fields == {
        "patient_name": "欧阳婷",
        "hospital": "贵阳市云岩区仁心诊所",
        "diagnosis": "急性上呼吸道感染",
        "issue_date": "2025-05-16",
    }


def test_a_bill_split_between_insurer_and_patient_is_an_invoice_however_titled():
    lines = [
        line("门诊缴费凭证", 260, 30),
        line("单据号：20250517001", 40, 100),
        line("缴费人：罗静磊", 40, 150),
        line("机构名称：复旦大学附属华山医院", 40, 200),
        line("医疗费用总计 4092.38", 40, 250),
        line("医保基金记账 2864.66", 40, 300),
        line("患者自付额 1227.72", 40, 350),
    ]
    assert detect_doc_type(lines) == "medical_invoice"
    assert detect_doc_type(lines[:4]) is None  # the names of a person and a hospital say no type


def test_a_settlement_sheets_number_is_the_papers():
    assert role("结算单号") == NUMBER
    assert find_labels(["襄阳市第一人民医院门诊医保结算单"]) == []
    assert find_labels(["结算流水号"]) == []  # the transaction's, not the paper's


def settlement_sheet(code: str, self_label: str) -> list[OcrLine]:
    """A hospital's insurance settlement sheet written on ruled lines, which the engine reads as
    underscores after the colons."""
    return [
        line("襄阳市第一人民医院门诊医保结算单", 300, 30),
        line(code, 40, 100),
        line("结算单号：", 440, 100),
        line("3603133819", 580, 100),
        line("结算流水号：57371256", 440, 140),
        line("参保人姓名：宇文航栋", 40, 140),
        line("结账日期：2025-12-15", 40, 180),
        line("定点医药机构名称：襄阳市第一人民医院", 40, 220),
        line("医疗费用总额(大写)：捌佰伍拾陆元壹角玖分", 40, 400),
        line("医疗费用总额：￥856.19", 40, 440),
        line("基金支付总额：￥0.00", 40, 480),
        line("个人账户支付：¥0.00", 440, 480),
        line(self_label, 40, 520),
        line("￥856.19", 260, 520),
    ]


def test_a_settlement_sheet_on_ruled_lines_is_read_whole():
    lines = settlement_sheet("票据代码：_81856522", "个人负担总额：_")
    fields = extract_fields("medical_invoice", lines, today=TODAY.replace(year=2026))
    assert fields == {
        "invoice_code": "81856522",
        "invoice_number": "3603133819",
        "payer_name": "宇文航栋",
        "hospital": "襄阳市第一人民医院",
        "issue_date": "2025-12-15",
        "total_amount": "856.19",
        "insurance_paid": "0.00",
        "self_paid": "856.19",
        "visit_type": "outpatient",
    }

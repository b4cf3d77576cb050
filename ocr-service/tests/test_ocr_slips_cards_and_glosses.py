"""Till slips, cards printed upright, bilingual labels and dates of a stay kept on a register, on
hand-made OCR output: wordings of several printers, and some that no generated family prints."""

from datetime import date

import pytest

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import extract_fields
from ocr_synth.lines import line

TODAY = date(2025, 12, 31)


def rows(pairs: list[tuple[str, str]], top: float = 200) -> list[OcrLine]:
    """Each label at the left, its value in a cell of its own to the right, one pair a row."""
    lines = []
    for row, (label, value) in enumerate(pairs):
        y = top + 60 * row
        lines.append(line(label, 60, y))
        if value:
            lines.append(line(value, 360, y))
    return lines


def till_slip(
    number: str = "销售单号",
    store: str = "门店名称",
    store_name: str = "老百姓大药房义乌宾王店",
    insurance: str = "门诊统筹支付",
) -> list[OcrLine]:
    return [
        line(f"{store_name}销售小票", 150, 70),
        *rows(
            [
                (f"{number}：", "8892656754"),
                ("销售时间：", "2025/3/26 16:08:57"),
                ("会员姓名：", "王健"),
                (f"{store}：", store_name),
                ("商品名称", "金额"),
                ("复方甘草口服溶液", "497.43"),
                ("应收金额：", "1,277.62 元"),
                (f"{insurance}：", "894.33元"),
                ("个账支付：", "0.00 元"),
                ("现金实付：", "383.29元"),
            ]
        ),
    ]


@pytest.mark.parametrize(
    ("number", "store", "insurance"),
    [
        ("销售单号", "门店名称", "门诊统筹支付"),
        ("零售单号", "药店名称", "住院统筹支付"),  # wordings no family prints
        ("收费单号", "店名称", "门诊医保统筹支付"),  # 门 lost to the engine: 店名称
    ],
)
def test_a_pharmacys_till_slip_is_read_as_an_invoice(
    number: str, store: str, insurance: str
) -> None:
    fields = extract_fields(
        "medical_invoice", till_slip(number, store, insurance=insurance), today=TODAY
    )
    assert fields["invoice_number"] == "8892656754"
    assert fields["hospital"] == "老百姓大药房义乌宾王店"
    assert fields["payer_name"] == "王健"
    assert fields["total_amount"] == "1277.62"
    assert fields["insurance_paid"] == "894.33"
    assert fields["self_paid"] == "383.29"


def test_a_number_of_another_paper_is_not_the_slips_own() -> None:
    fields = extract_fields("medical_invoice", till_slip(number="处方单号"), today=TODAY)
    assert "invoice_number" not in fields


def test_a_pharmacy_is_a_store() -> None:
    fields = extract_fields("medical_invoice", till_slip(store_name="一心堂大药房"), today=TODAY)
    assert fields["hospital"] == "一心堂大药房"


@pytest.mark.parametrize("store_name", ["门店", "老百姓大药房001店"])
def test_a_store_is_read_only_where_it_has_a_shops_name(store_name: str) -> None:
    fields = extract_fields("medical_invoice", till_slip(store_name=store_name), today=TODAY)
    assert "hospital" not in fields


def test_a_shops_name_is_no_hospital_beside_a_hospitals_label() -> None:
    fields = extract_fields("medical_invoice", till_slip(store="收款单位"), today=TODAY)
    assert "hospital" not in fields


def upright_card(*number_rows: str) -> list[OcrLine]:
    """A card of portrait design: the number in rows of two groups under one another."""
    lines = [line("中国建设银行", 80, 110)]
    for row, text in enumerate(number_rows):
        lines.append(line(text, 75, 550 + 45 * row))
    return [*lines, line("03/29", 70, 800), line("银联 UnionPay", 360, 960)]


@pytest.mark.parametrize(
    ("number_rows", "number"),
    [
        (("6217 0054", "3672 7411", "022"), "6217005436727411022"),
        (("6221 5564", "3278 2010"), "6221556432782010"),
        (("6226", "9073", "5817", "6171"), "6226907358176171"),  # a group a row
    ],
)
def test_a_card_number_printed_in_rows_is_read_whole(
    number_rows: tuple[str, ...], number: str
) -> None:
    fields = extract_fields("bank_card", upright_card(*number_rows), today=TODAY)
    assert fields["card_number"] == number


def test_a_card_number_is_never_read_short_of_its_last_row() -> None:
    # The first two rows pass the Luhn check on their own; the last row misread fails it whole.
    fields = extract_fields("bank_card", upright_card("6217 0054", "3672 7411", "023"), today=TODAY)
    assert "card_number" not in fields


def bilingual_certificate(diagnosis: str = "右桡骨远端骨折") -> list[OcrLine]:
    return [
        line("义乌复元私立医院", 436, 104),
        line("诊断证明书 Medical Certificate", 305, 179),
        *rows(
            [
                ("姓名 Name", "王恭"),
                ("科室 Department", "儿科"),
                ("诊断 Diagnosis", diagnosis),
                ("医师 Physician", "李芝婧"),
                ("日期Date", "2025.09.20 17:25"),
            ],
            top=290,
        ),
    ]


def test_a_labels_english_gloss_is_no_value() -> None:
    fields = extract_fields("diagnosis_certificate", bilingual_certificate(), today=TODAY)
    assert fields["patient_name"] == "王恭"
    assert fields["diagnosis"] == "右桡骨远端骨折"
    assert fields["issue_date"] == "2025-09-20"


def test_latin_letters_in_a_value_stay() -> None:
    fields = extract_fields(
        "diagnosis_certificate", bilingual_certificate("慢性乙型肝炎HBV"), today=TODAY
    )
    assert fields["diagnosis"] == "慢性乙型肝炎HBV"


def test_glosses_with_a_colon_on_one_line() -> None:
    lines = [
        line("张家港澳洋医院", 410, 88),
        line("出院小结 Discharge Summary", 273, 158),
        line("姓名 Name：须政义", 100, 266),
        line("入院日期 Date of Admission：2025-03-16", 100, 326),
        line("出院日期 Date of Discharge：2025-03-22", 100, 386),
        line("出院诊断 Discharge Diagnosis：脑梗死", 100, 446),
        line("日期 Date：2025年3月22日", 100, 506),
    ]
    fields = extract_fields("discharge_summary", lines, today=TODAY)
    assert fields["patient_name"] == "须政义"
    assert fields["admission_date"] == "2025-03-16"
    assert fields["discharge_date"] == "2025-03-22"
    assert fields["diagnosis"] == "脑梗死"


def registered_stay(admitted: str, discharged: str, issued: str) -> list[OcrLine]:
    return [
        line("延边大学附属医院", 322, 95),
        line("住院病历摘要", 348, 160),
        *rows(
            [
                ("病患姓名", "李照佩"),
                ("住院号", "174342"),
                (admitted, "2025/7/6 9:18:01"),
                (discharged, "2025/7/15 9:29:58"),
                ("出院诊断", "右桡骨远端骨折"),
                ("医生签字", "张彩"),
                (issued, "2025/7/15 9:05:52"),
            ],
            top=260,
        ),
    ]


@pytest.mark.parametrize(
    ("admitted", "discharged", "issued"),
    [
        ("入院登记日期", "出院登记日期", "发证日期"),
        ("入院办理时间：", "出院登记日：", "发证日期："),  # wordings no family prints
    ],
)
def test_a_stays_dates_kept_on_a_register(admitted: str, discharged: str, issued: str) -> None:
    fields = extract_fields(
        "discharge_summary", registered_stay(admitted, discharged, issued), today=TODAY
    )
    assert fields["admission_date"] == "2025-07-06"
    assert fields["discharge_date"] == "2025-07-15"
    assert fields["issue_date"] == "2025-07-15"


def test_a_planned_discharge_on_a_register_is_none() -> None:
    fields = extract_fields(
        "discharge_summary",
        registered_stay("入院登记日期", "预计出院登记日期", "发证日期"),
        today=TODAY,
    )
    assert "discharge_date" not in fields

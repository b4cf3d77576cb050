"""A stay's dates, the parts of a bill that add up and names beside their labels, under wordings
no list holds, on hand-made OCR output: values set apart from their labels as settlement slips
print them, and labels with or without a colon."""

from datetime import date

import pytest

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import extract_fields
from ocr_service.ocr.extract.paper_dates import date_labels
from ocr_synth.lines import line

TODAY = date(2025, 12, 31)


def rows(pairs: list[tuple[str, str]], top: float = 200) -> list[OcrLine]:
    """Each label at the left, its value flush right in the same row."""
    lines = []
    for row, (label, value) in enumerate(pairs):
        y = top + 60 * row
        lines.append(line(label, 60, y))
        if value:
            lines.append(line(value, 1000 - 26 * len(value), y + 2))
    return lines


def discharge_paper(
    admitted: str = "收治日期：",
    discharged: str = "办理出院日期：",
    issued: str = "签署日期：",
    patient: tuple[str, str] = ("患者名称：", "蔚学卫"),
    admitted_on: str = "2025/09/03 08:08:10",
    discharged_on: str = "2025/09/15 13:41:21",
) -> list[OcrLine]:
    pairs = [
        patient,
        ("住院号：", "283634"),
        (admitted, admitted_on),
        (discharged, discharged_on),
        ("入院诊断：", "原发性高血压"),
        ("出院诊断：", "社区获得性肺炎"),
        ("医师签名：", "孙立新"),
    ]
    if issued:
        pairs.append((issued, "2025年09月15日 15时19分"))
    return [line("金华市中心医院", 400, 60), line("出院摘要", 440, 120), *rows(pairs)]


@pytest.mark.parametrize(
    ("admitted", "discharged", "issued"),
    [
        ("收治日期：", "办理出院日期：", "签署日期："),
        ("入院于", "出院于", "填发日期"),  # no colon: the value stands apart in the row
        ("收住时间：", "离院日：", "出具日期："),
        ("实际入院日期", "实际出院日期", "医生签字日期"),
        ("入科日期：", "出科日期：", "证明日期："),
    ],
)
def test_a_stays_dates_and_the_papers_are_known_by_the_words_of_their_labels(
    admitted: str, discharged: str, issued: str
):
    lines = discharge_paper(admitted, discharged, issued)
    fields = extract_fields("discharge_summary", lines, today=TODAY)
    assert fields["admission_date"] == "2025-09-03"
    assert fields["discharge_date"] == "2025-09-15"
    assert fields["issue_date"] == "2025-09-15"


def test_a_date_labelled_by_an_admission_is_never_the_papers():
    """Without a label of its issue, the paper's date is not read from the admission's 日期."""
    fields = extract_fields("discharge_summary", discharge_paper(issued=""), today=TODAY)
    assert fields["admission_date"] == "2025-09-03"
    assert "issue_date" not in fields


def test_a_planned_discharge_is_no_discharge():
    lines = discharge_paper(discharged="预计出院日期：")
    assert "discharge_date" not in extract_fields("discharge_summary", lines, today=TODAY)


def test_a_paper_issued_before_the_stay_began_gives_none_of_its_dates():
    lines = discharge_paper(admitted_on="2025/09/16 08:08:10", discharged_on="2025/09/20 09:00")
    fields = extract_fields("discharge_summary", lines, today=TODAY)
    assert not {"admission_date", "discharge_date", "issue_date"} & fields.keys()


@pytest.mark.parametrize(
    "text", ["医师签名：", "出院诊断：肺炎", "出院医嘱", "入院情况：好转", "出生日期：1960-01-01"]
)
def test_labels_of_other_things_are_no_dates_of_the_stay(text: str):
    assert not any(date_labels([text]).values())


@pytest.mark.parametrize("name", ["步忠庆", "牧荣忠", "红晓梅", "水立新", "通天佑"])
def test_a_name_beside_a_label_that_names_the_person_may_have_any_surname(name: str):
    lines = discharge_paper(patient=("就诊者姓名", name))
    assert extract_fields("discharge_summary", lines, today=TODAY)["patient_name"] == name


@pytest.mark.parametrize("value", ["家庭住址：", "山东省", "经办人", "籍贯", "东城区"])
def test_words_beside_a_name_label_are_no_names(value: str):
    lines = discharge_paper(patient=("患者名称：", value))
    assert "patient_name" not in extract_fields("discharge_summary", lines, today=TODAY)


def test_a_name_of_such_a_surname_is_not_taken_from_the_line_below_its_label():
    paper = discharge_paper(patient=("患者名称：", ""))
    lines = [item for item in paper if item.text != "住院号："]
    lines.append(line("步忠庆", 60, 250))
    assert "patient_name" not in extract_fields("discharge_summary", lines, today=TODAY)


def test_a_name_of_such_a_surname_is_not_found_by_its_shape_alone():
    lines = [line("金华市中心医院", 400, 60), line("诊断证明书", 440, 120)]
    lines += [line("步忠庆", 60, 200), line("性别：男", 400, 200), line("诊断：肺炎", 60, 260)]
    assert "patient_name" not in extract_fields("diagnosis_certificate", lines, today=TODAY)


def test_an_id_cards_name_of_such_a_surname():
    lines = [
        line("姓名", 48, 60),
        line("牧荣忠", 140, 60),
        line("公民身份号码", 49, 453),
        line("110108195003225366", 249, 455),
    ]
    assert extract_fields("id_card_front", lines, today=TODAY)["name"] == "牧荣忠"


def voucher(total: str, insurer: str, own: str, amounts: tuple[str, str, str]) -> list[OcrLine]:
    """A bill paid by phone: the order's sum, the insurance's part, an account's 0.00 and what was
    paid in the end."""
    whole, insured, paid = amounts
    return [
        line("包头医学院第一附属医院门诊缴费凭证", 300, 60),
        *rows(
            [
                ("凭证号：", "2436230093"),
                ("付款人：", "蔺丰"),
                ("商户名称：", "包头医学院第一附属医院"),
                ("交易时间：", "2025年11月5日11时21分"),
                (total, f"¥{whole}"),
                (insurer, f"¥{insured}"),
                ("医保个账支付：", "¥0.00"),
                (own, f"¥{paid}"),
            ]
        ),
    ]


@pytest.mark.parametrize(
    ("total", "insurer", "own"),
    [
        ("订单金额：", "统筹报销：", "实付金额："),
        ("账单金额：", "医保统筹支付：", "实缴金额："),
        ("订单总额：", "基金支付：", "实付："),
    ],
)
def test_what_was_paid_in_the_end_is_the_persons_part_where_the_parts_add_up(
    total: str, insurer: str, own: str
):
    lines = voucher(total, insurer, own, ("1,121.75", "300.00", "821.75"))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["total_amount"], fields["insurance_paid"], fields["self_paid"]) == (
        "1121.75",
        "300.00",
        "821.75",
    )


def test_paid_in_full_by_the_person_where_the_insurance_paid_nothing():
    lines = voucher("订单金额：", "统筹报销：", "实付金额：", ("1,121.75", "0.00", "1,121.75"))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["total_amount"], fields["insurance_paid"], fields["self_paid"]) == (
        "1121.75",
        "0.00",
        "1121.75",
    )


def test_parts_that_do_not_add_up_to_the_order_stay_absent():
    lines = voucher("订单金额：", "统筹报销：", "实付金额：", ("1,121.75", "300.00", "800.00"))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert not {"total_amount", "insurance_paid", "self_paid"} & fields.keys()


def test_what_was_received_is_still_the_whole_bill_where_its_parts_are_printed():
    lines = voucher("实收金额：", "统筹报销：", "个人自付：", ("500.00", "200.00", "300.00"))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["total_amount"], fields["insurance_paid"], fields["self_paid"]) == (
        "500.00",
        "200.00",
        "300.00",
    )


def test_a_settlement_slip_with_every_funds_line_adds_up():
    lines = [
        line("桂林市基本医疗保险门诊结算单", 300, 60),
        *rows(
            [
                ("人员姓名：", "花可学"),
                ("医疗费总额：", "人民币449.83"),
                ("基本医疗保险统筹基金支出：", "人民币134.94"),
                ("大病保险资金支出：", "人民币0.00"),
                ("医疗救助基金支出：", "人民币0.00"),
                ("个人账户支出：", "人民币0.00"),
                ("个人支付总额：", "人民币314.89"),
            ]
        ),
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["total_amount"], fields["insurance_paid"], fields["self_paid"]) == (
        "449.83",
        "134.94",
        "314.89",
    )

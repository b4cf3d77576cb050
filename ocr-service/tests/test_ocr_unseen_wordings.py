"""Documents worded and laid out as no list of the reader holds: titles, labels, marks between a
label and its value, dates. Hand-made OCR output, no engine."""

from datetime import date

import pytest

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import detect_doc_type, extract_fields
from ocr_service.ocr.extract.normalize import find_dates, fold, parse_chinese_amount
from ocr_synth.lines import line

TODAY = date(2025, 6, 30)


def certificate(title: str = "医疗证明", **overrides: str) -> list[OcrLine]:
    values = {
        "patient": "患者名：张立",
        "diagnosis": "临床印象：右踝关节扭伤",
        "issued": "开具时间：2024/11/12",
    } | overrides
    return [
        line("兰州大学第一医院", 200, 20, height=40),
        line(title, 300, 70, height=40),
        line(values["patient"], 40, 150),
        line("性别：男", 560, 150),
        line("科室：骨科", 40, 200),
        line("门诊号：63907779", 560, 200),
        line(values["diagnosis"], 40, 250),
        line("处理意见：建议休息三天", 40, 300),
        line("医生：孙立新", 40, 350),
        line(values["issued"], 40, 400),
    ]


def discharge(title: str) -> list[OcrLine]:
    return [
        line("绵阳市中医医院", 200, 20, height=40),
        line(title, 300, 70, height=40),
        line("病人：黄志强", 40, 150),
        line("性别：女", 560, 150),
        line("住院号：765226", 40, 200),
        line("入院时间：2024/12/12", 40, 250),
        line("出院时间：2024/12/18", 40, 300),
        line("入院诊断：急性支气管炎", 40, 350),
        line("出院诊断：社区获得性肺炎", 40, 400),
        line("出院医嘱：注意休息，定期复查", 40, 450),
        line("主治医师：刘芳", 40, 500),
    ]


@pytest.mark.parametrize("title", ["医疗证明", "病休证明", "门诊诊疗记录"])
def test_a_doctors_paper_without_a_stay_is_a_certificate_however_titled(title: str):
    assert detect_doc_type(certificate(title)) == "diagnosis_certificate"


@pytest.mark.parametrize("title", ["出院小结单", "住院小结", "出院诊断证明书"])
def test_a_doctors_paper_that_records_a_stay_is_a_discharge_paper_however_titled(title: str):
    assert detect_doc_type(discharge(title)) == "discharge_summary"


def test_the_names_of_a_person_and_a_hospital_alone_say_no_type():
    hospital, _, patient = certificate()[:3]
    assert detect_doc_type([hospital, patient]) is None


def test_a_certificate_worded_as_no_list_has_it_is_read_whole():
    fields = extract_fields("diagnosis_certificate", certificate(), today=TODAY)
    assert fields == {
        "patient_name": "张立",
        "hospital": "兰州大学第一医院",
        "diagnosis": "右踝关节扭伤",
        "issue_date": "2024-11-12",
    }


@pytest.mark.parametrize("wording", ["确定诊断", "诊断印象", "最后诊断结论", "病名"])
def test_a_label_that_names_the_diagnosis_is_read_as_its_label(wording: str):
    lines = certificate(diagnosis=f"{wording}：右踝关节扭伤")
    fields = extract_fields("diagnosis_certificate", lines, today=TODAY)
    assert fields["diagnosis"] == "右踝关节扭伤"


@pytest.mark.parametrize("wording", ["诊断依照", "诊断医师", "入院诊断"])
def test_a_label_of_something_beside_the_diagnosis_gives_no_diagnosis(wording: str):
    lines = certificate(diagnosis=f"{wording}：右踝关节扭伤")
    assert "diagnosis" not in extract_fields("diagnosis_certificate", lines, today=TODAY)


@pytest.mark.parametrize(
    "leader",
    ["··。。·", "。·。••", "……", "——", "∶", "︰", "】"],
)
def test_whatever_mark_the_leader_is_read_as_the_value_starts_after_it(leader: str):
    lines = certificate(
        patient=f"【患者名{leader}张立" if leader == "】" else f"患者名{leader}张立",
        diagnosis=f"临床印象{leader}右踝关节扭伤",
    )
    fields = extract_fields("diagnosis_certificate", lines, today=TODAY)
    assert (fields.get("patient_name"), fields.get("diagnosis")) == ("张立", "右踝关节扭伤")


def test_a_minus_sign_is_no_leader():
    from ocr_service.ocr.extract.normalize import strip_separators

    assert strip_separators(":-12.00") == "-12.00"
    assert strip_separators("----12.00") == "12.00"


def test_a_label_spaced_out_character_by_character_is_found_by_its_words():
    lines = [cell for cell in certificate() if not cell.text.startswith("患者名")]
    lines += [line(char, 40 + 56 * at, 150) for at, char in enumerate("患者名")]
    lines.append(line("张立", 238, 150))
    assert extract_fields("diagnosis_certificate", lines, today=TODAY)["patient_name"] == "张立"


def test_the_name_before_the_persons_details_is_theirs_where_no_label_says_so():
    lines = certificate(patient="客户名称：张立")
    assert extract_fields("diagnosis_certificate", lines, today=TODAY)["patient_name"] == "张立"


def test_two_names_before_details_and_no_label_leave_the_name_absent():
    lines = certificate(patient="客户名称：张立")
    lines += [line("联系人：王芳", 40, 550), line("年龄：41岁", 560, 550)]
    assert "patient_name" not in extract_fields("diagnosis_certificate", lines, today=TODAY)


def test_an_invoice_printed_in_traditional_characters_is_read():
    lines = [
        line("浙江省醫療門診收費電子票據", 200, 20, height=40),
        line("票據代碼：330601234", 40, 100),
        line("票據號碼：0012345678", 560, 100),
        line("開票日期：2025-05-17", 40, 150),
        line("交款人：陳曉東", 40, 200),
        line("收款單位：杭州市第一人民醫院", 40, 250),
        line("合計(大寫)：壹仟貳佰參拾肆元伍角", 40, 300),
        line("合計(小寫)：¥1234.50", 40, 350),
        line("醫保統籌支付：864.15", 40, 400),
        line("個人支付：370.35", 560, 400),
    ]
    assert detect_doc_type(lines) == "medical_invoice"
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert fields["invoice_number"] == "0012345678"
    assert fields["hospital"] == "杭州市第一人民医院"
    assert fields["issue_date"] == "2025-05-17"
    assert (fields["total_amount"], fields["insurance_paid"], fields["self_paid"]) == (
        "1234.50",
        "864.15",
        "370.35",
    )


def test_traditional_forms_fold_to_one_simplified_character_each():
    assert fold("參保人") == "参保人"  # 參 is 参 in words …
    assert parse_chinese_amount("參拾圓整") == 30  # … and 叁 among capital numerals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二五年五月十七日", [date(2025, 5, 17)]),
        ("二零二四年十二月三十一日", [date(2024, 12, 31)]),
        ("二〇二五年二月三十日", []),
        ("2025/5/179:05", [date(2025, 5, 17)]),  # only the 17th leaves an hour
        ("2025-5-219:19", []),  # the 2nd at 19:19 or the 21st at 9:19
    ],
)
def test_dates_in_numerals_and_days_run_into_the_time(text: str, expected: list[date]):
    assert find_dates(text) == expected


def invoice_with_parts(insurance: str, paid_self: str) -> list[OcrLine]:
    return [
        line("浙江省医疗门诊收费票据", 200, 20, height=40),
        line("票据号码：0012345678", 40, 100),
        line("交款人：陈晓东", 40, 150),
        line("收款单位：杭州市第一人民医院", 40, 200),
        line("合计(大写)：陆佰肆拾伍元陆角壹分", 40, 250),
        line("合计(小写)：¥645.61元", 40, 300),
        line(f"统筹基金支出：{insurance}", 40, 350),
        line(f"个人现金支出：{paid_self}", 560, 350),
    ]


def test_a_part_whose_point_was_lost_is_the_confirmed_total_less_the_other():
    lines = invoice_with_parts("¥193.68元", "¥45193元")
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["insurance_paid"], fields["self_paid"]) == ("193.68", "451.93")


def test_a_part_whose_digits_are_not_the_rest_of_the_total_leaves_both_absent():
    lines = invoice_with_parts("¥193.68元", "¥45293元")
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert "insurance_paid" not in fields and "self_paid" not in fields
    assert fields["total_amount"] == "645.61"


def test_a_mark_read_before_the_gender_on_an_id_card_is_passed_over():
    lines = [
        line("姓名潘华", 49, 107),
        line("性别", 49, 165),
        line("☑女", 110, 163),
        line("民族汉", 254, 161),
        line("出生", 49, 221),
        line("1950年3月22日", 140, 223),
        line("住址", 48, 277),
        line("北京市海淀区滨江大道171号", 141, 277),
        line("公民身份号码", 49, 453),
        line("110108195003225366", 249, 455),
    ]
    assert extract_fields("id_card_front", lines, today=TODAY)["gender"] == "女"


@pytest.mark.parametrize("name", ["庾明", "闾丘秋驰", "贡嘉怡", "寿涛"])
def test_names_of_rarer_surnames_are_read(name: str):
    lines = certificate(patient=f"患者名：{name}")
    assert extract_fields("diagnosis_certificate", lines, today=TODAY)["patient_name"] == name


@pytest.mark.parametrize("word", ["年龄", "籍贯", "家属", "经办"])
def test_words_a_form_prints_where_a_name_goes_are_no_names(word: str):
    from ocr_service.ocr.extract.validate import valid_person_name

    assert not valid_person_name(word)


def test_the_fiscal_receipts_wordings_are_read():
    lines = [
        line("浙江省医疗收费票据", 200, 20, height=40),
        line("交款单位或个人：陈晓东", 40, 100),
        line("执收单位：杭州市第一人民医院", 40, 150),
        line("合计(大写)：陆佰肆拾伍元陆角壹分", 40, 200),
        line("合计(小写)：645.61", 40, 250),
        line("医保付费：193.68", 40, 300),
        line("个人付费：451.93", 560, 300),
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert (fields["payer_name"], fields["hospital"]) == ("陈晓东", "杭州市第一人民医院")
    assert (fields["insurance_paid"], fields["self_paid"]) == ("193.68", "451.93")


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("医保结算", "insurance"),
        ("统筹部分", "insurance"),
        ("自付部分", "self"),
        ("个人部分", "self"),
        ("清单号码", "number"),
        ("医保结算号", None),  # the settlement's number, no amount
    ],
)
def test_labels_of_settlement_slips_and_lists_play_their_role(wording: str, expected: str | None):
    from ocr_service.ocr.extract.roles import find_labels

    found = [label.role for label in find_labels([f"{wording}:123.00"]) if label.text == wording]
    assert found == ([expected] if expected else [])


def test_a_name_read_in_traditional_forms_is_folded_to_simplified():
    lines = certificate(patient="患者名：黃曉東")
    fields = extract_fields("diagnosis_certificate", lines, today=TODAY)
    assert fields["patient_name"] == "黄晓东"


def test_the_payer_under_a_fiscal_receipts_label_for_a_unit_or_person():
    lines = [
        line("湖南省非税收入统一票据(医疗门诊)", 200, 20, height=40),
        line("缴款单位(个人)", 158, 244),
        line("性别", 410, 241),
        line("男", 407, 283),
        line("皇甫远娟", 160, 285),
    ]
    assert extract_fields("medical_invoice", lines, today=TODAY)["payer_name"] == "皇甫远娟"

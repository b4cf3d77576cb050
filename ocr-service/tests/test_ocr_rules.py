"""Extraction and validation rules on hand-made OCR output: no engine, no images."""

from datetime import date
from decimal import Decimal

import pytest

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import detect_doc_type, extract_fields, missing_fields
from ocr_service.ocr.extract.layout import carries_label, stands_alone
from ocr_service.ocr.extract.normalize import (
    find_dates,
    parse_amount,
    parse_chinese_amount,
    parse_date,
)
from ocr_service.ocr.extract.validate import (
    id_check_char,
    luhn_ok,
    valid_card_number,
    valid_id_card_term,
    valid_id_number,
    valid_person_name,
)
from ocr_synth.data import amount_in_words, luhn_complete
from ocr_synth.lines import line

TODAY = date(2025, 6, 30)


def invoice_lines(**overrides: str) -> list[OcrLine]:
    values = {
        "total": "合计(小写)：¥4,092.38",
        "words": "合计(大写)：肆仟零玖拾贰元叁角捌分",
        "insurance": "医保统筹支付：2864.66",
        "self": "个人支付：￥1227.72元",
        "date": "开票日期：2025年5月17日",
    } | overrides
    return [
        line("广东省医疗住院收费票据(电子)", 260, 30),
        line("票据代码：310666950", 40, 100),
        line("票据号码：6538829718", 340, 100),
        line(values["date"], 670, 100),
        line("交款人：罗静磊", 40, 190),
        line("性别：男", 260, 190),
        line("医疗机构：复旦大学附属华山医院", 40, 235),
        line(values["words"], 40, 540),
        line(values["total"], 40, 580),
        line(values["insurance"], 40, 625),
        line(values["self"], 390, 625),
    ]


def test_gb11643_check_character():
    assert id_check_char("11010519491231002") == "X"
    assert valid_id_number("11010519491231002X", today=TODAY)
    assert not valid_id_number("110105194912310021", today=TODAY)  # wrong check character
    # a right check character cannot save an impossible birth date or one in the future
    assert not valid_id_number(
        "11010519491331002" + id_check_char("11010519491331002"), today=TODAY
    )
    future = "11010520990101002"
    assert not valid_id_number(future + id_check_char(future), today=TODAY)


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert valid_card_number(luhn_complete("621661072247045585"))
    assert not valid_card_number(luhn_complete("6216610722"))  # too short for a bank card


def test_dates_in_the_forms_documents_print():
    assert find_dates("2025年5月17日") == [date(2025, 5, 17)]
    assert find_dates("2025.05.17") == [date(2025, 5, 17)]
    assert find_dates("2025/5/17") == [date(2025, 5, 17)]
    assert find_dates("２０２５－０５－１７") == [date(2025, 5, 17)]
    assert find_dates("2019.07.10-2039.07.10") == [date(2019, 7, 10), date(2039, 7, 10)]
    assert find_dates("2025-02-30") == []
    assert parse_date("2025-07-01", today=TODAY) is None  # tomorrow is no issue date
    assert parse_date("2025-06-30", today=TODAY) == TODAY


def test_amounts():
    assert parse_amount("¥1,227.72") == Decimal("1227.72")
    assert parse_amount("￥80元") == Decimal("80.00")
    assert parse_amount("0.00") == Decimal("0")
    assert parse_amount("12.30 45.60") is None
    assert parse_chinese_amount("肆仟零玖拾贰元叁角捌分") == Decimal("4092.38")
    assert parse_chinese_amount("壹万零伍元整") == Decimal("10005")
    for cents in (1, 10, 100, 1005, 99_999, 100_000, 1_000_506, 12_345_678):
        value = Decimal(cents) / 100
        assert parse_chinese_amount(amount_in_words(value)) == value


def test_invoice_fields_from_labelled_lines():
    fields = extract_fields("medical_invoice", invoice_lines(), today=TODAY)
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


def test_invoice_parts_that_do_not_add_up_are_dropped():
    fields = extract_fields("medical_invoice", invoice_lines(self="个人支付：1227.78"), today=TODAY)
    # the total in words confirms the total in figures; which part is misread cannot be known
    assert fields["total_amount"] == "4092.38"
    assert "insurance_paid" not in fields and "self_paid" not in fields


def test_invoice_total_misread_is_settled_by_the_parts_and_the_words():
    fields = extract_fields(
        "medical_invoice", invoice_lines(total="合计(小写)：4692.38"), today=TODAY
    )
    assert fields["total_amount"] == "4092.38"
    lines = invoice_lines(total="合计(小写)：4692.38", words="合计(大写)：")
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert not {"total_amount", "insurance_paid", "self_paid"} & fields.keys()


def test_invoice_dated_in_the_future_has_no_issue_date():
    fields = extract_fields(
        "medical_invoice", invoice_lines(date="开票日期：2025-12-17"), today=TODAY
    )
    assert "issue_date" not in fields
    assert missing_fields("medical_invoice", fields) == ["issue_date"]


def test_values_to_the_right_below_and_on_a_tilted_page():
    lines = [
        line("票据号码", 40, 100),
        line("6538829718", 200, 102),
        line("交款人", 40, 190),
        line("罗静磊", 40, 228),
        line("医疗机构：复旦大学附属华山医院", 40, 300),
    ]
    for angle in (0.0, 6.0, -6.0):
        turned = [line(x.text, *x.box[0], angle=angle) for x in lines]
        fields = extract_fields("medical_invoice", turned, today=TODAY)
        assert fields["invoice_number"] == "6538829718"
        assert fields["payer_name"] == "罗静磊"
        assert fields["hospital"] == "复旦大学附属华山医院"


def as_read_from_a_turned_picture(lines: list[OcrLine], quarter_turns: int) -> list[OcrLine]:
    """The lines as the engine reports them from the picture turned anticlockwise by quarter
    turns: the words read right, each box from its top-left corner in the turned picture."""
    result = []
    for item in lines:
        points = list(item.box)
        for _ in range(quarter_turns):
            points = [(y, -x) for x, y in points]
        start = min(range(4), key=lambda index: points[index][0] + points[index][1])
        a, b, c, d = (points[(start + step) % 4] for step in range(4))
        result.append(OcrLine(item.text, item.score, (a, b, c, d)))
    return result


def id_front(id_number: str, born: str = "1954年11月18日", gender: str = "女") -> list[OcrLine]:
    return [
        line("姓名许琳", 40, 50),
        line("性别", 44, 116),
        line(gender, 150, 118),
        line("民族汉", 274, 116),
        line("出生", 46, 183),
        line(born, 147, 186),
        line("住址", 45, 247),
        line("广东省深圳市南山区科技园南", 146, 251),
        line("路221号3栋1661室", 148, 291),
        line("公民身份号码", 48, 446),
        line(id_number, 267, 450),
    ]


def test_id_card_front():
    fields = extract_fields("id_card_front", id_front("440305195411181145"), today=TODAY)
    assert fields == {
        "name": "许琳",
        "gender": "女",
        "ethnicity": "汉",
        "birth_date": "1954-11-18",
        "address": "广东省深圳市南山区科技园南路221号3栋1661室",
        "id_number": "440305195411181145",
    }


def test_id_number_with_a_bad_check_digit_is_absent():
    fields = extract_fields("id_card_front", id_front("440305195411181146"), today=TODAY)
    assert "id_number" not in fields
    assert missing_fields("id_card_front", fields) == ["id_number"]


def test_birth_date_and_sex_must_agree_with_the_id_number():
    lines = id_front("440305195411181145", born="1954年11月19日", gender="男")
    fields = extract_fields("id_card_front", lines, today=TODAY)
    assert fields["id_number"] == "440305195411181145"
    assert "birth_date" not in fields and "gender" not in fields


def test_birth_date_whose_label_was_not_read_must_be_the_numbers_own():
    unlabelled = [item for item in id_front("440305195411181145") if item.text != "出生"]
    assert extract_fields("id_card_front", unlabelled, today=TODAY)["birth_date"] == "1954-11-18"
    other_day = id_front("440305195411181145", born="1954年11月19日")
    unlabelled = [item for item in other_day if item.text != "出生"]
    assert "birth_date" not in extract_fields("id_card_front", unlabelled, today=TODAY)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("2019.07.10-2039.07.10", {"valid_from": "2019-07-10", "valid_to": "2039-07-10"}),
        ("2019.07.10-长期", {"valid_from": "2019-07-10"}),
        ("2019.07.10-2039.07.16", {}),  # no card is valid for 20 years and 6 days
    ],
)
def test_id_card_back_terms(term: str, expected: dict[str, str]):
    lines = [
        line("中华人民共和国", 300, 70),
        line("居民身份证", 330, 140),
        line("签发机关", 120, 360),
        line("北京市公安局朝阳分局", 270, 364),
        line("有效期限", 120, 430),
        line(term, 270, 434),
    ]
    fields = extract_fields("id_card_back", lines, today=TODAY)
    assert fields == {"issuing_authority": "北京市公安局朝阳分局", **expected}
    assert valid_id_card_term(date(2019, 7, 10), date(2029, 7, 10))


def test_bank_card_number_in_groups_and_luhn():
    number = luhn_complete("621661072247045585")
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    lines = [line("中国银行", 47, 68), line("银联UnionPay", 654, 52)]
    lines += [line(group, 56 + 130 * i, 334) for i, group in enumerate(groups)]
    assert extract_fields("bank_card", lines, today=TODAY) == {
        "card_number": number,
        "bank_name": "中国银行",
    }
    broken = [*lines[:2], line(" ".join(groups)[:-1] + str((int(number[-1]) + 1) % 10), 56, 334)]
    assert extract_fields("bank_card", broken, today=TODAY) == {"bank_name": "中国银行"}


def test_diagnosis_certificate_and_discharge_summary():
    certificate = [
        line("中山大学附属第一医院", 280, 60),
        line("诊断证明书", 370, 130),
        line("姓名：韦洋 性别：女 年龄：67岁", 80, 260),
        line("诊断：过敏性皮炎", 80, 430),
        line("日期：2025.03.28", 80, 690),
    ]
    assert extract_fields("diagnosis_certificate", certificate, today=TODAY) == {
        "patient_name": "韦洋",
        "hospital": "中山大学附属第一医院",
        "diagnosis": "过敏性皮炎",
        "issue_date": "2025-03-28",
    }
    summary = [
        line("北京协和医院", 280, 60),
        line("出院小结", 370, 130),
        line("姓名：韦华燕", 80, 260),
        line("入院日期：2025-03-01", 80, 340),
        line("出院日期：2025-03-12", 80, 420),
        line("入院诊断：胃溃疡", 80, 500),
        line("出院诊断：胃恶性肿瘤", 80, 580),
    ]
    assert extract_fields("discharge_summary", summary, today=TODAY) == {
        "patient_name": "韦华燕",
        "hospital": "北京协和医院",
        "diagnosis": "胃恶性肿瘤",
        "admission_date": "2025-03-01",
        "discharge_date": "2025-03-12",
    }
    assert detect_doc_type(summary) == "discharge_summary"
    assert detect_doc_type(certificate) == "diagnosis_certificate"


def test_detection_needs_clear_words():
    assert detect_doc_type(invoice_lines()) == "medical_invoice"
    assert detect_doc_type(id_front("440305195411181145")) == "id_card_front"
    assert detect_doc_type([line("中华人民共和国", 300, 70)]) is None
    assert detect_doc_type([]) is None


def test_variant_glyphs_of_labels_are_folded():
    certificate = [
        line("北京协和医院", 280, 60),
        line("诊断证明书", 370, 130),
        line("姓名：汤兰燕 性別：男 年龄：26岁", 80, 260),
        line("诊断：社区获得性肺炎", 80, 430),
    ]
    fields = extract_fields("diagnosis_certificate", certificate, today=TODAY)
    assert fields["patient_name"] == "汤兰燕"


def test_stray_marks_beside_card_values_are_dropped():
    lines = id_front("440305195411181145")
    lines[3] = line("民族", 274, 116)
    lines.insert(4, line("☑汉", 340, 116))
    fields = extract_fields("id_card_front", lines, today=TODAY)
    assert fields["ethnicity"] == "汉"


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_cards_lying_sideways_or_upside_down(quarter_turns: int):
    upright_front = id_front("440305195411181145")
    back = [
        line("中华人民共和国", 300, 70),
        line("居民身份证", 330, 140),
        line("签发机关", 120, 360),
        line("北京市公安局朝阳分局", 270, 364),
        line("有效期限", 120, 430),
        line("2019.07.10-2039.07.10", 270, 434),
    ]
    for doc_type, lines in (("id_card_front", upright_front), ("id_card_back", back)):
        expected = extract_fields(doc_type, lines, today=TODAY)
        turned = as_read_from_a_turned_picture(lines, quarter_turns)
        assert extract_fields(doc_type, turned, today=TODAY) == expected
    assert len(expected) == 3  # the back's layout was read, not only its words


def national_invoice(**drop: bool) -> list[OcrLine]:
    """The national e-invoice template (医疗收费电子票据) as the engine reads it: labels and values
    in boxes of their own, the hospital at the foot beside the stamp."""
    rows = {
        "title": line("广东省医疗收费电子票据", 300, 30),
        "code": line("票据代码：", 40, 100),
        "code_value": line("44060121", 190, 102),
        "number": line("票据号码：", 420, 100),
        "number_value": line("0012345678", 570, 102),
        "date": line("开票日期：", 820, 100),
        "date_value": line("2025/05/17", 960, 102),
        "payer": line("交款人：", 40, 160),
        "payer_value": line("欧阳娜娜", 160, 162),
        "credit": line("交款人统一社会信用代码：440305195411181145", 420, 160),
        "serial": line("业务流水号：202505170001", 40, 220),
        "outpatient": line("门诊号：1234567", 500, 220),
        "words": line("金额合计(大写)：壹仟贰佰叁拾肆元伍角陆分", 40, 300),
        "total": line("(小写)：¥1,234.56元", 700, 300),
        "insurance": line("医保统筹基金支付：", 40, 360),
        "insurance_value": line("1,000.00", 290, 362),
        "self": line("个人现金支付：234.56元", 520, 360),
        "cashier": line("收款人：李强", 40, 420),
        "hospital": line("收款单位(章)：大连市中山区康宁门诊部", 400, 420),
    }
    return [row for key, row in rows.items() if not drop.get(key)]


def test_the_national_template_and_its_wordings():
    fields = extract_fields("medical_invoice", national_invoice(), today=TODAY)
    assert fields == {
        "invoice_code": "44060121",
        "invoice_number": "0012345678",
        "payer_name": "欧阳娜娜",
        "hospital": "大连市中山区康宁门诊部",
        "issue_date": "2025-05-17",
        "total_amount": "1234.56",
        "insurance_paid": "1000.00",
        "self_paid": "234.56",
        # the hospital's own name says 门诊部: the visit type comes from the rest of the page
        "visit_type": "outpatient",
    }


def test_a_label_with_nothing_readable_beside_it_gives_no_value():
    # the payer's name washed out: the line below is another label cut short, never a name
    lines = national_invoice(payer_value=True, serial=True, outpatient=True)
    lines.append(line("业务流水", 40, 205))
    assert "payer_name" not in extract_fields("medical_invoice", lines, today=TODAY)


@pytest.mark.parametrize(
    ("label", "value"),
    [("缴款人", "罗静磊"), ("付款人", "罗静磊"), ("病人姓名", "罗静磊")],
)
def test_payer_labels_as_provinces_word_them(label: str, value: str):
    lines = invoice_lines()
    lines[4] = line(f"{label}：{value}", 40, 190)
    assert extract_fields("medical_invoice", lines, today=TODAY)["payer_name"] == value


def test_values_by_their_shape_where_no_label_was_read():
    lines = [
        line("复旦大学附属华山医院门诊收费票据", 200, 30),
        line("票据号码：6538829718", 40, 100),
        line("签收：", 40, 160),  # a wording no template list has
        line("罗静磊", 130, 162),
        line("性别：男", 300, 160),
        line("2025年05月17日", 700, 100),
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert fields["payer_name"] == "罗静磊"  # the person's name just before 性别
    assert fields["hospital"] == "复旦大学附属华山医院"  # the one institution the page names
    assert fields["issue_date"] == "2025-05-17"  # the page's one date


def test_shapes_that_are_not_sure_stay_absent():
    lines = [
        line("北京协和医院门诊收费票据", 200, 30),
        line("天津市第五中心医院", 200, 70),  # two institutions: which one is meant is not known
        line("业务流水：", 40, 160),
        line("性别：男", 300, 160),  # nothing that is a name before it
        line("就诊日期：2025-05-10", 40, 220),
        line("2025-05-17", 700, 100),  # two dates, and no label for the issue date
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert not {"payer_name", "hospital", "issue_date"} & fields.keys()


def test_date_and_amount_forms():
    assert find_dates("2025/05/17") == [date(2025, 5, 17)]
    assert find_dates("20250517") == [date(2025, 5, 17)]
    assert find_dates("2025年05月17日") == [date(2025, 5, 17)]
    assert parse_amount("￥12,345.60元") == Decimal("12345.60")
    assert parse_amount("1,234.56") == Decimal("1234.56")


def test_names_begin_with_a_surname():
    assert valid_person_name("罗静磊") and valid_person_name("欧阳娜") and valid_person_name("许琳")
    assert valid_person_name("阿依古丽·买买提")
    assert not valid_person_name("业务流水")  # four characters of the form, not a person
    assert not valid_person_name("收款人") and not valid_person_name("罗")


def test_values_printed_off_register_and_below_their_labels():
    offset = [
        line("缴款人", 40, 190),
        line("罗静磊", 140, 203),  # printed nearly half a line below the pre-printed label
        line("开票单位", 40, 250),
        line("复旦大学附属华山医院", 160, 262),
    ]
    stacked = [
        line("交款人", 40, 190, height=22),
        line("罗静磊", 40, 220),
        line("医疗机构名称", 300, 190, height=22),
        line("复旦大学附属华山医院", 300, 220),
    ]
    for lines in (offset, stacked):
        fields = extract_fields("medical_invoice", lines, today=TODAY)
        assert fields["payer_name"] == "罗静磊"
        assert fields["hospital"] == "复旦大学附属华山医院"


def test_a_hospital_heading_a_paper_is_named_in_full():
    certificate = [
        line("宁波市医疗中心李惠利医院", 280, 60),
        line("诊断证明书", 370, 130),
        line("姓名：韦洋", 80, 260),
        line("诊断：过敏性皮炎", 80, 430),
    ]
    fields = extract_fields("diagnosis_certificate", certificate, today=TODAY)
    assert fields["hospital"] == "宁波市医疗中心李惠利医院"


def test_a_short_label_inside_a_longer_unknown_one_reads_nothing():
    # 诊断依照 and 住院日期 are no wordings of 诊断 or of the issue date: nothing is read from them
    certificate = [
        line("中山大学附属第一医院", 280, 60),
        line("诊断证明书", 370, 130),
        line("姓名：韦洋", 80, 260),
        line("诊断依照：社区获得性肺炎", 80, 430),
        line("住院日期：2025.03.01", 80, 600),
    ]
    fields = extract_fields("diagnosis_certificate", certificate, today=TODAY)
    assert "diagnosis" not in fields
    assert "issue_date" not in fields
    # printed alone above its value, the longer label ends in a word labels end in
    stacked = [
        line("诊断证明书", 370, 130),
        line("诊断类别", 80, 430, height=22),
        line("社区获得性肺炎", 80, 460),
    ]
    assert "diagnosis" not in extract_fields("diagnosis_certificate", stacked, today=TODAY)


def test_a_date_label_qualified_by_the_stay_is_not_the_issue_date():
    lines = invoice_lines(date="出院日期：2025年5月10日")
    lines.append(line("日期：2025-05-17", 670, 140))
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert fields["issue_date"] == "2025-05-17"
    qualified_only = invoice_lines(date="住院日期：2025年5月10日")
    assert "issue_date" not in extract_fields("medical_invoice", qualified_only, today=TODAY)


@pytest.mark.parametrize(
    ("text", "start", "end", "alone"),
    [
        ("诊断:肺炎", 0, 2, True),
        ("诊断肺炎", 0, 2, True),  # a label printed without a colon, its value right after it
        ("诊断名称:肺炎", 0, 2, False),
        ("诊断依照:肺炎", 0, 2, False),  # label characters up to a colon
        ("住院日期:2025-05-10", 2, 4, False),
        ("姓名:韦洋性别:女", 7, 9, True),  # after a value closed by a colon
        ("姓名韦洋性别:女", 0, 2, True),  # a value and the next label before the colon
    ],
)
def test_a_label_counts_only_where_it_stands_on_its_own(
    text: str, start: int, end: int, alone: bool
):
    assert stands_alone(text, start, end, ("姓名", "性别")) is alone


def test_a_value_that_still_carries_label_words_is_no_value():
    assert carries_label("名称社区获得性肺炎") and carries_label("日期2025-05-10")
    assert not carries_label("社区获得性肺炎") and not carries_label("人民币壹佰元整")


@pytest.mark.parametrize(
    ("rows", "field", "value"),
    [
        (["就诊人：罗静磊"], "payer_name", "罗静磊"),
        (["患者：罗静磊"], "payer_name", "罗静磊"),
        (["收费单位(章)：复旦大学附属华山医院"], "hospital", "复旦大学附属华山医院"),
        (["开具日期：2025-05-17", "入院日期：2025-05-01"], "issue_date", "2025-05-17"),
        (["实收金额：¥4,092.38"], "total_amount", "4092.38"),
        (["小写金额：4092.38元"], "total_amount", "4092.38"),
        (["统筹支付金额：2864.66", "个人负担：1227.72"], "self_paid", "1227.72"),
        (["医保报销金额：2864.66", "个人承担金额：1227.72"], "insurance_paid", "2864.66"),
    ],
)
def test_wordings_of_the_national_template_and_hospital_print_outs(
    rows: list[str], field: str, value: str
):
    lines = [line("复旦大学附属华山医院门诊收费票据", 200, 30)]
    lines += [line(text, 40, 100 + 45 * index) for index, text in enumerate(rows)]
    if field in {"total_amount", "self_paid", "insurance_paid"}:
        lines.append(line("大写金额：肆仟零玖拾贰元叁角捌分", 40, 500))
    if field in {"self_paid", "insurance_paid"}:
        lines.append(line("合计：4092.38", 40, 545))
    assert extract_fields("medical_invoice", lines, today=TODAY)[field] == value


def test_record_wordings_of_hospital_print_outs():
    summary = [
        line("北京协和医院", 280, 60),
        line("出院记录", 370, 130),
        line("患者：韦华燕", 80, 260),
        line("住院日期：2025-03-01", 80, 340),
        line("出院日：2025-03-12", 80, 420),
        line("诊断名称：胃恶性肿瘤", 80, 500),
    ]
    assert extract_fields("discharge_summary", summary, today=TODAY) == {
        "patient_name": "韦华燕",
        "hospital": "北京协和医院",
        "diagnosis": "胃恶性肿瘤",
        "admission_date": "2025-03-01",
        "discharge_date": "2025-03-12",
    }


def test_a_value_whose_box_overlaps_its_labels_is_still_beside_it():
    """Widely spaced print: the detector's box of the value begins inside the label's."""
    lines = [
        *(item for item in id_front("440305195411181145") if item.text != "民族汉"),
        line("民族", 274, 116),  # 274-326
        line("朝鲜", 305, 114),  # begins inside the label, lies mostly beyond it
    ]
    assert extract_fields("id_card_front", lines, today=TODAY)["ethnicity"] == "朝鲜"


@pytest.mark.parametrize(
    ("first", "second"),
    [("辽宁省沈阳市和平区民族大道", "270号"), ("辽宁省沈阳市和平区", "民族大道270号")],
)
def test_an_address_runs_on_past_other_labels_words(first: str, second: str):
    """民族 is a label on the card, and a street's name in the address."""
    lines = [
        *(
            item
            for item in id_front("440305195411181145")
            if not item.text.startswith(("广", "路"))
        ),
        line(first, 146, 251),
        line(second, 148, 291),
    ]
    fields = extract_fields("id_card_front", lines, today=TODAY)
    assert fields["address"] == "辽宁省沈阳市和平区民族大道270号"
    assert fields["ethnicity"] == "汉"


def test_an_address_ends_at_the_numbers_label():
    lines = [
        *(item for item in id_front("440305195411181145") if not item.text.startswith("公民")),
        line("公民身份号码", 148, 331),
    ]
    fields = extract_fields("id_card_front", lines, today=TODAY)
    assert fields["address"] == "广东省深圳市南山区科技园南路221号3栋1661室"

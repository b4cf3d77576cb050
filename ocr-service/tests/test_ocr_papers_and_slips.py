"""Out-patient records, case-sheet summaries and kiosk payment slips, on hand-made OCR output."""

from datetime import date

import pytest

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import detect_doc_type, extract_fields, missing_fields
from ocr_service.ocr.extract.roles import TOTAL, find_labels
from ocr_service.ocr.extract.validate import valid_person_name
from ocr_synth.lines import line

TODAY = date(2025, 12, 31)


def boxed(pairs: list[tuple[str, str]], top: float = 260) -> list[OcrLine]:
    """Each value in a cell under its label, one pair per row."""
    lines = []
    for row, (label, value) in enumerate(pairs):
        lines += [line(label, 80, top + 90 * row), line(value, 80, top + 90 * row + 36)]
    return lines


def outpatient_record() -> list[OcrLine]:
    return [
        line("河北医科大学第二医院", 280, 60),
        line("门诊病历", 370, 130),
        *boxed(
            [
                ("就诊人姓名", "闻人岩晖"),
                ("性别", "男"),
                ("就诊科室", "皮肤科"),
                ("初步诊断", "慢性阻塞性肺疾病"),
                ("接诊医师", "屈岩"),
                ("就诊时间", "2025年1月5日 星期日"),
            ]
        ),
    ]


def case_sheet_summary() -> list[OcrLine]:
    return [
        line("吉林大学白求恩第一医院", 280, 60),
        line("住院病案首页(摘要)", 330, 130),
        *boxed(
            [
                ("就诊人姓名", "包羽"),
                ("住院号", "741282"),
                ("入院", "2025年4月1日 星期二"),
                ("出院", "2025年4月4日 星期五"),
                ("入院诊断", "社区获得性肺炎"),
                ("出院诊断", "慢性阻塞性肺疾病"),
                ("出院医嘱", "休息一周，避免剧烈运动。"),
                ("填写日期", "2025/04/04 14:03"),
            ]
        ),
    ]


def test_an_outpatient_record_certifies_its_diagnosis_and_is_dated_by_the_visit():
    record = outpatient_record()
    assert detect_doc_type(record) == "diagnosis_certificate"
    assert extract_fields("diagnosis_certificate", record, today=TODAY) == {
        "patient_name": "闻人岩晖",
        "hospital": "河北医科大学第二医院",
        "diagnosis": "慢性阻塞性肺疾病",
        "issue_date": "2025-01-05",
    }


@pytest.mark.parametrize("title", ["病情证明书", "病情证明"])
def test_a_statement_of_illness_is_a_certificate(title: str):
    paper = [line("河北医科大学第二医院", 280, 60), line(title, 370, 130)]
    paper += boxed([("病员", "钮霖"), ("主要诊断", "右桡骨远端骨折"), ("填写日期", "2025/8/21")])
    assert detect_doc_type(paper) == "diagnosis_certificate"
    assert extract_fields("diagnosis_certificate", paper, today=TODAY)["patient_name"] == "钮霖"


def test_a_case_sheet_summary_is_a_discharge_paper_with_the_days_of_the_stay():
    summary = case_sheet_summary()
    assert detect_doc_type(summary) == "discharge_summary"
    fields = extract_fields("discharge_summary", summary, today=TODAY)
    assert fields["admission_date"] == "2025-04-01"
    assert fields["discharge_date"] == "2025-04-04"
    assert fields["issue_date"] == "2025-04-04"
    assert fields["diagnosis"] == "慢性阻塞性肺疾病"


def test_a_stay_labelled_by_its_start_and_end():
    paper = [line("河北医科大学第二医院", 280, 60), line("住院证明", 370, 130)]
    paper += boxed(
        [
            ("病员", "钮霖"),
            ("住院开始日期", "2025年8月3日星期日"),
            ("住院结束日期", "2025年8月21日星期四"),
            ("出院诊断", "冠状动脉粥样硬化性心脏病"),
        ]
    )
    assert detect_doc_type(paper) == "discharge_summary"
    fields = extract_fields("discharge_summary", paper, today=TODAY)
    assert (fields["admission_date"], fields["discharge_date"]) == ("2025-08-03", "2025-08-21")


def test_a_stay_that_ends_before_it_begins_gives_neither_day():
    paper = boxed([("入院", "2025/5/17"), ("出院", "2025/5/2"), ("出院诊断", "急性阑尾炎")])
    fields = extract_fields("discharge_summary", paper, today=TODAY)
    assert "admission_date" not in fields and "discharge_date" not in fields


def test_an_invoice_does_not_pass_for_a_record():
    invoice = [
        line("内蒙古自治区医疗门(急)诊收费票据", 300, 60),
        line("病历号：88231", 80, 160),
        line("交款人：祁锦舟", 80, 220),
        line("合计(小写)：134.20", 80, 300),
        line("医疗保险支付：40.26", 80, 360),
        line("个人自负：93.94", 80, 420),
    ]
    assert detect_doc_type(invoice) == "medical_invoice"


def kiosk_slip(*, with_code: bool = False) -> list[OcrLine]:
    lines = [
        line("中国医科大学附属盛京医院门诊自助缴费凭条", 60, 55),
        line("电子票据号：9279133236", 60, 145),
        line("缴费时间：", 60, 205),
        line("2025/09/02 17:31", 330, 205),
        line("就诊人姓名：席翔韵", 60, 280),
        line("机构名称：", 60, 650),
        line("中国医科大学附属盛京医院", 320, 650),
        line("缴费金额：CNY 397.42", 60, 980),
        line("医保支付金额：CNY 198.71", 60, 1040),
        line("自费金额:", 60, 1100),
        line("CNY 198.71", 320, 1100),
    ]
    if with_code:
        lines.append(line("票据代码：", 60, 100))
    return lines


def test_a_kiosk_slip_reads_the_sum_paid_as_the_total():
    fields = extract_fields("medical_invoice", kiosk_slip(), today=TODAY)
    assert fields == {
        "invoice_number": "9279133236",
        "payer_name": "席翔韵",
        "hospital": "中国医科大学附属盛京医院",
        "issue_date": "2025-09-02",
        "total_amount": "397.42",
        "insurance_paid": "198.71",
        "self_paid": "198.71",
        "visit_type": "outpatient",
    }


@pytest.mark.parametrize("wording", ["缴费金额", "交费金额", "交款金额"])
def test_the_sum_paid_is_a_total(wording: str):
    assert [label.role for label in find_labels([wording])] == [TOTAL]


def test_sums_paid_by_one_party_are_not_the_total():
    assert TOTAL not in {label.role for label in find_labels(["个人缴费金额", "医保缴费金额"])}


def test_a_code_is_asked_for_only_where_the_page_prints_a_label_for_one():
    slip = kiosk_slip()
    fields = extract_fields("medical_invoice", slip, today=TODAY)
    assert missing_fields("medical_invoice", fields, slip) == []
    labelled = kiosk_slip(with_code=True)
    fields = extract_fields("medical_invoice", labelled, today=TODAY)
    assert missing_fields("medical_invoice", fields, labelled) == ["invoice_code"]


def test_the_other_fields_of_an_invoice_are_asked_for_on_any_page():
    slip = [cell for cell in kiosk_slip() if "缴费金额" not in cell.text]
    fields = extract_fields("medical_invoice", slip, today=TODAY)
    assert missing_fields("medical_invoice", fields, slip) == [
        "total_amount",
        "insurance_paid",
        "self_paid",
    ]


@pytest.mark.parametrize("title", ["某某市医疗门(急)诊收费票据", "某某市医疗门（急）诊收费票据"])
def test_an_outpatient_and_emergency_invoice_is_outpatient(title: str):
    lines = [line(title, 300, 60), *kiosk_slip()[1:]]
    assert extract_fields("medical_invoice", lines, today=TODAY)["visit_type"] == "outpatient"


@pytest.mark.parametrize("name", ["洪锦菁", "萧柔晴", "贝晔", "钮逸岩"])
def test_names_of_common_surnames(name: str):
    assert valid_person_name(name)


@pytest.mark.parametrize("leader", ["……", "......", "·····", "．．．", "…"])
def test_a_row_of_leader_dots_between_label_and_value_is_no_part_of_the_value(leader: str):
    lines = [
        line("芜湖市第一人民医院", 280, 60),
        line("诊断证明书", 370, 130),
        line(f"病人姓名{leader}冀铮捷", 80, 260),
        line(f"诊断结论{leader}右桡骨远端骨折", 80, 340),
        line(f"就诊医院{leader}芜湖市镜湖区范罗山街道社区卫生服务中心", 80, 420),
        line(f"开具日期{leader}2025.06.07", 80, 500),
    ]
    assert extract_fields("diagnosis_certificate", lines, today=TODAY) == {
        "patient_name": "冀铮捷",
        "hospital": "芜湖市镜湖区范罗山街道社区卫生服务中心",
        "diagnosis": "右桡骨远端骨折",
        "issue_date": "2025-06-07",
    }


def test_a_discharge_paper_dated_by_its_stay_under_other_wordings():
    lines = [
        line("攀枝花市中心医院", 280, 60),
        line("出院病历摘要", 370, 130),
        line("病人名称：阙腾岳", 80, 260),
        line("入住日期：2025年03月18日12:51", 80, 340),
        line("离院时间：2025年04月04日15:34", 80, 420),
        line("出院诊断：过敏性皮炎", 80, 500),
        line("开单日期：2025年04月04日09:53", 80, 580),
    ]
    fields = extract_fields("discharge_summary", lines, today=TODAY)
    assert fields["admission_date"] == "2025-03-18"
    assert fields["discharge_date"] == "2025-04-04"
    assert fields["issue_date"] == "2025-04-04"


def test_a_bare_date_label_on_a_paper_of_several_dates_leaves_the_papers_date_absent():
    lines = [
        line("攀枝花市中心医院", 280, 60),
        line("出院小结", 370, 130),
        line("姓名：阙腾岳", 80, 260),
        line("转科日期：2025-03-20", 80, 340),
        line("出院诊断：过敏性皮炎", 80, 420),
        line("日期：2025-04-04", 80, 500),
    ]
    assert "issue_date" not in extract_fields("discharge_summary", lines, today=TODAY)
    alone = [item for item in lines if not item.text.startswith("转科")]
    assert extract_fields("discharge_summary", alone, today=TODAY)["issue_date"] == "2025-04-04"


def _stay_statement(title: str) -> list[OcrLine]:
    return [
        line("玉溪市妇幼保健院", 280, 60),
        line(title, 370, 130),
        line("就医人姓名：卫清源", 80, 260),
        line("收住院日期：2025.01.25", 80, 340),
        line("离院日期：2025.01.29", 80, 420),
        line("入院诊断：急性阑尾炎", 80, 500),
        line("出院诊断：胃恶性肿瘤", 80, 580),
        line("诊治医师：连春驰", 80, 660),
        line("证明开具日期：2025.01.29", 80, 740),
    ]


@pytest.mark.parametrize("title", ["出院病情证明书", "出院证明书", "出院病历摘要"])
def test_a_statement_of_the_illness_at_discharge_is_a_discharge_paper(title: str):
    assert detect_doc_type(_stay_statement(title)) == "discharge_summary"


def test_a_certificate_of_attendance_is_a_diagnosis_certificate():
    lines = [
        line("芜湖市镜湖区范罗山街道社区卫生服务中心", 200, 60),
        line("就医证明", 370, 130),
        line("就医人姓名", 80, 260),
        line("巢露崇", 300, 260),
        line("性别女", 500, 260),
        line("诊断情况", 80, 340),
        line("右桡骨远端骨折", 300, 340),
        line("诊治医师", 80, 420),
        line("证明开具日期2025年06月30日08:28", 80, 500),
    ]
    assert detect_doc_type(lines) == "diagnosis_certificate"


@pytest.mark.parametrize("name", ["赖腾", "巢露崇"])
def test_names_of_surnames_once_missed(name: str):
    assert valid_person_name(name)


def test_record_labels_worded_by_the_person_seen_and_the_state_of_the_diagnosis():
    lines = [
        line("芜湖市第一人民医院", 280, 60),
        line("诊断证明书", 370, 130),
        line("就医人姓名", 80, 260),
        line("巢露崇", 300, 260),
        line("诊断情况", 80, 340),
        line("右桡骨远端骨折", 300, 340),
        line("开具日期：2025.06.30", 80, 420),
    ]
    fields = extract_fields("diagnosis_certificate", lines, today=TODAY)
    assert fields["patient_name"] == "巢露崇"
    assert fields["diagnosis"] == "右桡骨远端骨折"
    by_name = [line("病人名称", 80, 260), line("赖腾", 300, 260), *lines[2:]]
    assert extract_fields("diagnosis_certificate", by_name, today=TODAY)["patient_name"] == "赖腾"


def test_fiscal_receipt_labels_of_the_split_and_the_payer():
    lines = [
        line("岳阳市第一人民医院住院医疗收费收据", 200, 60),
        line("收据号码：2938203469", 40, 120),
        line("交费日期：2025年11月04日", 400, 120),
        line("就医人：濮阳飞", 40, 180),
        line("收款医院：岳阳市第一人民医院", 400, 180),
        line("实收合计：CNY 7,400.25", 40, 500),
        line("医保统筹结算：CNY 2,220.07", 40, 560),
        line("自付现金：CNY 5,180.18", 500, 560),
    ]
    fields = extract_fields("medical_invoice", lines, today=TODAY)
    assert fields["payer_name"] == "濮阳飞"
    assert (fields["total_amount"], fields["insurance_paid"], fields["self_paid"]) == (
        "7400.25",
        "2220.07",
        "5180.18",
    )
    e_invoice = [
        item for item in lines if not item.text.startswith(("医保统筹结算", "自付现金"))
    ] + [line("统筹基金支出：¥2220.07元", 40, 560), line("个人现金支出：¥5180.18元", 500, 560)]
    fields = extract_fields("medical_invoice", e_invoice, today=TODAY)
    assert (fields["insurance_paid"], fields["self_paid"]) == ("2220.07", "5180.18")

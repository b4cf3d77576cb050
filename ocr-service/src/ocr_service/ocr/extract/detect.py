"""Which kind of document a page is, from the words on it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract import roles
from ocr_service.ocr.extract.normalize import compact

# Words that mark each type, with weights; a type needs MIN_SCORE and a clear lead to be named.
_MARKERS: dict[str, tuple[tuple[str, float], ...]] = {
    "medical_invoice": (
        ("收费票据", 3),
        ("收费电子票据", 3),
        ("医疗发票", 3),
        ("专用票据", 2),
        ("票据代码", 2),
        ("票据号码", 2),
        ("发票代码", 2),
        ("发票号码", 2),
        ("交款人", 2),
        ("缴款人", 2),
        ("统筹", 2),
        ("医保", 1),
        ("基金支付", 1),
        ("个人支付", 1),
        ("自付", 1),
        ("大写", 2),
        ("小写", 1),
        ("合计", 1),
        ("项目名称", 1),
        ("金额(元)", 1),
        ("收款单位", 1),
        ("开票单位", 1),
        ("财务专用章", 1),
        # Words of paying that a bill prints whatever its title (收费, 结算, 收据, 缴费 …).
        ("收费", 1),
        ("结算", 1),
        ("收据", 2),
        ("发票", 2),
        ("票据", 1),
        ("缴费", 1),
        ("交费", 1),
        ("金额", 1),
        ("费用", 1),
        ("现金", 1),
        ("收款", 1),
    ),
    "id_card_front": (
        ("公民身份号码", 4),
        ("民族", 2),
        ("住址", 2),
        ("出生", 1),
        ("姓名", 1),
        ("性别", 1),
    ),
    "id_card_back": (
        ("签发机关", 4),
        ("有效期限", 4),
        ("居民身份证", 2),
        ("中华人民共和国", 1),
        ("长期", 1),
    ),
    "bank_card": (
        ("银联", 3),
        ("UnionPay", 3),
        ("VALIDTHRU", 2),
        ("银行", 1),
        ("借记卡", 2),
        ("信用卡", 2),
    ),
    "diagnosis_certificate": (
        ("诊断证明", 5),
        ("诊断书", 4),
        # An out-patient record (门诊病历) and a statement of the illness (病情证明书) certify
        # the diagnosis just as well.
        ("门诊病历", 5),
        ("病情证明", 5),
        # A certificate of attendance (就医证明) states the diagnosis the visit found.
        ("就医证明", 5),
        ("就诊证明", 5),
        ("证明书", 2),
        ("证明", 1),
        ("初步诊断", 1),
        ("诊断", 1),
        ("建议", 1),
        ("医师", 1),
        # A sick note (病假, 休息) and the words of a doctor's statement, whatever its title.
        ("病假", 2),
        ("休息", 1),
        ("休假", 1),
        ("特此证明", 2),
        ("兹证明", 2),
        ("意见", 1),
        ("医生", 1),
        ("印象", 1),
    ),
    "discharge_summary": (
        ("出院小结", 5),
        ("出院记录", 5),
        # The summary page of an in-patient's case file, and a hospital's statement of a stay.
        ("病案首页", 5),
        ("住院证明", 5),
        # A statement of the illness at discharge is the stay's paper, not a diagnosis
        # certificate: it outweighs 病情证明 and 证明书 together.
        ("出院病情证明", 8),
        ("出院证明", 8),
        ("病历摘要", 5),
        ("离院日期", 2),
        ("离院时间", 2),
        ("入住日期", 2),
        ("入院日期", 2),
        ("出院日期", 2),
        ("入院时间", 2),
        ("出院时间", 2),
        ("出院诊断", 2),
        ("入院诊断", 1),
        ("诊疗经过", 2),
        ("出院医嘱", 1),
    ),
}
MIN_SCORE = 3.0
_CARD_NUMBER = re.compile(r"(?<!\d)62\d{14,17}(?!\d)")

# Words of a doctor's paper of either kind (certificate or discharge paper): who was seen, where,
# by whom. They tell such a paper from a bill or a card whatever its title says.
_DOCTORS_WORDS = (
    "诊断", "医师", "医生", "科室", "科别", "门诊号", "住院号", "年龄", "患者", "病人", "病员",
    "病情", "病史", "主诉", "治疗", "签名", "签字",
)  # fmt: skip
# A stay in hospital: words of coming in and words of leaving. A paper that records both is a
# discharge paper, however titled; a certificate states a diagnosis without a stay.
_ADMITTED = ("入院", "入住", "收住", "收治")
_DISCHARGED = ("出院", "离院")
# One such word alone (患者 beside a name) says nothing of a paper.
_MIN_DOCTORS_WORDS = 2
_STAY = 6.0
_NO_STAY = 3.0
_PAPERS = ("diagnosis_certificate", "discharge_summary")


# Labels of the two parts of a bill, however worded: only invoices split what was paid.
_SPLIT_ROLES = frozenset({roles.INSURANCE, roles.SELF})


def doc_type_scores(lines: Sequence[OcrLine]) -> dict[str, float]:
    texts = [compact(line.text) for line in lines]
    text = "".join(texts)
    scores = {
        doc_type: sum(weight for word, weight in markers if word in text)
        for doc_type, markers in _MARKERS.items()
    }
    scores["medical_invoice"] += len(
        {label.role for label in roles.find_labels(texts)} & _SPLIT_ROLES
    )
    if _CARD_NUMBER.search(text):  # UnionPay numbers start with 62
        scores["bank_card"] += 2
    doctors = sum(word in text for word in _DOCTORS_WORDS)
    stay = any(word in text for word in _ADMITTED) and any(word in text for word in _DISCHARGED)
    if doctors >= _MIN_DOCTORS_WORDS or any(scores[paper] for paper in _PAPERS):
        # A doctor's paper: whether it records a stay tells which of the two kinds it is.
        for paper in _PAPERS:
            scores[paper] += doctors
        if stay:
            scores["discharge_summary"] += _STAY
        else:
            scores["diagnosis_certificate"] += _NO_STAY
    return scores


def detect_doc_type(lines: Sequence[OcrLine]) -> str | None:
    """The best-marked type, or None when the words point nowhere clearly."""
    ranked = sorted(doc_type_scores(lines).items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, runner_up) = ranked[0], ranked[1]
    if top < MIN_SCORE or top - runner_up < 2:
        return None
    return best

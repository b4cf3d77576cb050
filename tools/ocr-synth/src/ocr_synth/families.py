"""Variant families of synthetic documents: how a document is worded, laid out, printed and
photographed, each axis with a pool of variants.

Two families draw from disjoint pools on every axis:
- `tuned`: the variants the reader's rules and thresholds may be developed and checked against;
- `held-out`: variants kept out of all tuning. They were fixed here, with the wordings taken from
  real invoices, certificates and cards, before the reader was ever run on them, and no rule,
  label list or threshold of the reader is changed on what they show. Figures on this family are
  what the reader does on documents it has never seen.

`classic` is the original generator (one wording, one layout), a member of the tuned family.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ocr_synth.fonts import Face, cjk_faces, noto_face

CLASSIC = "classic"
TUNED = "tuned"
HELD_OUT = "held-out"
FAMILIES = (CLASSIC, TUNED, HELD_OUT)


@dataclass(frozen=True, slots=True)
class InvoiceWording:
    """The labels of one medical invoice template. `{region}`, `{kind}` (门诊/住院) and
    `{hospital}` are filled into the title."""

    title: str
    code: str
    number: str
    issue_date: str
    payer: str
    hospital: str
    total_in_words: str
    total: str
    insurance: str
    self_paid: str
    # Other lines such templates print: values a reader must not take for a field.
    extras: tuple[str, ...] = ()
    hospital_at_foot: bool = False  # 收款单位(章) under the table, beside the stamp


@dataclass(frozen=True, slots=True)
class RecordWording:
    """The labels of a doctor's paper (diagnosis certificate or discharge summary)."""

    certificate_title: str
    summary_title: str
    patient: str
    diagnosis: str
    issue_date: str
    admission: str
    discharge: str
    colon: bool = True


# --- tuned pools -------------------------------------------------------------------------------

TUNED_INVOICE_WORDINGS = (
    InvoiceWording(
        "{region}医疗{kind}收费票据(电子)",
        "票据代码",
        "票据号码",
        "开票日期",
        "交款人",
        "医疗机构",
        "合计(大写)",
        "合计(小写)",
        "医保统筹支付",
        "个人支付",
    ),
    # The national template of 医疗收费电子票据 (财政部监制).
    InvoiceWording(
        "{region}医疗收费电子票据",
        "票据代码",
        "票据号码",
        "开票日期",
        "交款人",
        "收款单位(章)",
        "金额合计(大写)",
        "(小写)",
        "医保统筹基金支付",
        "个人现金支付",
        extras=("校验码", "交款人统一社会信用代码", "业务流水号", "{kind}号"),
        hospital_at_foot=True,
    ),
    InvoiceWording(
        "{hospital}{kind}收费票据",
        "发票代码",
        "发票号码",
        "收费日期",
        "患者姓名",
        "收款单位",
        "金额合计(大写)",
        "金额合计(小写)",
        "统筹基金支付",
        "个人自付",
        extras=("{kind}号", "收款人"),
    ),
)
TUNED_RECORD_WORDINGS = (
    RecordWording("诊断证明书", "出院小结", "姓名", "诊断", "日期", "入院日期", "出院日期"),
    RecordWording(
        "诊断证明书", "出院记录", "患者姓名", "临床诊断", "开具日期", "入院日期", "出院日期"
    ),
)
TUNED_LAYOUTS = ("inline", "grid")
TUNED_DATES = ("iso", "cn", "dot")
TUNED_AMOUNTS = ("plain", "yen")
TUNED_EFFECTS = ("none",)
TUNED_PAPERS = ((246, 246, 242), (240, 240, 236), (250, 250, 250))
TUNED_LABEL_INKS = ((25, 25, 25), (60, 90, 140))

# --- held-out pools: fixed before the reader was run on them; never tuned on ----------------------

HELD_OUT_INVOICE_WORDINGS = (
    # Provincial paper invoices and hospital print-outs.
    InvoiceWording(
        "{region}医疗机构{kind}收费票据",
        "票据代码",
        "票据号码",
        "结算日期",
        "缴款人",
        "开票单位",
        "人民币(大写)",
        "金额合计",
        "基金支付",
        "自付金额",
        extras=("就诊日期", "复核人"),
    ),
    InvoiceWording(
        "{hospital}医疗收费票据({kind})",
        "发票代码",
        "发票号码",
        "日期",
        "姓名",
        "医院名称",
        "总金额(大写)",
        "总金额",
        "医保支付",
        "个人支付金额",
        extras=("收款人", "{kind}号"),
    ),
    InvoiceWording(
        "{region}医疗{kind}专用票据",
        "票据代码",
        "票据号码",
        "开票日期",
        "患者姓名",
        "医疗机构名称",
        "合计金额(大写)",
        "合计金额(小写)",
        "医保基金支付",
        "个人自付",
        extras=("医保类型", "复核人", "收款人"),
        hospital_at_foot=True,
    ),
)
HELD_OUT_RECORD_WORDINGS = (
    RecordWording(
        "疾病诊断证明书",
        "出院记录",
        "病人姓名",
        "诊断意见",
        "出具日期",
        "入院时间",
        "出院时间",
    ),
    RecordWording(
        "诊断证明书",
        "出院小结",
        "姓名",
        "诊断结果",
        "签发日期",
        "入院日期",
        "出院日期",
        colon=False,
    ),
)
# Value printed below its label; or pre-printed labels with values printed over them off register.
HELD_OUT_LAYOUTS = ("stacked", "offset")
HELD_OUT_DATES = ("slash", "compact", "cn_padded")
HELD_OUT_AMOUNTS = ("thousands", "yuan", "yen_thousands_yuan")
# Condensed print and a dot-matrix (needle) printer.
HELD_OUT_EFFECTS = ("none", "condensed", "dot_matrix")
# Tinted stock: pink, blue, yellow and green paper of printed invoices.
HELD_OUT_PAPERS = ((250, 232, 232), (228, 238, 250), (250, 246, 220), (230, 246, 232))
HELD_OUT_LABEL_INKS = ((150, 30, 30), (20, 60, 150), (90, 90, 90))


def tuned_faces() -> list[Face]:
    """Noto Sans SC in three weights and WenQuanYi Micro Hei: the original generator's faces."""
    return list(cjk_faces())


def held_out_faces() -> list[Face]:
    """Noto Sans CJK with another region's glyph forms (TC, HK, JP) in weights the tuned family
    never prints."""
    return [
        noto_face(region, weight)
        for region, weight in (("TC", "DemiLight"), ("HK", "Black"), ("JP", "Light"))
    ]


@dataclass(frozen=True, slots=True)
class Camera:
    max_tilt: float
    noise: tuple[float, float]
    jpeg_quality: tuple[int, int]
    keystone: float  # largest corner shift for perspective, as a share of the side
    scale: tuple[float, float]  # the photo's size against the render
    defocus: float  # a slight softness (sigma in px) a sharp phone photo still has


TUNED_CAMERA = Camera(3.5, (1.0, 3.0), (70, 92), 0.0, (1.0, 1.0), 0.0)
HELD_OUT_CAMERA = Camera(6.5, (2.0, 5.0), (45, 70), 0.03, (0.85, 1.6), 0.7)


@dataclass(frozen=True, slots=True)
class Style:
    family: str
    invoice: InvoiceWording
    record: RecordWording
    layout: str
    dates: str
    amounts: str
    face: Face
    value_face: Face
    effect: str
    paper: tuple[int, int, int]
    label_ink: tuple[int, int, int]
    camera: Camera
    held_out_people: bool  # names and institutions from pools the tuned family never uses

    def describe(self) -> dict[str, str]:
        return {
            "family": self.family,
            "layout": self.layout,
            "dates": self.dates,
            "amounts": self.amounts,
            "effect": self.effect,
            "wording": self.invoice.payer + "/" + self.invoice.hospital,
        }


def style_for(family: str, rng: random.Random) -> Style:
    """A random style of the family (not `classic`, which the original renderers print)."""
    held = family == HELD_OUT
    faces = held_out_faces() if held else tuned_faces()
    face = rng.choice(faces)
    return Style(
        family=family,
        invoice=rng.choice(HELD_OUT_INVOICE_WORDINGS if held else TUNED_INVOICE_WORDINGS),
        record=rng.choice(HELD_OUT_RECORD_WORDINGS if held else TUNED_RECORD_WORDINGS),
        layout=rng.choice(HELD_OUT_LAYOUTS if held else TUNED_LAYOUTS),
        dates=rng.choice(HELD_OUT_DATES if held else TUNED_DATES),
        amounts=rng.choice(HELD_OUT_AMOUNTS if held else TUNED_AMOUNTS),
        face=face,
        value_face=rng.choice(faces),
        effect=rng.choice(HELD_OUT_EFFECTS if held else TUNED_EFFECTS),
        paper=rng.choice(HELD_OUT_PAPERS if held else TUNED_PAPERS),
        label_ink=rng.choice(HELD_OUT_LABEL_INKS if held else TUNED_LABEL_INKS),
        camera=HELD_OUT_CAMERA if held else TUNED_CAMERA,
        held_out_people=held,
    )

"""Variant families of synthetic documents: how a document is worded, laid out, printed and
photographed, each axis with a pool of variants.

The `tuned` family and the held-out ones draw from disjoint pools on every axis:
- `tuned`: the variants the reader's rules and thresholds may be developed and checked against;
- `held-out`: variants kept out of all tuning. They were fixed here, with the wordings taken from
  real invoices, certificates and cards, before the reader was ever run on them, and no rule,
  label list or threshold of the reader is changed on what they show. Figures on this family are
  what the reader does on documents it has never seen;
- `held-out-2`: a second such family, added later and fixed the same way before the reader was run
  on it, once the first had been looked at: its wordings, faces, paper, card colours, camera and
  faults (a lens out of focus, a backlit room) are its own. Its layouts, date and amount forms are
  drawn from the other two families' pools together, in combinations neither prints. Its
  failures have since been looked at, so its figures are no longer those of unseen documents;
- `held-out-3`: a third, fixed the same way once the second had been looked at: labels spaced out
  (姓  名) and worded as settlement slips, receipts and e-invoice viewers print them, a serif-less
  face in weights no other family prints, a date spaced as typed (2025 年 5 月 17 日), amounts
  after 人民币, paper and card colours of its own, and a shaken hand and a dim room as faults.
  Its failures have since been looked at, so its figures are no longer those of unseen documents;
- `held-out-4`: a fourth, fixed the same way before the reader was ever run on it and never tuned
  on, once the third had been looked at: invoices worded as other provinces' printers print the
  national e-invoice (full-width brackets, 其他支付 and 个人账户支付 lines, 医疗机构类型,
  社会保障卡号), older paper slips (收款日期, 统筹支付, 现金支付) and hospitals' insurance
  settlement sheets (参保人姓名, 医疗费用总额, 基金支付总额, 个人负担总额); certificates and
  discharge papers worded 就诊者, 疾病诊断, 就诊科别, 接诊医生; people, places and institutions of
  its own; a Song (serif) face and a monospaced one; values in two aligned columns or on ruled
  lines; expanded and faded print; dates as 2025.5.17, 2025-5-17 and 2025-05-17 09:41:26; amounts
  as ¥1,234.50, ￥ 1234.50 and RMB 1234.50; beige, lilac, grey-green and ivory paper; and as faults
  a smudged lens, a dusky room, a strip-light's reflection and a photo that misses the top or
  left of the page;
- `held-out-5`: a fifth, fixed the same way before the reader was ever run on it and never tuned
  on, once the fourth had been made: hospitals' self-service kiosk slips (自助缴费凭条: 缴费时间,
  就诊人姓名, 缴费金额, 医保支付金额, 自费金额, no 票据代码 and no amount in words), provincial
  门（急）诊 paper invoices (填开日期, 缴费人, 医疗保险支付, 个人自负) and clinics' receipts
  (收据编号, 收款时间, 大写合计, 医保记账, 自费); out-patient records and case-sheet summaries
  (门诊病历, 住院病案首页（摘要）, 病情证明书, 初步诊断, 主要诊断); people, places and
  institutions of its own; a monospaced bold face as thermal printers print and two Song faces in
  another region's glyph forms; values in boxed cells under their labels or in three columns;
  thermal and bleeding print; dates as 2025年5月17日 星期六, 2025/5/17 and 2025/05/17 14:03;
  amounts as CNY 1234.50, 1234.50 元 and 1,234.50元; cool-white thermal, manila, pale
  yellow-green and salmon paper; debit cards with only 银联 on them; and as faults a double
  exposure, a room lit by a screen, a window mirrored in the page and a phone held too close;
- `held-out-6`: a sixth, fixed the same way before the reader was ever run on it and never tuned
  on, once the fifth had been made: the fiscal e-invoice as a viewer prints it (财政电子票据,
  电子票据代码, 出票日期, 交款人名称, 收款方, 金额总计, 统筹基金支出, 个人现金支出) and hospitals'
  and clinics' receipts (医疗收费收据: 收据号码, 交费日期, 就医人, 收款医院, 合计大写, 实收合计,
  医保统筹结算, 自付现金, no code); certificates of attendance and discharge (就医证明,
  诊断证明单, 出院病情证明书, 出院病历摘要) worded 就医人姓名, 病人名称, 诊断情况, 诊断结论;
  provinces named short, people, places and institutions of its own; Song faces in Korean and
  Hong Kong glyph forms and a monospaced face in Traditional ones; labels in shaded cells, or joined
  to their values by dotted leaders; a double-struck ribbon and a laser printer short of toner;
  dates as 2025年05月17日 14:03, 2025.05.17 14:03:26 and 2025-05-17 14:03; amounts as
  ￥1234.50元 and CNY 1,234.50; buff, blue-grey and mint-white paper; bronze, petrol and yellow
  cards; and as faults a zoom blur, a far lamp's warm gloom, sun through blinds and a frame
  aimed at the lower right that leaves out the bottom and right of the page;
- `held-out-7`: a seventh, fixed the same way before the reader was ever run on it and never tuned
  on, once the sixth had been made: the settlement slip a hospital prints from the national
  insurance platform, worded by its fields (基本医疗保险{kind}结算单: 结算ID, 经办时间, 人员姓名,
  就诊机构, 医疗费总额, 基本医疗保险统筹基金支出, 大病保险资金支出, 医疗救助基金支出,
  个人账户支出, 个人支付总额, no code and no amount in words), a hospital's payment voucher for a
  bill paid by phone or card (缴费凭证: 凭证号, 交易时间, 付款人, 商户名称, 订单金额, 统筹报销,
  医保个账支付, 实付金额) and a city's printed receipt (医疗服务收费票据: 财政票据代码,
  财政票据号码, 缴款日期, 交款单位或个人, 收款机构（盖章）, 人民币大写, 总计, 社保统筹支付,
  个人负担金额); medical certificates, sick-leave certificates, discharge abstracts and discharge
  certificates (医疗证明书, 病休证明书, 出院摘要, 出院证) worded 患者名称, 就诊者姓名, 疾病名称,
  门诊诊断, 收治日期, 办理出院日期, 入院于, 出院于; cities in the titles, and people, places and
  institutions of prefecture-level cities of its own; a monospaced sans face and Noto Sans CJK
  in weights no other family prints; short labels spread to the width of four characters
  (姓　　名), and values set flush right in their column as settlement slips print them; a
  carbon copy's fuzzy, uneven print and a page printed from a low-resolution image; dates as
  2025年5月17日 14时03分, 2025/05/17 14:03:26 and 2025年05月17日 14:03:26; amounts as
  ¥ 1,234.50 and 人民币 1,234.50; apricot, pale aqua and newsprint-grey paper; turquoise, magenta
  and lavender cards; and as faults a phone twisted while the shutter was open, the page in the
  shadow of the person taking it, a plastic sleeve's creased reflections and a landscape frame
  that leaves out the top and the bottom of the page;
- `held-out-8`: an eighth, fixed the same way before the reader was ever run on it and never tuned
  on, once the seventh had been made: a chain pharmacy's till slip for drugs bought as an
  out-patient (销售小票: 销售单号, 销售时间, 会员姓名, 门店名称, 应收金额, 门诊统筹支付,
  个账支付, 现金实付, the drugs listed by name, no code and no amount in words), a private
  hospital's receipt (收费单: 单据号, 交款时间, 客户姓名, 金额大写, 金额小写, 医保支付额,
  客户实付, 收款单位（签章） at the foot) and a county hospital's print of the national
  医疗保障基金结算清单 (清单流水号, 医保结算日期, 参保人, 定点医疗机构名称, 费用合计,
  统筹基金支付额, 补充医疗保险支付, 医疗救助支付, 个人负担合计); county and traditional Chinese
  medicine hospitals' certificates and case summaries (门诊诊断证明书, 住院病历摘要: 病患姓名,
  西医诊断, 发证日期, 入院登记日期, 出院登记日期) and private hospitals' bilingual ones
  (诊断证明书 Medical Certificate, 出院小结 Discharge Summary: 姓名 Name, 诊断 Diagnosis,
  日期 Date); people, places, hospitals, private hospitals and pharmacies of county-level cities
  of its own; a bold Song face in Korean glyph forms, a monospaced face in Japanese ones and
  Noto Sans CJK HK, faces no other family prints; pairs in a ruled form of label and value
  cells, or with labels set flush right against one colon line; an ink-jet printer's clogged
  nozzles and a needle printer's ribbon riding low; dates as 2025.05.17 14:03, 2025年5月17日14:03
  and 2025/5/17 14:03:26; amounts as 1,234.50 元 and 1234.5 (trailing zeros dropped, as tills
  print them); rose, sage-grey and warm-white paper; pink, slate-blue and khaki cards, bank cards
  of a portrait design; and as faults a photo through a frosted plastic pocket, a street lamp's
  orange night light, a ring light mirrored in the page and a frame turned against the page that
  cuts off all four of its corners;
- `held-out-9`: a ninth, fixed the same way before the reader was ever run on it and never tuned
  on, once the eighth had been made: a private clinic's printed receipt on the lines of the
  stationer's 收款收据 (No., 开单时间, 今收到, 人民币（大写）, 人民币（小写）, 医保划卡, 扫码/现金,
  收款单位（盖章） at the foot, no code) and a city hospital's 医疗费用结算单 (结算编号,
  费用结算时间, 参保人员姓名, 就医机构, 医疗总费用, 基本统筹支付, 大病医疗保险支付,
  公务员补助支付, 个人自付总额, no code and no amount in words); general and state-enterprise
  hospitals' certificates and discharge summaries (病情诊断证明书, 出院小结单: 伤病员姓名, 目前诊断,
  书写日期, 实际入院日期, 实际出院日期, 主诊医师) and traditional Chinese medicine hospitals'
  (疾病诊断书, 出院情况摘要: 就医者姓名, 诊断(西医), 出具证明日期, 住院起始日期, 住院截止日期,
  责任医师, 调护建议); people of Lingnan surnames among others, places, hospitals and private
  clinics of prefecture-level cities of its own; a regular Song face in Traditional glyph forms,
  a bold monospaced face in Korean ones and Noto Sans CJK TC medium, faces no other family
  prints; labels in 【】 brackets, or pairs run on along a line parted by upright bars, as
  clinics' systems print them; a laser printer's fuser smudging its toner downwards and thermal
  print faded by the sun; dates as 20250517 14:03:26, 2025-5-17 14:03 and 2025/5/17 下午2:03:26;
  amounts as 1234.5元 (trailing zeros dropped) and RMB1234.50; celadon, pale peach and
  blue-white paper; jade, wine-red and silver cards; and as faults a phone lowered while the
  shutter was open, a phone's night shot grainy with coloured noise, a patch of sunlight across
  the page and a thumb holding the page over what is printed.

`classic` is the original generator (one wording, one layout), a member of the tuned family.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ocr_synth.data import (
    HELD_OUT_4_PEOPLE,
    HELD_OUT_5_PEOPLE,
    HELD_OUT_6_PEOPLE,
    HELD_OUT_7_PEOPLE,
    HELD_OUT_8_PEOPLE,
    HELD_OUT_9_PEOPLE,
    People,
)
from ocr_synth.fonts import Face, cjk_faces, noto_face, system_face, wenquanyi_mono_face

CLASSIC = "classic"
TUNED = "tuned"
HELD_OUT = "held-out"
HELD_OUT_2 = "held-out-2"
HELD_OUT_3 = "held-out-3"
HELD_OUT_4 = "held-out-4"
HELD_OUT_5 = "held-out-5"
HELD_OUT_6 = "held-out-6"
HELD_OUT_7 = "held-out-7"
HELD_OUT_8 = "held-out-8"
HELD_OUT_9 = "held-out-9"
HELD_OUT_FAMILIES = (
    HELD_OUT,
    HELD_OUT_2,
    HELD_OUT_3,
    HELD_OUT_4,
    HELD_OUT_5,
    HELD_OUT_6,
    HELD_OUT_7,
    HELD_OUT_8,
    HELD_OUT_9,
)
FAMILIES = (CLASSIC, TUNED, *HELD_OUT_FAMILIES)


@dataclass(frozen=True, slots=True)
class InvoiceWording:
    """The labels of one medical invoice template. `{region}`, `{kind}` (门诊/住院) and
    `{hospital}` are filled into the title."""

    title: str
    code: str  # "" when the template prints no code: the truth then has no `invoice_code`
    number: str
    issue_date: str
    payer: str
    hospital: str
    total_in_words: str  # "" when the template prints no amount in words
    total: str
    insurance: str
    self_paid: str
    # Other lines such templates print: values a reader must not take for a field.
    extras: tuple[str, ...] = ()
    hospital_at_foot: bool = False  # 收款单位(章) under the table, beside the stamp
    # Other payment lines printed between the fund's share and the patient's (0.00 here).
    payments: tuple[str, ...] = ()
    # The seal pressed in a space of its own under the last line, not over the lines above it.
    stamp_below: bool = False
    # What the title calls an out-patient visit: 门诊, or 门（急）诊 on some provinces' forms.
    outpatient: str = "门诊"
    narrow: bool = False  # a till roll's slip, not a sheet
    note: str = ""  # a line of small print under the slip
    seal: str = "财务专用章"
    # Who issues it: a hospital; a pharmacy, for drugs sold to an out-patient; or a private
    # hospital (the family's own pools of them, where it has them).
    issuer: str = "hospital"


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
    department: str = "科别"
    doctor: str = "医师"
    advice: str = "建议"
    issuer: str = "hospital"  # "private": a private hospital's paper; "tcm": a TCM hospital's


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
# Card faces: gold, black and a light silver with dark print.
HELD_OUT_CARD_COLOURS = ((176, 136, 52), (32, 32, 36), (200, 202, 208))

# --- second held-out family: fixed before the reader was run on it; never tuned on --------------

HELD_OUT_2_INVOICE_WORDINGS = (
    InvoiceWording(
        "{region}医疗收费票据({kind})",
        "票据代码",
        "票据号",
        "缴费日期",
        "就诊人",
        "收费单位",
        "合计(人民币大写)",
        "实收金额",
        "统筹支付金额",
        "个人负担",
        extras=("病历号", "收费员", "医保卡号"),
    ),
    InvoiceWording(
        "{hospital}{kind}收费专用票据",
        "票据代码",
        "票据号码",
        "开具日期",
        "病人姓名",
        "收费单位(章)",
        "大写金额",
        "小写金额",
        "医保报销金额",
        "个人承担金额",
        extras=("{kind}号", "经办人"),
        hospital_at_foot=True,
    ),
)
HELD_OUT_2_RECORD_WORDINGS = (
    RecordWording("医疗诊断证明", "出院记录", "患者", "诊断名称", "证明日期", "入院日", "出院日"),
    RecordWording(
        "诊断证明", "出院小结", "就诊人", "临床诊断", "日期", "住院日期", "出院日期", colon=False
    ),
)
HELD_OUT_2_LAYOUTS = ("inline", "grid", "stacked", "offset")
HELD_OUT_2_DATES = ("iso", "cn", "slash", "compact")
HELD_OUT_2_AMOUNTS = ("yen", "thousands", "yuan")
HELD_OUT_2_EFFECTS = ("none", "condensed")
# Recycled grey, peach and lavender stock.
HELD_OUT_2_PAPERS = ((234, 234, 226), (252, 238, 224), (238, 232, 248))
HELD_OUT_2_LABEL_INKS = ((0, 100, 60), (110, 40, 120))
# Dark blue, red, and a cream card with dark print.
HELD_OUT_2_CARD_COLOURS = ((22, 44, 112), (168, 30, 40), (232, 226, 208))

# --- third held-out family: fixed before the reader was run on it; never tuned on ---------------

HELD_OUT_3_INVOICE_WORDINGS = (
    # A medical insurance settlement slip (医保结算单) as a hospital's cashier prints it.
    InvoiceWording(
        "{hospital}{kind}费用结算单",
        "票据代码",
        "电子票据号码",
        "结算时间",
        "姓  名",
        "定点医疗机构",
        "费用总额(大写)",
        "费用总额",
        "基本医疗保险统筹基金支付",
        "现金支付金额",
        extras=("医保类别", "结算方式", "{kind}号"),
    ),
    # A hospital's own receipt (收据) for a visit.
    InvoiceWording(
        "{hospital}{kind}收据",
        "发票代码",
        "收据号",
        "收费时间",
        "病员姓名",
        "开具医院",
        "金额(大写)",
        "金额(小写)",
        "医保统筹",
        "个人付款",
        extras=("科室", "收费员"),
    ),
    # An e-invoice as a provincial viewer prints it.
    InvoiceWording(
        "{region}{kind}医疗收费票据(电子)",
        "票据代码",
        "票据号码",
        "开票时间",
        "交费人",
        "收款单位名称",
        "合计金额大写",
        "合计金额小写",
        "医保统筹金额",
        "个人缴费金额",
        extras=("医保类型", "校验码"),
        hospital_at_foot=True,
    ),
)
HELD_OUT_3_RECORD_WORDINGS = (
    RecordWording(
        "诊 断 证 明 书",
        "出院小结",
        "姓  名",
        "诊断及建议",
        "开具时间",
        "入院时间",
        "出院时间",
    ),
    RecordWording(
        "疾病证明书",
        "出院记录",
        "病员姓名",
        "出院诊断",
        "日  期",
        "入院日期",
        "出院日期",
        colon=False,
    ),
)
HELD_OUT_3_LAYOUTS = ("inline", "offset", "grid")
HELD_OUT_3_DATES = ("cn_spaced", "cn_padded", "iso")
HELD_OUT_3_AMOUNTS = ("rmb", "yen", "thousands")
HELD_OUT_3_EFFECTS = ("none", "dot_matrix")
# Cream, pale blue and mint stock.
HELD_OUT_3_PAPERS = ((252, 248, 232), (236, 244, 252), (232, 248, 240))
HELD_OUT_3_LABEL_INKS = ((190, 40, 40), (30, 30, 90))
# Teal, purple and a white card with dark print.
HELD_OUT_3_CARD_COLOURS = ((20, 110, 90), (90, 40, 120), (246, 246, 242))

# --- fourth held-out family: fixed before the reader was run on it; never tuned on --------------

HELD_OUT_4_INVOICE_WORDINGS = (
    # The national e-invoice as another province's platform prints it: full-width brackets, every
    # payment line of the template, the insured's details.
    InvoiceWording(
        "{region}医疗收费电子票据（{kind}）",
        "票据代码",
        "票据号码",
        "开票日期",
        "交款人",
        "收款单位（章）",
        "金额合计（大写）",
        "（小写）",
        "医保统筹基金支付",
        "个人现金支付",
        extras=(
            "交款人统一社会信用代码",
            "业务流水号",
            "{kind}号",
            "就诊日期",
            "医疗机构类型",
            "医保类型",
            "社会保障卡号",
        ),
        hospital_at_foot=True,
        payments=("其他支付", "个人账户支付"),
        stamp_below=True,
    ),
    # An older paper slip from a cash desk.
    InvoiceWording(
        "{region}{kind}收费票据",
        "发票代码",
        "票号",
        "收款日期",
        "姓名",
        "医疗单位",
        "合计人民币(大写)",
        "合计金额",
        "统筹支付",
        "现金支付",
        extras=("{kind}号", "收款员"),
        stamp_below=True,
    ),
    # A hospital's settlement sheet for an insured patient.
    InvoiceWording(
        "{hospital}{kind}医保结算单",
        "票据代码",
        "结算单号",
        "结账日期",
        "参保人姓名",
        "定点医药机构名称",
        "医疗费用总额(大写)",
        "医疗费用总额",
        "基金支付总额",
        "个人负担总额",
        extras=("人员类别", "医保类型", "结算流水号", "经办人员"),
        payments=("个人账户支付",),
        stamp_below=True,
    ),
)
HELD_OUT_4_RECORD_WORDINGS = (
    RecordWording(
        "医学诊断证明书",
        "出院证明书",
        "就诊者",
        "疾病诊断",
        "出证日期",
        "入院日期",
        "出院日期",
        department="就诊科别",
        doctor="接诊医生",
        advice="处理意见",
    ),
    RecordWording(
        "诊断书",
        "出院小结",
        "病人",
        "诊断意见",
        "出具时间",
        "入院时间",
        "出院时间",
        colon=False,
        department="科室",
        doctor="主治医师",
        advice="医嘱",
    ),
)
# Values in two columns aligned at a tab; values printed on ruled lines, as on pre-printed forms.
HELD_OUT_4_LAYOUTS = ("columns", "ruled")
HELD_OUT_4_DATES = ("dot_bare", "dash_bare", "iso_time")
HELD_OUT_4_AMOUNTS = ("yen_grouped", "yen_space", "rmb_latin")
# A needle printer's expanded mode and a worn ribbon.
HELD_OUT_4_EFFECTS = ("none", "wide", "faded")
# Beige, lilac-white, grey-green recycled and ivory stock.
HELD_OUT_4_PAPERS = ((242, 236, 222), (248, 244, 250), (238, 242, 236), (255, 252, 244))
HELD_OUT_4_LABEL_INKS = ((120, 72, 30), (0, 96, 110), (160, 24, 80))
# Orange, dark green and rose cards.
HELD_OUT_4_CARD_COLOURS = ((228, 118, 32), (18, 72, 44), (212, 152, 160))

# --- fifth held-out family: fixed before the reader was run on it; never tuned on ---------------

HELD_OUT_5_INVOICE_WORDINGS = (
    # A hospital's self-service kiosk slip, from its till roll: no 票据代码, no amount in words.
    InvoiceWording(
        "{hospital}{kind}自助缴费凭条",
        "",
        "电子票据号",
        "缴费时间",
        "就诊人姓名",
        "机构名称",
        "",
        "缴费金额",
        "医保支付金额",
        "自费金额",
        extras=("就诊卡号", "终端编号", "交易流水号", "支付方式"),
        stamp_below=True,
        narrow=True,
        note="温馨提示：请妥善保管本凭条，电子票据可扫码查询",
        seal="自助缴费专用章",
    ),
    # A province's paper invoice for an out-patient (门（急）诊) or in-patient visit.
    InvoiceWording(
        "{region}医疗{kind}收费票据",
        "票据代码",
        "票据编号",
        "填开日期",
        "缴费人",
        "收费机构",
        "人民币合计（大写）",
        "人民币合计（小写）",
        "医疗保险支付",
        "个人自负",
        extras=("就诊卡号", "就诊科室", "收费员"),
        outpatient="门（急）诊",
    ),
    # A clinic's or small hospital's own receipt.
    InvoiceWording(
        "{hospital}医疗费收据（{kind}）",
        "",
        "收据编号",
        "收款时间",
        "患者",
        "收费单位名称",
        "大写合计",
        "小写合计",
        "医保记账",
        "自费",
        extras=("就诊科室", "开票人"),
        hospital_at_foot=True,
        seal="收费专用章",
    ),
)
HELD_OUT_5_RECORD_WORDINGS = (
    RecordWording(
        "门诊病历",
        "住院病案首页（摘要）",
        "就诊人姓名",
        "初步诊断",
        "就诊时间",
        "入院",
        "出院",
        department="就诊科室",
        doctor="接诊医师",
        advice="处理",
    ),
    RecordWording(
        "病情证明书",
        "住院证明",
        "病员",
        "主要诊断",
        "填写日期",
        "住院开始日期",
        "住院结束日期",
        colon=False,
        department="所在科室",
        doctor="经治医师",
        advice="注意事项",
    ),
)
# Each value in a boxed cell under its label, as on printed forms; pairs in three columns.
HELD_OUT_5_LAYOUTS = ("boxed", "triple")
HELD_OUT_5_DATES = ("cn_weekday", "slash_bare", "slash_minute")
HELD_OUT_5_AMOUNTS = ("cny", "yuan_spaced", "yuan_grouped")
# A thermal printer's grey print with dead dots in its head; ink bleeding into soft paper.
HELD_OUT_5_EFFECTS = ("none", "thermal", "bleed")
# Cool-white thermal roll, manila, pale yellow-green and salmon stock.
HELD_OUT_5_PAPERS = ((246, 247, 251), (238, 230, 204), (240, 246, 216), (250, 226, 214))
HELD_OUT_5_LABEL_INKS = ((48, 72, 84), (88, 88, 24), (72, 44, 140))
# Sky blue, burgundy, graphite and a pale green card with dark print.
HELD_OUT_5_CARD_COLOURS = ((64, 140, 200), (110, 22, 48), (72, 76, 84), (196, 226, 200))

# --- sixth held-out family: fixed before the reader was run on it; never tuned on ---------------

HELD_OUT_6_INVOICE_WORDINGS = (
    # The fiscal e-invoice for a visit as a provincial viewer prints it out.
    InvoiceWording(
        "{region}财政电子票据（医疗{kind}）",
        "电子票据代码",
        "电子票据编号",
        "出票日期",
        "交款人名称",
        "收款方",
        "金额总计（大写）",
        "金额总计（小写）",
        "统筹基金支出",
        "个人现金支出",
        extras=("票据校验码", "就诊流水号", "医保结算号"),
        hospital_at_foot=True,
        stamp_below=True,
    ),
    # A hospital's or clinic's receipt for a visit: a receipt number, no code.
    InvoiceWording(
        "{hospital}{kind}医疗收费收据",
        "",
        "收据号码",
        "交费日期",
        "就医人",
        "收款医院",
        "合计大写",
        "实收合计",
        "医保统筹结算",
        "自付现金",
        extras=("就诊科室", "收款人"),
        stamp_below=True,
        seal="收费专用章",
    ),
)
HELD_OUT_6_RECORD_WORDINGS = (
    RecordWording(
        "就医证明",
        "出院病情证明书",
        "就医人姓名",
        "诊断情况",
        "证明开具日期",
        "收住院日期",
        "离院日期",
        department="就医科室",
        doctor="诊治医师",
        advice="医生意见",
    ),
    RecordWording(
        "诊断证明单",
        "出院病历摘要",
        "病人名称",
        "诊断结论",
        "开单日期",
        "入住日期",
        "离院时间",
        colon=False,
        department="就医科别",
        doctor="签字医师",
        advice="医嘱建议",
    ),
)
# Each label in a shaded cell with its value beside it; a label joined to its value by dots.
HELD_OUT_6_LAYOUTS = ("shaded", "leader")
HELD_OUT_6_DATES = ("cn_padded_minute", "dot_seconds", "dash_minute")
HELD_OUT_6_AMOUNTS = ("yen_yuan", "cny_grouped")
# A ribbon printer striking each line twice a little apart; a laser printer short of toner.
HELD_OUT_6_EFFECTS = ("none", "double_strike", "toner")
# Buff, blue-grey and mint-white stock.
HELD_OUT_6_PAPERS = ((248, 240, 228), (234, 238, 244), (242, 250, 246))
HELD_OUT_6_LABEL_INKS = ((140, 60, 20), (40, 40, 120), (100, 30, 100))
# Bronze, petrol and a yellow card with dark print.
HELD_OUT_6_CARD_COLOURS = ((112, 72, 36), (0, 88, 120), (236, 200, 64))

# --- seventh held-out family: fixed before the reader was run on it; never tuned on -------------

HELD_OUT_7_INVOICE_WORDINGS = (
    # The settlement slip a hospital's cashier prints from the national insurance platform,
    # worded by the platform's fields: a settlement ID, no code, no amount in words, every fund's
    # line (0.00 where it paid nothing).
    InvoiceWording(
        "{region}基本医疗保险{kind}结算单",
        "",
        "结算ID",
        "经办时间",
        "人员姓名",
        "就诊机构",
        "",
        "医疗费总额",
        "基本医疗保险统筹基金支出",
        "个人支付总额",
        extras=("人员编号", "险种类型", "医疗类别", "操作员"),
        payments=("大病保险资金支出", "医疗救助基金支出", "个人账户支出"),
        stamp_below=True,
        seal="医保专用章",
    ),
    # A hospital's voucher for a bill paid by phone or bank card at the window or in its app.
    InvoiceWording(
        "{hospital}{kind}缴费凭证",
        "",
        "凭证号",
        "交易时间",
        "付款人",
        "商户名称",
        "",
        "订单金额",
        "统筹报销",
        "实付金额",
        extras=("诊疗卡号", "支付方式", "商户订单号"),
        payments=("医保个账支付",),
        stamp_below=True,
        seal="结算专用章",
    ),
    # A receipt on the city's fiscal paper form, stamped by the hospital at the foot.
    InvoiceWording(
        "{region}医疗服务{kind}收费票据",
        "财政票据代码",
        "财政票据号码",
        "缴款日期",
        "交款单位或个人",
        "收款机构（盖章）",
        "人民币大写",
        "总计",
        "社保统筹支付",
        "个人负担金额",
        extras=("社保卡号", "参保类型", "开票员"),
        payments=("大额医疗补助",),
        hospital_at_foot=True,
        stamp_below=True,
    ),
)
HELD_OUT_7_RECORD_WORDINGS = (
    RecordWording(
        "医疗证明书",
        "出院摘要",
        "患者名称",
        "疾病名称",
        "签署日期",
        "收治日期",
        "办理出院日期",
        department="临床科室",
        doctor="医师签名",
        advice="治疗意见",
    ),
    # A sick-leave certificate and the discharge certificate handed to the patient; their days
    # written as a sentence would (入院于 …).
    RecordWording(
        "病休证明书",
        "出院证",
        "就诊者姓名",
        "门诊诊断",
        "填发日期",
        "入院于",
        "出院于",
        colon=False,
        department="科室名称",
        doctor="主管医师",
        advice="诊疗建议",
    ),
)
# Short labels spread to the width of four characters (姓　　名); values flush right in columns.
HELD_OUT_7_LAYOUTS = ("spread", "flush")
HELD_OUT_7_DATES = ("cn_hour_minute", "slash_seconds", "cn_padded_seconds")
HELD_OUT_7_AMOUNTS = ("yen_space_grouped", "rmb_grouped")
# The carbon copy of a multi-part form; a page printed from a low-resolution image of it.
HELD_OUT_7_EFFECTS = ("none", "carbon", "pixelated")
# Apricot carbonless copy, pale aqua and newsprint-grey stock.
HELD_OUT_7_PAPERS = ((252, 234, 204), (224, 242, 240), (226, 222, 212))
HELD_OUT_7_LABEL_INKS = ((168, 64, 44), (30, 90, 50), (60, 40, 110))
# Turquoise, magenta and a lavender card with dark print.
HELD_OUT_7_CARD_COLOURS = ((0, 140, 140), (168, 28, 104), (214, 206, 236))

# --- eighth held-out family: fixed before the reader was run on it; never tuned on --------------

HELD_OUT_8_INVOICE_WORDINGS = (
    # A chain pharmacy's till slip for drugs an out-patient bought with the insurance card (the
    # out-patient pooling fund pays at designated pharmacies): no code, no amount in words.
    InvoiceWording(
        "{hospital}销售小票",
        "",
        "销售单号",
        "销售时间",
        "会员姓名",
        "门店名称",
        "",
        "应收金额",
        "门诊统筹支付",
        "现金实付",
        extras=("会员卡号", "收银员", "执业药师"),
        payments=("个账支付",),
        stamp_below=True,
        narrow=True,
        note="药品属特殊商品，非质量问题不予退换",
        seal="发票专用章",
        issuer="pharmacy",
    ),
    # A private hospital's receipt, the hospital signing and stamping it at the foot.
    InvoiceWording(
        "{hospital}{kind}收费单",
        "",
        "单据号",
        "交款时间",
        "客户姓名",
        "收款单位（签章）",
        "金额大写",
        "金额小写",
        "医保支付额",
        "客户实付",
        extras=("档案号", "主诊医生"),
        hospital_at_foot=True,
        seal="收款专用章",
        issuer="private",
    ),
    # The national 医疗保障基金结算清单 as a county hospital prints it for a settled bill: every
    # fund's line, the patient's share as one sum.
    InvoiceWording(
        "{hospital}医疗保障基金结算清单（{kind}）",
        "",
        "清单流水号",
        "医保结算日期",
        "参保人",
        "定点医疗机构名称",
        "",
        "费用合计",
        "统筹基金支付额",
        "个人负担合计",
        extras=("医保编号", "病案号", "参保地", "医保支付方式"),
        payments=("补充医疗保险支付", "医疗救助支付"),
        stamp_below=True,
        seal="医疗保险专用章",
    ),
)
HELD_OUT_8_RECORD_WORDINGS = (
    # A county or traditional Chinese medicine hospital's: the Western diagnosis named as such.
    RecordWording(
        "门诊诊断证明书",
        "住院病历摘要",
        "病患姓名",
        "西医诊断",
        "发证日期",
        "入院登记日期",
        "出院登记日期",
        department="科室/病区",
        doctor="医生签字",
        advice="医生建议",
    ),
    # A private hospital's, in Chinese and English.
    RecordWording(
        "诊断证明书 Medical Certificate",
        "出院小结 Discharge Summary",
        "姓名 Name",
        "诊断 Diagnosis",
        "日期 Date",
        "入院日期 Date of Admission",
        "出院日期 Date of Discharge",
        department="科室 Department",
        doctor="医师 Physician",
        advice="医嘱 Advice",
        issuer="private",
    ),
)
# Pairs in a ruled form of label and value cells, two pairs a row; labels set flush right against
# their colons, values starting at one line.
HELD_OUT_8_LAYOUTS = ("form", "right_labels")
HELD_OUT_8_DATES = ("dot_minute", "cn_tight_minute", "slash_bare_seconds")
HELD_OUT_8_AMOUNTS = ("grouped_yuan_spaced", "trimmed")
# An ink-jet printer with clogged nozzles; a ribbon riding low, the tops of the lines faint.
HELD_OUT_8_EFFECTS = ("none", "clogged", "ribbon_low")
# Pale rose, sage-grey recycled and warm-white stock.
HELD_OUT_8_PAPERS = ((248, 236, 240), (232, 236, 226), (250, 246, 238))
HELD_OUT_8_LABEL_INKS = ((0, 110, 150), (96, 64, 32), (50, 54, 60))
# Pink, slate blue and a khaki card with dark print.
HELD_OUT_8_CARD_COLOURS = ((226, 92, 124), (44, 62, 92), (196, 190, 160))

# --- ninth held-out family: fixed before the reader was run on it; never tuned on ---------------

HELD_OUT_9_INVOICE_WORDINGS = (
    # A private clinic's receipt printed by its billing system on the lines of the stationer's
    # 收款收据 (今收到…, the sum in words and in figures), the clinic stamping it at the foot.
    InvoiceWording(
        "{hospital}收款收据",
        "",
        "No.",
        "开单时间",
        "今收到",
        "收款单位（盖章）",
        "人民币（大写）",
        "人民币（小写）",
        "医保划卡",
        "扫码/现金",
        extras=("档案编号", "经手人"),
        hospital_at_foot=True,
        issuer="private",
    ),
    # A city hospital's 医疗费用结算单 for a settled bill: the pooled fund's share, the serious
    # illness insurance's and the civil servants' subsidy's lines, the patient's share as one sum.
    InvoiceWording(
        "{hospital}{kind}医疗费用结算单",
        "",
        "结算编号",
        "费用结算时间",
        "参保人员姓名",
        "就医机构",
        "",
        "医疗总费用",
        "基本统筹支付",
        "个人自付总额",
        extras=("机构编号", "人员类别", "医疗类别", "审核人"),
        payments=("大病医疗保险支付", "公务员补助支付"),
        stamp_below=True,
        seal="医保结算专用章",
    ),
)
HELD_OUT_9_RECORD_WORDINGS = (
    # A general or state-enterprise hospital's, naming the patient as such hospitals' forms for
    # the injured and the sick do (伤病员).
    RecordWording(
        "病情诊断证明书",
        "出院小结单",
        "伤病员姓名",
        "目前诊断",
        "书写日期",
        "实际入院日期",
        "实际出院日期",
        department="诊疗科室",
        doctor="主诊医师",
        advice="医嘱及建议",
    ),
    # A traditional Chinese medicine hospital's: the Western diagnosis named as such, the advice
    # on care (调护).
    RecordWording(
        "疾病诊断书",
        "出院情况摘要",
        "就医者姓名",
        "诊断(西医)",
        "出具证明日期",
        "住院起始日期",
        "住院截止日期",
        department="就诊专科",
        doctor="责任医师",
        advice="调护建议",
        issuer="tcm",
    ),
)
# Labels in 【】 brackets, the value after them; pairs run on along a line, parted by upright bars.
HELD_OUT_9_LAYOUTS = ("bracketed", "barred")
HELD_OUT_9_DATES = ("compact_seconds", "dash_bare_minute", "slash_bare_ampm")
HELD_OUT_9_AMOUNTS = ("trimmed_yuan", "rmb_tight")
# A laser printer's fuser smudging the toner downwards; thermal print faded by the sun.
HELD_OUT_9_EFFECTS = ("none", "smudged", "sun_faded")
# Celadon, pale peach and blue-white stock.
HELD_OUT_9_PAPERS = ((226, 238, 228), (252, 234, 220), (240, 244, 252))
HELD_OUT_9_LABEL_INKS = ((120, 40, 60), (20, 100, 120), (90, 90, 40))
# Jade, wine-red and a silver card with dark print.
HELD_OUT_9_CARD_COLOURS = ((0, 120, 90), (120, 20, 40), (200, 202, 206))


def tuned_faces() -> list[Face]:
    """Noto Sans SC in three weights and WenQuanYi Micro Hei: the original generator's faces."""
    return list(cjk_faces())


def held_out_2_faces() -> list[Face]:
    """Noto Sans CJK KR, JP and TC in weights neither other family prints them in."""
    return [
        noto_face(region, weight)
        for region, weight in (("KR", "Medium"), ("JP", "Bold"), ("TC", "Regular"))
    ]


def held_out_3_faces() -> list[Face]:
    """Noto Sans CJK SC, KR and HK in weights no other family prints them in."""
    return [
        noto_face(region, weight)
        for region, weight in (("SC", "DemiLight"), ("SC", "Black"), ("KR", "Light"))
    ]


def held_out_faces() -> list[Face]:
    """Noto Sans CJK with another region's glyph forms (TC, HK, JP) in weights the tuned family
    never prints."""
    return [
        noto_face(region, weight)
        for region, weight in (("TC", "DemiLight"), ("HK", "Black"), ("JP", "Light"))
    ]


def held_out_4_faces() -> list[Face]:
    """Noto Serif CJK SC (a Song face, as most Chinese forms are printed in) in two weights and
    Noto Sans Mono CJK SC (as cash-desk printers print figures), from the system's fonts; Noto
    Sans CJK HK in a weight no other family prints where those are missing."""
    wanted = (
        ("Noto Serif CJK SC", "Regular"),
        ("Noto Serif CJK SC", "Bold"),
        ("Noto Sans Mono CJK SC", "Regular"),
    )
    return [system_face(name, weight) or noto_face("HK", "Medium") for name, weight in wanted]


def held_out_5_faces() -> list[Face]:
    """Noto Sans Mono CJK SC in bold (as kiosks' thermal printers print) and Noto Serif CJK TC
    (bold) and HK (regular), Song faces in other regions' glyph forms, from the system's fonts;
    Noto Sans CJK KR in a weight no other family prints where those are missing."""
    wanted = (
        ("Noto Sans Mono CJK SC", "Bold"),
        ("Noto Serif CJK TC", "Bold"),
        ("Noto Serif CJK HK", "Regular"),
    )
    return [system_face(name, weight) or noto_face("KR", "Bold") for name, weight in wanted]


def held_out_6_faces() -> list[Face]:
    """Noto Serif CJK KR (regular) and HK (bold), Song faces in Korean and Hong Kong glyph forms,
    and Noto Sans Mono CJK TC (regular), from the system's fonts; Noto Sans CJK TC in a weight no
    other family prints where those are missing. (The first face of each system collection, JP,
    is among the tuned family's.)"""
    wanted = (
        ("Noto Serif CJK KR", "Regular"),
        ("Noto Serif CJK HK", "Bold"),
        ("Noto Sans Mono CJK TC", "Regular"),
    )
    return [system_face(name, weight) or noto_face("TC", "Black") for name, weight in wanted]


def held_out_7_faces() -> list[Face]:
    """WenQuanYi Micro Hei Mono (as settlement slips' and vouchers' printers set figures) and Noto
    Sans CJK SC light and JP medium, weights no other family prints them in; all packaged, so the
    family prints the same wherever it is made."""
    return [wenquanyi_mono_face(), noto_face("SC", "Light"), noto_face("JP", "Medium")]


def held_out_8_faces() -> list[Face]:
    """Noto Serif CJK KR in bold (a Song face in Korean glyph forms) and Noto Sans Mono CJK JP
    (as tills print), from the system's fonts, and the packaged Noto Sans CJK HK in its regular
    weight; where a system face is missing, packaged faces in weights no other family prints."""
    serif = system_face("Noto Serif CJK KR", "Bold") or noto_face("JP", "Regular")
    mono = system_face("Noto Sans Mono CJK JP", "Regular") or noto_face("KR", "DemiLight")
    return [serif, mono, noto_face("HK", "Regular")]


def held_out_9_faces() -> list[Face]:
    """Noto Serif CJK TC in its regular weight (a Song face in Traditional glyph forms) and Noto
    Sans Mono CJK KR in bold, from the system's fonts, and the packaged Noto Sans CJK TC in its
    medium weight; where a system face is missing, packaged faces in weights no other family
    prints."""
    serif = system_face("Noto Serif CJK TC", "Regular") or noto_face("HK", "Light")
    mono = system_face("Noto Sans Mono CJK KR", "Bold") or noto_face("KR", "Black")
    return [serif, mono, noto_face("TC", "Medium")]


@dataclass(frozen=True, slots=True)
class Camera:
    max_tilt: float
    noise: tuple[float, float]
    jpeg_quality: tuple[int, int]
    keystone: float  # largest corner shift for perspective, as a share of the side
    scale: tuple[float, float]  # the photo's size against the render
    defocus: float  # a slight softness (sigma in px) a sharp phone photo still has


TUNED_CAMERA = Camera(3.5, (1.0, 3.0), (70, 92), 0.0, (1.0, 1.0), 0.0)
# A cheaper phone: a little soft, noisier, compressed harder; a photo a person still reads.
TUNED_SOFT_CAMERA = Camera(3.5, (1.5, 3.5), (55, 80), 0.0, (0.9, 1.2), 0.8)
HELD_OUT_CAMERA = Camera(6.5, (2.0, 5.0), (45, 70), 0.03, (0.85, 1.6), 0.7)
HELD_OUT_2_CAMERA = Camera(5.0, (1.5, 4.0), (50, 82), 0.05, (0.8, 1.3), 0.5)
HELD_OUT_3_CAMERA = Camera(4.5, (1.0, 3.5), (58, 88), 0.04, (0.9, 1.45), 0.6)
HELD_OUT_4_CAMERA = Camera(5.5, (1.2, 3.8), (52, 86), 0.045, (0.82, 1.5), 0.55)
HELD_OUT_5_CAMERA = Camera(4.0, (1.3, 3.2), (60, 90), 0.035, (0.88, 1.4), 0.45)
HELD_OUT_6_CAMERA = Camera(5.0, (1.1, 3.4), (56, 88), 0.04, (0.86, 1.45), 0.5)
HELD_OUT_7_CAMERA = Camera(4.2, (1.4, 3.6), (54, 84), 0.055, (0.84, 1.35), 0.6)
HELD_OUT_8_CAMERA = Camera(4.6, (1.2, 3.3), (57, 87), 0.05, (0.87, 1.38), 0.55)
HELD_OUT_9_CAMERA = Camera(3.8, (1.5, 3.5), (55, 89), 0.042, (0.85, 1.42), 0.5)


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
    card_colours: tuple[tuple[int, int, int], ...] = ()  # bank cards; () = the bank's own
    people: People | None = None  # the family's own people and places; None = the shared pools
    debit_cards: bool = False  # bank cards as debit cards: 银联 alone, 借记卡, embossed digits
    portrait_cards: bool = False  # bank cards of a portrait (vertical) design

    def describe(self) -> dict[str, str]:
        return {
            "family": self.family,
            "layout": self.layout,
            "dates": self.dates,
            "amounts": self.amounts,
            "effect": self.effect,
            "wording": self.invoice.payer + "/" + self.invoice.hospital,
        }


@dataclass(frozen=True, slots=True)
class Pools:
    """What a family draws each axis of a style from."""

    invoices: tuple[InvoiceWording, ...]
    records: tuple[RecordWording, ...]
    layouts: tuple[str, ...]
    dates: tuple[str, ...]
    amounts: tuple[str, ...]
    effects: tuple[str, ...]
    papers: tuple[tuple[int, int, int], ...]
    label_inks: tuple[tuple[int, int, int], ...]
    cameras: tuple[Camera, ...]
    held_out_people: bool
    card_colours: tuple[tuple[int, int, int], ...] = ()
    people: People | None = None
    debit_cards: bool = False
    portrait_cards: bool = False


POOLS = {
    TUNED: Pools(
        TUNED_INVOICE_WORDINGS,
        TUNED_RECORD_WORDINGS,
        TUNED_LAYOUTS,
        TUNED_DATES,
        TUNED_AMOUNTS,
        TUNED_EFFECTS,
        TUNED_PAPERS,
        TUNED_LABEL_INKS,
        (TUNED_CAMERA, TUNED_SOFT_CAMERA),
        held_out_people=False,
    ),
    HELD_OUT: Pools(
        HELD_OUT_INVOICE_WORDINGS,
        HELD_OUT_RECORD_WORDINGS,
        HELD_OUT_LAYOUTS,
        HELD_OUT_DATES,
        HELD_OUT_AMOUNTS,
        HELD_OUT_EFFECTS,
        HELD_OUT_PAPERS,
        HELD_OUT_LABEL_INKS,
        (HELD_OUT_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_CARD_COLOURS,
    ),
    HELD_OUT_2: Pools(
        HELD_OUT_2_INVOICE_WORDINGS,
        HELD_OUT_2_RECORD_WORDINGS,
        HELD_OUT_2_LAYOUTS,
        HELD_OUT_2_DATES,
        HELD_OUT_2_AMOUNTS,
        HELD_OUT_2_EFFECTS,
        HELD_OUT_2_PAPERS,
        HELD_OUT_2_LABEL_INKS,
        (HELD_OUT_2_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_2_CARD_COLOURS,
    ),
    HELD_OUT_3: Pools(
        HELD_OUT_3_INVOICE_WORDINGS,
        HELD_OUT_3_RECORD_WORDINGS,
        HELD_OUT_3_LAYOUTS,
        HELD_OUT_3_DATES,
        HELD_OUT_3_AMOUNTS,
        HELD_OUT_3_EFFECTS,
        HELD_OUT_3_PAPERS,
        HELD_OUT_3_LABEL_INKS,
        (HELD_OUT_3_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_3_CARD_COLOURS,
    ),
    HELD_OUT_4: Pools(
        HELD_OUT_4_INVOICE_WORDINGS,
        HELD_OUT_4_RECORD_WORDINGS,
        HELD_OUT_4_LAYOUTS,
        HELD_OUT_4_DATES,
        HELD_OUT_4_AMOUNTS,
        HELD_OUT_4_EFFECTS,
        HELD_OUT_4_PAPERS,
        HELD_OUT_4_LABEL_INKS,
        (HELD_OUT_4_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_4_CARD_COLOURS,
        people=HELD_OUT_4_PEOPLE,
    ),
    HELD_OUT_5: Pools(
        HELD_OUT_5_INVOICE_WORDINGS,
        HELD_OUT_5_RECORD_WORDINGS,
        HELD_OUT_5_LAYOUTS,
        HELD_OUT_5_DATES,
        HELD_OUT_5_AMOUNTS,
        HELD_OUT_5_EFFECTS,
        HELD_OUT_5_PAPERS,
        HELD_OUT_5_LABEL_INKS,
        (HELD_OUT_5_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_5_CARD_COLOURS,
        people=HELD_OUT_5_PEOPLE,
        debit_cards=True,
    ),
    HELD_OUT_6: Pools(
        HELD_OUT_6_INVOICE_WORDINGS,
        HELD_OUT_6_RECORD_WORDINGS,
        HELD_OUT_6_LAYOUTS,
        HELD_OUT_6_DATES,
        HELD_OUT_6_AMOUNTS,
        HELD_OUT_6_EFFECTS,
        HELD_OUT_6_PAPERS,
        HELD_OUT_6_LABEL_INKS,
        (HELD_OUT_6_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_6_CARD_COLOURS,
        people=HELD_OUT_6_PEOPLE,
    ),
    HELD_OUT_7: Pools(
        HELD_OUT_7_INVOICE_WORDINGS,
        HELD_OUT_7_RECORD_WORDINGS,
        HELD_OUT_7_LAYOUTS,
        HELD_OUT_7_DATES,
        HELD_OUT_7_AMOUNTS,
        HELD_OUT_7_EFFECTS,
        HELD_OUT_7_PAPERS,
        HELD_OUT_7_LABEL_INKS,
        (HELD_OUT_7_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_7_CARD_COLOURS,
        people=HELD_OUT_7_PEOPLE,
    ),
    HELD_OUT_8: Pools(
        HELD_OUT_8_INVOICE_WORDINGS,
        HELD_OUT_8_RECORD_WORDINGS,
        HELD_OUT_8_LAYOUTS,
        HELD_OUT_8_DATES,
        HELD_OUT_8_AMOUNTS,
        HELD_OUT_8_EFFECTS,
        HELD_OUT_8_PAPERS,
        HELD_OUT_8_LABEL_INKS,
        (HELD_OUT_8_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_8_CARD_COLOURS,
        people=HELD_OUT_8_PEOPLE,
        portrait_cards=True,
    ),
    HELD_OUT_9: Pools(
        HELD_OUT_9_INVOICE_WORDINGS,
        HELD_OUT_9_RECORD_WORDINGS,
        HELD_OUT_9_LAYOUTS,
        HELD_OUT_9_DATES,
        HELD_OUT_9_AMOUNTS,
        HELD_OUT_9_EFFECTS,
        HELD_OUT_9_PAPERS,
        HELD_OUT_9_LABEL_INKS,
        (HELD_OUT_9_CAMERA,),
        held_out_people=True,
        card_colours=HELD_OUT_9_CARD_COLOURS,
        people=HELD_OUT_9_PEOPLE,
    ),
}
FACES = {
    TUNED: tuned_faces,
    HELD_OUT: held_out_faces,
    HELD_OUT_2: held_out_2_faces,
    HELD_OUT_3: held_out_3_faces,
    HELD_OUT_4: held_out_4_faces,
    HELD_OUT_5: held_out_5_faces,
    HELD_OUT_6: held_out_6_faces,
    HELD_OUT_7: held_out_7_faces,
    HELD_OUT_8: held_out_8_faces,
    HELD_OUT_9: held_out_9_faces,
}


def style_for(family: str, rng: random.Random) -> Style:
    """A random style of the family (not `classic`, which the original renderers print)."""
    pools = POOLS[family]
    faces = FACES[family]()
    face = rng.choice(faces)
    return Style(
        family=family,
        invoice=rng.choice(pools.invoices),
        record=rng.choice(pools.records),
        layout=rng.choice(pools.layouts),
        dates=rng.choice(pools.dates),
        amounts=rng.choice(pools.amounts),
        face=face,
        value_face=rng.choice(faces),
        effect=rng.choice(pools.effects),
        paper=rng.choice(pools.papers),
        label_ink=rng.choice(pools.label_inks),
        # (one camera draws nothing: a family's sets stay as they were before a second came)
        camera=pools.cameras[0] if len(pools.cameras) == 1 else rng.choice(pools.cameras),
        held_out_people=pools.held_out_people,
        card_colours=pools.card_colours,
        people=pools.people,
        debit_cards=pools.debit_cards,
        portrait_cards=pools.portrait_cards,
    )

"""Labels recognised by the words they are made of, not by whole wordings.

Labels on medical invoices are composed from a small stock of words: 开票 + 时间, 收款 + 单位 +
名称, 医保 + 统筹 + 金额, 个人 + 缴费 + 金额 … A province or printer that words a label its own
way still composes it from these. A label is read as the longest run of such words in a line,
and its role follows from which of them it holds: a label holding 日期 or 时间 dates the paper,
one holding 统筹 or 基金 names what the insurance paid, and so on. Whether a value beside it is
taken is still up to the value's own checks (a date that parses, a name with a known surname, an
institution's suffix, amounts that add up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ocr_service.ocr.extract.layout import LABEL_TAILS, QUALIFIERS

_WORDS = (
    # who issued or paid, and when
    "开票 开具 收费 结算 收款 缴费 交费 交款 缴款 付款 填开 出票 签发 出具 日期 时间",
    # the payer, and who bought of whom on e-invoices of the general form
    "姓名 名字 名 患者 病人 病员 就诊 就医 参保 人 者 购买方 购方",
    # the institution
    "医疗 机构 单位 名称 定点 医院 销售方 销方",
    # a pharmacy's branch (门店名称, 药店名称: the shop the drugs were bought at)
    "门店 店",
    # the paper (结算单: a hospital's insurance settlement sheet, 结算单号 its number; 凭证 and
    # 凭条: a cashier's or a kiosk's voucher)
    "票据 发票 收据 单据 结算单 凭证 凭条 清单 电子 号码 号 编号 代码 编码",
    # a slip's number as a shop or a cashier words it (销售单号: the sale's slip and its number)
    "单号",
    # amounts
    "合计 总额 总计 总金额 总费用 金额 费用 实收 应收 实付 实缴 应缴 小写 大写 人民币 元",
    # the whole of what was bought, as a shop's or a bank's slip names it
    "订单 账单",
    "(小写) (大写) (人民币大写) (元) (章)",
    "医保 统筹 基金 支付 报销 记账 额 基本 医疗保险 保险 社保",
    "个人 自付 自费 自负 自理 现金 负担 承担 应付 缴纳 支出 付费 部分",
)
# The words labels are made of; longest first where one begins another (医疗保险 before 医疗).
LABEL_WORDS = tuple(
    sorted({word for line in _WORDS for word in line.split()}, key=len, reverse=True)
)

# Roles of invoice labels.
CODE = "code"
NUMBER = "number"
PAYER = "payer"
HOSPITAL = "hospital"
ISSUE_DATE = "issue_date"
TOTAL = "total"
TOTAL_IN_WORDS = "total_in_words"
INSURANCE = "insurance"
SELF = "self"

_PAPER = ("票据", "发票", "收据", "单据", "结算单", "凭证", "凭条", "清单")
_DATE_HEADS = ("日期", "时间")
# Dates of something other than the paper (就诊日期 on a paper dated otherwise, 打印时间).
_OTHER_DATES = ("就诊", "打印")
_PAYER_VERBS = ("交款", "缴款", "交费", "缴费", "付款", "就诊", "就医", "参保")
_PATIENT = ("患者", "病人", "病员")
# The word for a person's name after who they are: 患者姓名, 缴款人名称, 患者名, 病人名字.
_NAME_WORDS = ("姓名", "名称", "名字", "名")
_PLACE_HEADS = ("单位", "机构", "名称", "医院")
# A shop before the word for its name: its name is a store's (老百姓大药房义乌宾王店), read as such.
_SHOPS = ("门店", "店")
_PLACE_QUALIFIERS = (
    "收款", "收费", "开票", "开具", "医疗", "定点", "就诊", "医院", "单位", "机构", "出具", *_SHOPS,
)  # fmt: skip
_BUYER = ("购买方", "购方")
_SELLER = ("销售方", "销方")
# Marks printed after a label that say nothing of its role: 收款单位(章), 金额(元).
_DECORATIONS = ("(章)", "(元)")
_TOTAL_HEADS = (
    "合计", "总额", "总计", "总金额", "总费用", "小写", "(小写)", "实收", "应收", "实付", "实缴",
    "应缴",
)  # fmt: skip
# What was paid, by the verb of paying and the word for a sum alone (缴费金额 on a kiosk's slip),
# or the whole of what was bought and that word (订单金额, 账单金额 on a slip paid by phone).
_PAID_VERBS = ("缴费", "交费", "交款", "缴款")
_WHOLE = ("订单", "账单")
_SUMS = ("金额", "总额")
# What was paid in the end (实付金额): the whole bill on a receipt, what was left to the person
# where the insurance paid first. Only the sums on the page can tell which.
_PAID_IN_FACT = ("实付", "实缴", "实收")
_WHOLE_HEADS = ("合计", "总额", "总计", "总金额", "总费用")
_FUND = ("统筹", "基金")
_INSURER = ("医保", "医疗保险", "社保")
_PAYMENT = (
    "支付", "支出", "报销", "记账", "金额", "额", "付款", "负担", "承担", "应付", "缴纳", "缴费",
    "付费", "结算", "部分",
)  # fmt: skip
# Words that end the label of a number, not of an amount (医保结算号, 统筹基金编号).
_NUMBER_ENDS = ("号码", "号", "编号", "代码", "编码", "单号")
# What a slip's 单号 may follow to be the slip's own number: a sale or a payment (销售单号,
# 收费单号), not another paper's (处方单号, 检查单号).
_SALES = ("销售", "零售", "收费", "缴费", "交费", "收款")
# The visit a payment was for, before a word of the insurance (门诊统筹支付): still the
# insurance's part, though 门诊 before 号 makes another label.
_VISITS = ("门诊", "住院")
_OWN = ("个人", "自付", "自费", "自负", "自理", "现金")
# What a label may go on with that makes it another one's (医保类型, 个人账户支付, 门诊号).
_OTHER_TAILS = (*LABEL_TAILS, "类", "账户", "余额", "卡", "编", "方式", "员", "科")
_PEOPLE_NOT_PAYING = ("收款", "收费", "复核", "经办", "开票")
# Who else a name on the paper may be (医生姓名, 经治医师).
_STAFF = (*_PEOPLE_NOT_PAYING, "医生", "医师", "护士", "审核")


def words_of(text: str, start: int) -> list[str]:
    """The label words that follow one another from `start`, longest first at each step."""
    words: list[str] = []
    at = start
    while at < len(text):
        word = next((word for word in LABEL_WORDS if text.startswith(word, at)), None)
        if word is None:
            break
        words.append(word)
        at += len(word)
    return words


def role_of(words: list[str]) -> str | None:
    """The role a label made of these words plays on an invoice; None where the words do not say
    one role clearly."""
    while len(words) > 1 and words[-1] in _DECORATIONS:
        words = words[:-1]
    label = "".join(words)
    has = set(words)
    roles = []
    if any(head in has for head in _DATE_HEADS) and not has & {*_OTHER_DATES}:
        roles.append(ISSUE_DATE)
    if (has & {*_PAPER} and words[-1] in ("号码", "号", "编号")) or (
        words[-1] == "单号" and (len(words) == 1 or words[-2] in _SALES)
    ):
        roles.append(NUMBER)
    if has & {*_PAPER} and words[-1] in ("代码", "编码"):
        roles.append(CODE)
    # 姓名, 患者, 交款人 …, or one of them and the word for its name (缴款人名称, 患者姓名).
    named = words[:-1] if len(words) > 1 and words[-1] in _NAME_WORDS else words
    paying = len(named) > 1 and named[-1] in ("人", "者") and named[-2] in _PAYER_VERBS
    person = words[-1] == "姓名" or named[-1] in _PATIENT or paying
    buyer = words[0] in _BUYER and words[-1] in (words[0], "名称")
    if (person or buyer) and not has & {*_PEOPLE_NOT_PAYING}:
        roles.append(PAYER)
    seller = words[0] in _SELLER and words[-1] in (words[0], "名称")
    if seller or (words[-1] in _PLACE_HEADS and set(words[:-1]) & {*_PLACE_QUALIFIERS}):
        roles.append(HOSPITAL)
    insurer = bool(has & {*_FUND}) or (bool(has & {*_INSURER}) and bool(has & {*_PAYMENT}))
    # 现金 or 个人 alone is as likely a value (支付方式：现金) or part of another label; two words
    # of one's own paying together (自付现金) are a label.
    own_words = [word for word in words if word in _OWN]
    own = bool(own_words) and (
        bool(has & {*_PAYMENT}) or len(own_words) > 1 or words[-1] not in ("个人", "现金")
    )
    paid_sum = len(words) == 2 and words[0] in (*_PAID_VERBS, *_WHOLE) and words[1] in _SUMS
    if words[-1] in _NUMBER_ENDS:
        pass  # a number of the payment (医保结算号), no amount
    elif "大写" in label:
        roles.append(TOTAL_IN_WORDS)
    elif insurer and not own:
        roles.append(INSURANCE)
    elif own and not insurer:
        roles.append(SELF)
    elif (has & {*_TOTAL_HEADS} or paid_sum) and not insurer and not own:
        roles.append(TOTAL)
    return roles[0] if len(roles) == 1 else None


def paid_in_fact(label: str) -> bool:
    """Whether a total's label names what was paid in the end (实付金额, 实收), which may be the
    person's own part, not the whole bill's (实收合计 is the whole)."""
    words = words_of(label, 0)
    return bool(words) and words[0] in _PAID_IN_FACT and not set(words) & {*_WHOLE_HEADS}


def _start_of(text: str, at: int, role: str | None) -> int | None:
    """Where a label whose words begin at `at` begins, with the word before them that makes it
    what it is (销售 in 销售单号, 门诊 in 门诊统筹支付); None where that word makes it another
    label's (日期 after 入院) or a bare 单号 follows no word of a sale."""
    before = text[:at]
    if role == NUMBER and text.startswith("单号", at):
        sale = next((word for word in _SALES if before.endswith(word)), None)
        return None if sale is None else at - len(sale)
    if role == INSURANCE and before.endswith(_VISITS):
        return at - 2
    return None if before.endswith(QUALIFIERS) else at


def is_store(label: str) -> bool:
    """Whether a label of the institution names a shop (门店名称): its value is a store's name."""
    words = words_of(label, 0)
    return len(words) > 1 and words[-2] in _SHOPS


@dataclass(frozen=True, slots=True)
class FoundLabel:
    text: str
    role: str


def find_labels(texts: Iterable[str]) -> list[FoundLabel]:
    """Every label with a clear role in the lines, as printed: the longest runs of label words,
    less those that go on into words of another label (医保 in 医保类型) or that a qualifier
    makes another one's (日期 after 入院)."""
    found: dict[str, FoundLabel] = {}
    for text in texts:
        at = 0
        while at < len(text):
            words = words_of(text, at)
            if not words:
                at += 1
                continue
            end = at + sum(map(len, words))
            role = role_of(words)
            start = _start_of(text, at, role)
            if (
                role is not None
                and start is not None
                and not text.startswith(_OTHER_TAILS, end)
                and not (role == PAYER and text[:at].endswith(_STAFF))
            ):
                label = text[start:end]
                found.setdefault(label, FoundLabel(label, role))
            at = end
    return list(found.values())


def labels_by_role(found: Iterable[FoundLabel]) -> dict[str, tuple[str, ...]]:
    by_role: dict[str, list[str]] = {}
    for label in found:
        by_role.setdefault(label.role, []).append(label.text)
    # Longer, more specific wordings first.
    return {role: tuple(sorted(texts, key=len, reverse=True)) for role, texts in by_role.items()}

"""Reading values out of OCR text: width folding, dates, money, digit runs."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

# Marks between a label and its value, and the rule a value is written on (read as _).
_SEPARATORS = ":：;；,，、|_"

# Traditional or Japanese forms the recogniser returns for simplified characters of labels and
# values printed in faces of other regions' glyph forms (性別 for 性别, 漢 for 汉), and that pages
# printed in Traditional characters use: each maps to one simplified character only (於, 乾, 後,
# 鍾 … which are also characters or surnames of their own, are left as they are).
_TRADITIONAL = (
    ("別號碼門診醫費個證書斷漢満滿壯維開據", "别号码门诊医费个证书断汉满满壮维开据"),
    ("時間單機構統籌額計總現負擔繳療結臨歲", "时间单机构统筹额计总现负担缴疗结临岁"),
    ("師議銀聯簽發關寫貳參叄陸萬億圓歷記錄", "师议银联签发关写贰参叁陆万亿圆历记录"),
    ("帳類種報銷補實應項專電財務處區縣鎮衛", "账类种报销补实应项专电财务处区县镇卫"),
    ("國華東廣蘇陽兒婦齊檢驗藥護養員數齡囑", "国华东广苏阳儿妇齐检验药护养员数龄嘱"),
    ("復審請經過紀稱線條狀態傷癥腦腸臟膽腎", "复审请经过纪称线条状态伤症脑肠脏胆肾"),
    ("腫氣節壓", "肿气节压"),
    # surnames and given names
    ("黃陳張劉趙孫吳鄭馮蔣韓楊許呂嚴謝鄒竇", "黄陈张刘赵孙吴郑冯蒋韩杨许吕严谢邹窦"),
    ("範魯韋馬鳳賀湯羅畢鄔顧蕭堯貝談龐藍閔", "范鲁韦马凤贺汤罗毕邬顾萧尧贝谈庞蓝闵"),
    ("賈婁顏鍾駱盧繆鄧諸鈕龔榮儲車宮寧欒厲", "贾娄颜钟骆卢缪邓诸钮龚荣储车宫宁栾厉"),
    ("龍葉賴藺喬聞黨譚勞邊溫莊閻連歐鞏聶闞", "龙叶赖蔺乔闻党谭劳边温庄阎连欧巩聂阚"),
    ("簡饒遊權蓋帥況晉閆塗遲長偉強軍傑濤鵬", "简饶游权盖帅况晋闫涂迟长伟强军杰涛鹏"),
    ("飛紅麗靜豔潔蘭穎瑩嬌亞剛輝誠銳凱勝貴", "飞红丽静艳洁兰颖莹娇亚刚辉诚锐凯胜贵"),
    ("進順禮義興樂曉瑤嵐鳴駿蓮雲霧燁煒僑愛", "进顺礼义兴乐晓瑶岚鸣骏莲云雾烨炜侨爱"),
    ("寶鋒鈞錦銘濱淵瀋儀嫻環瓊彥慶鵑艷", "宝锋钧锦铭滨渊沈仪娴环琼彦庆鹃艳"),
)  # fmt: skip
_GLYPH_VARIANTS = str.maketrans(
    "".join(old for old, _ in _TRADITIONAL), "".join(new for _, new in _TRADITIONAL)
)

# Confusions of the recogniser inside runs that must be digits (never applied to words).
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1"})


# Marks that printers and the recogniser use for a colon (the ratio sign, a vertical form, a
# modifier letter): each closes a label as a colon does.
_COLONS = str.maketrans({"∶": ":", "︰": ":", "꞉": ":", "ː": ":"})


def fold(text: str) -> str:
    """Full-width forms to ASCII (：→:, ０→0, ￥→¥), colon look-alikes to colons, variant glyphs
    to simplified ones, whitespace squeezed, ends trimmed."""
    folded = unicodedata.normalize("NFKC", text.translate(_COLONS)).translate(_GLYPH_VARIANTS)
    return re.sub(r"\s+", " ", folded).strip()


def compact(text: str) -> str:
    """Folded and without spaces: for matching labels however the engine spaced them."""
    return fold(text).replace(" ", "")


def chinese_only(text: str) -> str:
    """Chinese characters (and the · of transcribed names) without the stray marks the engine
    sometimes reads beside them (☑汉 → 汉)."""
    return re.sub(r"[^\u4e00-\u9fff·]", "", text)


# A row of dots or dashes leading from a label to its value (姓名……张三, 诊断·····肺炎, 日期——):
# the `leader` layout of forms. The recogniser reads the dots as any dot-like mark (。 · • . ∙ °),
# so a value's start is found past every punctuation mark, not past a list of dots: no value a
# field takes begins with one, nor with the closing bracket of a label in brackets (【姓名】张三).
# Opening brackets and currency signs (¥) are a value's own.
_LEADER_SYMBOLS = "∙⋅°~→=*"
_TRAILING_LEADER = re.compile(r"[\s.·•‧∙⋯…‥．・。°_\-—]{2,}$")


def _is_leader(char: str) -> bool:
    return (
        char.isspace()
        or unicodedata.category(char) in ("Po", "Pd", "Pc", "Pe", "Pf")
        or char in _LEADER_SYMBOLS
    )


def _is_sign(text: str, at: int) -> bool:
    """A minus sign before a figure, not the last dash of a leader (----12.00)."""
    return (
        text[at] == "-"
        and text[at + 1 : at + 2].isdigit()
        and (at == 0 or text[at - 1] not in "-—")
    )


def strip_separators(text: str) -> str:
    """The text without the marks and leader dots between a label and its value."""
    start = 0
    while start < len(text) and _is_leader(text[start]):
        if _is_sign(text, start):
            break
        start += 1
    stripped = _TRAILING_LEADER.sub("", text[start:])
    return stripped.strip().strip(_SEPARATORS).strip()


_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)
# A day run into the time of day once the space between them is gone (2025-5-7 10:23 read as
# 2025-5-710:23): the digits before the colon are the day and the hour together.
_DAY_AND_HOUR = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<run>\d{2,4})[:：][0-5]\d"
)
# A date in Chinese numerals, as certificates are often dated: 二〇二五年五月十七日.
_NUMERAL_DATE = re.compile(
    r"(?P<y>[〇零○O0一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
_NUMERALS = {char: value for value, char in enumerate("零一二三四五六七八九")} | {
    "〇": 0, "○": 0, "O": 0, "0": 0,
}  # fmt: skip


def _numeral(text: str) -> int | None:
    """一 … 三十一 as a number: tens before 十 (none means one), units after it."""
    if "十" not in text:
        return _NUMERALS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def _numeral_date(match: re.Match[str]) -> date | None:
    year = int("".join(str(_NUMERALS[char]) for char in match["y"]))
    month, day = _numeral(match["m"]), _numeral(match["d"])
    if month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _days_before_hour(match: re.Match[str]) -> set[date]:
    """Every day the digits before a time's colon can hold with an hour after it (0-23)."""
    run, days = match["run"], set()
    for cut in (1, 2):
        day, hour = run[:cut], run[cut:]
        if not 1 <= len(hour) <= 2 or int(hour) > 23:
            continue
        try:
            days.add(date(int(match["y"]), int(match["m"]), int(day)))
        except ValueError:
            continue
    return days


def find_dates(text: str) -> list[date]:
    """Every calendar date written in the text, in order: 2025年5月17日, 2025.05.17, 2025/5/17,
    二〇二五年五月十七日 … A day run into the time after it counts only where one split of the
    digits makes a real day and hour."""
    folded = fold(text)
    found: list[tuple[int, date]] = []
    taken: list[range] = []

    def free(match: re.Match[str]) -> bool:
        span = range(match.start(), match.end())
        return not any(span.start < other.stop and other.start < span.stop for other in taken)

    for match in _DAY_AND_HOUR.finditer(folded):
        days = _days_before_hour(match)
        taken.append(range(match.start(), match.end()))
        if len(days) == 1:
            found.append((match.start(), days.pop()))
    for match in _NUMERAL_DATE.finditer(folded):
        value = _numeral_date(match)
        if value is not None and free(match):
            taken.append(range(match.start(), match.end()))
            found.append((match.start(), value))
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            if not free(match):
                continue
            try:
                value = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            taken.append(range(match.start(), match.end()))
            found.append((match.start(), value))
    return [value for _, value in sorted(found)]


def parse_date(text: str, *, today: date) -> date | None:
    """The one date in the text, if it is real and not in the future."""
    dates = find_dates(text)
    if len(dates) != 1 or dates[0] > today or dates[0].year < 1900:
        return None
    return dates[0]


def parse_iso_date(text: str, *, today: date) -> str | None:
    value = parse_date(text, today=today)
    return value.isoformat() if value else None


_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\.?\d)")


def parse_amount(text: str) -> Decimal | None:
    """A money amount such as ¥1,227.72, ￥80元 or 0.00; None unless exactly one is written."""
    folded = fold(text).replace("¥", " ").replace("元", " ")
    matches = _AMOUNT.findall(folded)
    if len(matches) != 1:
        return None
    whole, cents = matches[0]
    try:
        return Decimal(f"{whole.replace(',', '')}.{(cents or '0').ljust(2, '0')}")
    except InvalidOperation:
        return None


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def digit_run(text: str) -> str:
    """Digits (and a trailing X for ID numbers) with spaces and look-alike letters folded away."""
    return re.sub(r"[\s\-]", "", fold(text).translate(_DIGIT_LOOKALIKES))


_CN_DIGITS = {
    "零": 0,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
_CAPITAL_VARIANTS = str.maketrans("参〇", "叁零")
_CN_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}


def parse_chinese_amount(text: str) -> Decimal | None:
    """An amount in capital numerals (肆仟零玖拾贰元叁角捌分 → 4092.38), as printed on invoices."""
    # 参 and 〇: the Traditional form of 叁 (參) once folded, and a zero as some printers write it.
    written = compact(text).translate(_CAPITAL_VARIANTS)
    body = re.sub(r"[^零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正]", "", written)
    match = re.fullmatch(
        r"(?P<yuan>[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+)[元圆](?P<jiao>[零壹贰叁肆伍陆柒捌玖]角)?零?"
        r"(?P<fen>[零壹贰叁肆伍陆柒捌玖]分)?[整正]?",
        body,
    )
    if not match:
        return None
    total = section = digit = 0
    for char in match["yuan"]:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_SMALL_UNITS:
            section += (digit or 1) * _CN_SMALL_UNITS[char]
            digit = 0
        else:
            total += (section + digit) * _CN_BIG_UNITS[char]
            section = digit = 0
    yuan = total + section + digit
    cents = 0
    for part, weight in ((match["jiao"], 10), (match["fen"], 1)):
        if part:
            cents += _CN_DIGITS[part[0]] * weight
    return Decimal(yuan) + Decimal(cents) / 100

"""Reading values out of OCR text: width folding, dates, money, digit runs."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

# Marks between a label and its value, and the rule a value is written on (read as _).
_SEPARATORS = ":：;；,，、|_"

# Traditional or Japanese forms the recogniser sometimes returns for simplified characters of
# labels and card values (性別 for 性别, 漢 for 汉).
_GLYPH_VARIANTS = str.maketrans(
    "別號碼門診醫費個證書斷漢満滿壯維", "别号码门诊医费个证书断汉满满壮维"
)

# Confusions of the recogniser inside runs that must be digits (never applied to words).
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1"})


def fold(text: str) -> str:
    """Full-width forms to ASCII (：→:, ０→0, ￥→¥), variant glyphs to simplified ones,
    whitespace squeezed, ends trimmed."""
    folded = unicodedata.normalize("NFKC", text).translate(_GLYPH_VARIANTS)
    return re.sub(r"\s+", " ", folded).strip()


def compact(text: str) -> str:
    """Folded and without spaces: for matching labels however the engine spaced them."""
    return fold(text).replace(" ", "")


def chinese_only(text: str) -> str:
    """Chinese characters (and the · of transcribed names) without the stray marks the engine
    sometimes reads beside them (☑汉 → 汉)."""
    return re.sub(r"[^\u4e00-\u9fff·]", "", text)


# A row of dots leading from a label to its value (姓名……张三, 诊断·····肺炎): the `leader` layout
# of forms. Never part of a value, which does not begin or end with dots.
_LEADER = re.compile(r"^[\s.·•‧∙⋯…‥．・]+|[\s.·•‧∙⋯…‥．・]{2,}$")


def strip_separators(text: str) -> str:
    """The text without the marks and leader dots between a label and its value."""
    stripped = text.strip().strip(_SEPARATORS).strip()
    return _LEADER.sub("", stripped).strip().strip(_SEPARATORS).strip()


_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)


def find_dates(text: str) -> list[date]:
    """Every calendar date written in the text, in order: 2025年5月17日, 2025.05.17, 2025/5/17 …"""
    folded = fold(text)
    found: list[tuple[int, date]] = []
    taken: list[range] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            span = range(match.start(), match.end())
            if any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            try:
                value = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            taken.append(span)
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
_CN_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}


def parse_chinese_amount(text: str) -> Decimal | None:
    """An amount in capital numerals (肆仟零玖拾贰元叁角捌分 → 4092.38), as printed on invoices."""
    body = re.sub(r"[^零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正]", "", compact(text))
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

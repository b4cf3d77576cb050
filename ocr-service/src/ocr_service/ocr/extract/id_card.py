"""Resident ID cards (居民身份证): the portrait side and the national-emblem side."""

from __future__ import annotations

import re
from datetime import date

from ocr_service.ocr.extract.layout import Page
from ocr_service.ocr.extract.names import labelled_name
from ocr_service.ocr.extract.normalize import chinese_only, digit_run, find_dates, parse_date
from ocr_service.ocr.extract.validate import (
    id_birth_date,
    id_gender,
    valid_id_card_term,
    valid_id_number,
)

NAME = ("姓名",)
GENDER = ("性别",)
ETHNICITY = ("民族",)
BIRTH = ("出生日期", "出生")
ADDRESS = ("住址", "地址")
ID_NUMBER = ("公民身份号码", "身份号码", "身份证号")
FRONT_LABELS = NAME + GENDER + ETHNICITY + BIRTH + ADDRESS + ID_NUMBER

AUTHORITY = ("签发机关",)
VALIDITY = ("有效期限", "有效期")
BACK_LABELS = AUTHORITY + VALIDITY + ("中华人民共和国", "居民身份证")

# The 56 ethnic groups as printed on the card (without 族).
ETHNIC_GROUPS = frozenset(
    (
        "汉",
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    )
)

_ID_RUN = re.compile(r"\d{17}[\dX]")


def _id_number(page: Page, today: date) -> str | None:
    def parse(text: str) -> str | None:
        run = digit_run(text).upper()
        return run if valid_id_number(run, today=today) else None

    labelled = page.read(ID_NUMBER, parse)
    if labelled:
        return labelled
    # The number stands alone in its own corner of the card when its label was not read.
    for cell in page.cells:
        for run in _ID_RUN.findall(digit_run(cell.text).upper()):
            if valid_id_number(run, today=today):
                return run
    return None


def _printed_birth_date(page: Page, id_number: str, today: date) -> date | None:
    """The birth date where its label (出生) was not read: the one date printed on the card that
    is the number's own."""
    expected = id_birth_date(id_number)
    printed = {parse_date(cell.text, today=today) for cell in page.cells}
    return expected if expected in printed else None


def _address(page: Page) -> str | None:
    """The address, over the lines it wraps onto. Only the number's label follows it on the card:
    other labels' words inside it are street and village names (民族路, 民族大道)."""
    for cell, text in page.value_candidates(ADDRESS, ends=ID_NUMBER):
        if len(text) < 2:
            continue
        parts = [text]
        below = page.continuation(cell, ends=ID_NUMBER)
        while below is not None and len(parts) < 4:
            parts.append(below.text)
            below = page.continuation(below, ends=ID_NUMBER)
        return "".join(parts)
    return None


def _gender(text: str) -> str | None:
    """男 or 女, past any mark the engine read before it (☑女)."""
    first = chinese_only(text)[:1]
    return first if first in ("男", "女") else None


def _in(value: str, known: frozenset[str]) -> str | None:
    return value if value in known else None


def extract_front(page: Page, *, today: date) -> dict[str, str]:
    name = labelled_name(page, NAME, chinese_only)
    gender = page.read(GENDER, _gender)
    ethnicity = page.read(ETHNICITY, lambda text: _in(chinese_only(text), ETHNIC_GROUPS))
    born = page.read(BIRTH, lambda text: parse_date(text, today=today))
    id_number = _id_number(page, today)
    if id_number:
        # The number fixes the holder's birth date and sex: a printed one that disagrees is misread.
        if born is not None and born != id_birth_date(id_number):
            born = None
        if gender is not None and gender != id_gender(id_number):
            gender = None
        if born is None:
            born = _printed_birth_date(page, id_number, today)
    fields = {
        "name": name,
        "gender": gender,
        "ethnicity": ethnicity,
        "birth_date": born.isoformat() if born else None,
        "address": _address(page),
        "id_number": id_number,
    }
    return {key: value for key, value in fields.items() if value}


_AUTHORITY = re.compile(r"[\u4e00-\u9fff]{2,30}(?:公安局|分局|派出所)")


def extract_back(page: Page, *, today: date) -> dict[str, str]:
    fields: dict[str, str] = {}
    authority = page.read(AUTHORITY, lambda text: text if _AUTHORITY.fullmatch(text) else None)
    if authority:
        fields["issuing_authority"] = authority

    def validity(text: str) -> tuple[date, date | None] | None:
        dates = find_dates(text)
        if len(dates) == 2 and valid_id_card_term(dates[0], dates[1]):
            return dates[0], dates[1]
        if len(dates) == 1 and "长期" in text:
            return dates[0], None
        return None

    term = page.read(VALIDITY, validity)
    if term is not None and term[0] <= today:
        fields["valid_from"] = term[0].isoformat()
        if term[1] is not None:
            fields["valid_to"] = term[1].isoformat()
    return fields

"""Checks a value must pass before it is reported: one that fails is dropped, never mended."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from lipei.checks import luhn_ok as luhn_ok  # re-exported: the card rule below uses it

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def id_birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_gender(id_number: str) -> str:
    """男 for an odd sequence digit (the 17th), 女 for an even one."""
    return "男" if int(id_number[16]) % 2 else "女"


def valid_id_number(id_number: str, *, today: date) -> bool:
    """An 18-character resident ID whose check character and embedded birth date are right."""
    if not _ID_SHAPE.fullmatch(id_number):
        return False
    if id_check_char(id_number[:17]) != id_number[17]:
        return False
    born = id_birth_date(id_number)
    return born is not None and date(1900, 1, 1) <= born <= today


def valid_card_number(digits: str) -> bool:
    """A card number of the lengths Chinese banks issue (16 to 19 digits) passing the Luhn check."""
    return 16 <= len(digits) <= 19 and luhn_ok(digits)


# Surnames of the country's people, the commonest few hundred (百家姓 as used today): a name on a
# document begins with one, which tells a name from a word of the form printed where one should be.
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀"
    "郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴"
    "丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富"
    "尧闭由洪萧贝钮赖巢"
    # the rest of 百家姓 but for characters that begin everyday words a form prints where a name
    # goes (年龄, 籍贯, 家属, 经办 …): 年, 籍, 家, 经 and the like stay out
    "酆贲荀羿汲邴糜隗宓蓬郗钭韶蓟怀鄂咸莘贡逄堵宰郦璩濮寿郏宦庾暨弘殳沃蔚夔厍訾乜蒯竺桓缑郈"
    "佴谯笪滑昌凤仰扶汝钦琴墨归慎禄"
)
COMPOUND_SURNAMES = frozenset(
    (
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "慕容", "夏侯", "公孙", "令狐",
        "长孙", "宇文", "司徒", "西门", "轩辕", "端木", "独孤", "南宫", "呼延", "万俟", "闻人",
        "澹台", "公冶", "申屠", "太史", "钟离", "宗政", "濮阳", "淳于", "单于", "拓跋", "百里",
        "东郭", "赫连", "司空", "第五", "闾丘", "鲜于", "公羊", "太叔", "仲孙", "亓官", "司寇",
        "子车", "颛孙", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "夹谷", "宰父", "谷梁",
        "段干", "南门", "羊舌", "微生", "梁丘", "左丘", "东门", "独孤",
    )
)  # fmt: skip
# The rest of 百家姓: surnames that also begin everyday words a form prints where a name goes
# (经办人, 家属, 籍贯, 山东省, 广州市, 东区, 通讯地址 …). A name beginning with one is never
# taken by its shape alone, only where a label names the person (valid_labelled_name).
SURNAMES_ALSO_WORDS = frozenset("水经家松弓牧山秋暴从籍能苍双通别充习鱼终步广东越融空毋养须后红益")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# Names of the ethnic groups written with a middle dot (阿依古丽·买买提) follow no surname rule.
_DOTTED_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8}")


def valid_person_name(name: str) -> bool:
    """A person's name: a known surname and one to three given characters (a compound surname and
    one or two), or a transcribed name with its middle dot."""
    if _DOTTED_NAME.fullmatch(name):
        return True
    if not _HAN.fullmatch(name):
        return False
    if name[:2] in COMPOUND_SURNAMES and 3 <= len(name) <= 4:
        return True
    return name[0] in SINGLE_SURNAMES and 2 <= len(name) <= 4


# Characters that end the name of a place, not of a person (山东省, 广州市, 东城区).
_PLACE_ENDS = frozenset("省市区县镇乡村路街")


def valid_labelled_name(name: str, form_words: Iterable[str]) -> bool:
    """A person's name read beside a label that names the person: as valid_person_name, or of
    three characters after a surname that also begins everyday words, where no word of the form
    (`form_words`: label words, 人, 号 …) is in it and it ends as no place does. Two characters
    are too often a word of the form itself (籍贯, 家属, 经办), so such a name stays absent."""
    if valid_person_name(name):
        return True
    return (
        bool(_HAN.fullmatch(name))
        and len(name) == 3
        and name[0] in SURNAMES_ALSO_WORDS
        and name[-1] not in _PLACE_ENDS
        and not any(word in name for word in form_words)
    )


# What the names of hospitals, clinics and health centres end in.
HOSPITAL_SUFFIXES = (
    "医院",
    "卫生院",
    "卫生服务中心",
    "卫生服务站",
    "卫生室",
    "诊所",
    "门诊部",
    "医疗中心",
    "保健院",
    "疗养院",
    "中心",
)


def valid_hospital(name: str) -> bool:
    return 4 <= len(name) <= 40 and name.endswith(HOSPITAL_SUFFIXES)


# How a shop's name ends: a pharmacy (大药房, 药店) or one branch of a chain (宾王店, 前进店).
STORE_SUFFIXES = ("药房", "药店", "店")
_ALL_HAN = re.compile(r"[\u4e00-\u9fff]+")


def valid_store(name: str) -> bool:
    """A shop's name as a till slip prints it: Chinese characters alone, ending as a shop's does,
    longer than a word of the form (药店, 门店)."""
    return 5 <= len(name) <= 30 and name.endswith(STORE_SUFFIXES) and bool(_ALL_HAN.fullmatch(name))


def add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


# A resident ID card is valid for 5, 10 or 20 years from its issue date (or for life, 长期).
ID_CARD_TERMS = (5, 10, 20)


def valid_id_card_term(valid_from: date, valid_to: date) -> bool:
    return any(add_years(valid_from, years) == valid_to for years in ID_CARD_TERMS)

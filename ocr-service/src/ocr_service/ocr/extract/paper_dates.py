"""The dates a doctor's paper prints, found by the words their labels are made of.

A discharge paper dates a stay's start and end and its own issue, each under a label a hospital
words its own way: 入院日期, 收治日期, 入住时间, 入院于; 出院日期, 办理出院日期, 离院时间, 出院于;
签署日期, 填发日期, 出具日期. Each is made of a word of the event (收治 is an admission, 填发 an
issue, 发证 too) and a word saying that a date follows (日期, 时间, 日, 于), at most with a word
of who did it before them (办理出院日期, 医师签名日期) or of the record kept of it between them
(入院登记日期). A stay's event may stand alone as its label (入院:); a paper's issue may not
(医师签名 labels the doctor's signature, not a date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ADMISSION = "admission"
DISCHARGE = "discharge"
ISSUE = "issue"

_EVENTS = {
    ADMISSION: ("入院", "入住", "收治", "收住院", "收住", "住院开始", "入科"),
    DISCHARGE: ("出院", "离院", "住院结束", "出科"),
    ISSUE: (
        "签署", "签发", "签名", "签字", "开具", "出具", "填发", "填写", "填开", "开单", "开证",
        "证明", "出证", "发证",
    ),
}  # fmt: skip
# Who did it, before the event; nothing else may stand there: 预计出院日期 is no discharge.
_DOERS = ("办理", "实际", "本次", "患者", "病人", "医师", "医生")
# Words of the record kept of the event, between it and its date word (入院登记日期, 出院办理时间).
_RECORDS = ("登记", "办理")
_HAN = "\u4e00-\u9fff"


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# A label begins a line or follows a value (a digit, a mark), never inside other words. After its
# date word comes the value, a mark or the line's end; after 于 anything (入院于二〇二五年…); after
# an event standing alone, no further word (出院诊断 is no date).
_ROLE_OF_EVENT = {word: role for role, words in _EVENTS.items() for word in words}
_LABEL = re.compile(
    rf"(?<![{_HAN}])(?:{_alternatives(_DOERS)})?(?P<event>{_alternatives(_ROLE_OF_EVENT)})"
    rf"(?:(?:{_alternatives(_RECORDS)})?(?:日期|时间|日)(?![{_HAN}])|于|(?![{_HAN}]))"
)


def date_labels(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The labels of a stay's start and end and of the paper's issue printed in these lines,
    as printed, by role."""
    found: dict[str, list[str]] = {ADMISSION: [], DISCHARGE: [], ISSUE: []}
    for text in texts:
        for match in _LABEL.finditer(text):
            role = _ROLE_OF_EVENT[match["event"]]
            label = match.group()
            dated = label != match["event"] and not label.endswith(match["event"])
            if (role != ISSUE or dated) and label not in found[role]:
                found[role].append(label)
    return {role: tuple(labels) for role, labels in found.items()}

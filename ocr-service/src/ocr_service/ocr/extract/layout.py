"""The page as positioned text: labels, and the values to their right or below them.

Boxes are first turned upright by the median slope of the long text lines, so a skewed photo lays
out like a straight scan. A picture lying sideways or upside down is read right word by word (the
engine turns each line before recognising it), but its boxes stay where they are in the picture:
`turned` lays them out as they would lie had the picture been turned by quarter turns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from statistics import median
from typing import TypeVar

from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.extract.normalize import compact, strip_separators

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Cell:
    """A text line in the deskewed page frame."""

    text: str  # folded, spaces removed
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def same_row(self, other: Cell, share: float = 0.5) -> bool:
        """Whether the two lines overlap vertically by `share` of the lower one's height."""
        overlap = min(self.y1, other.y1) - max(self.y0, other.y0)
        return overlap > share * min(self.height, other.height)


def text_angle(lines: Sequence[OcrLine]) -> float:
    """The page's skew in radians: the median slope of the top edges of clearly horizontal lines."""
    slopes = []
    for line in lines:
        (x0, y0), (x1, y1), _, (x3, y3) = line.box
        width = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(x3 - x0, y3 - y0)
        if width > 2 * height:
            slopes.append(math.atan2(y1 - y0, x1 - x0))
    return median(slopes) if slopes else 0.0


def _turn(x: float, y: float, quarter_turns: int) -> tuple[float, float]:
    """A point once the picture is turned clockwise (y grows downwards); only relative positions
    matter to the layout, so the picture's size is not needed."""
    for _ in range(quarter_turns % 4):
        x, y = -y, x
    return x, y


def turned(lines: Sequence[OcrLine], quarter_turns: int) -> list[OcrLine]:
    """The lines as they lie in the picture turned clockwise by that many quarter turns, each box
    again starting from its top-left corner, as the engine reports boxes."""
    if quarter_turns % 4 == 0:
        return list(lines)
    result = []
    for line in lines:
        points = [_turn(x, y, quarter_turns) for x, y in line.box]
        start = min(range(4), key=lambda index: points[index][0] + points[index][1])
        a, b, c, d = (points[(start + step) % 4] for step in range(4))
        result.append(OcrLine(line.text, line.score, (a, b, c, d)))
    return result


# A line this long that begins a label is that label cut short (业务流水 for 业务流水号).
_LABEL_HEAD = 3
# A value beside its label overlaps the label's line by this share of a line height at least.
ROW_TOLERANCE = 0.3
# 收款单位(章): the note that the stamp goes there, between a label and its value.
_STAMP_NOTE = re.compile(r"^\((?:章|盖章|签章|印章)\)")

# A line of three characters or more is clearly longer than it is high, whichever way it runs.
_LONG_LINE_CHARS = 3
_LONG_LINE_RATIO = 1.5


def quarter_turns_to_try(lines: Sequence[OcrLine]) -> tuple[int, int]:
    """The picture's possible turns to upright, likelier first: lines mostly standing on end mean
    it lies sideways (one or three quarter turns), otherwise it is upright or upside down. The
    boxes alone cannot tell which of the two; what can be read in each decides."""
    standing = lying = 0
    for line in lines:
        if len(compact(line.text)) < _LONG_LINE_CHARS:
            continue
        (x0, y0), (x1, y1), _, (x3, y3) = line.box
        across, down = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
        if down > _LONG_LINE_RATIO * across:
            standing += 1
        elif across > _LONG_LINE_RATIO * down:
            lying += 1
    return (1, 3) if standing > lying else (0, 2)


def to_cells(lines: Sequence[OcrLine]) -> list[Cell]:
    angle = text_angle(lines)
    cos, sin = math.cos(-angle), math.sin(-angle)
    cells = []
    for line in lines:
        text = compact(line.text)
        if not text:
            continue
        xs = [x * cos - y * sin for x, y in line.box]
        ys = [x * sin + y * cos for x, y in line.box]
        cells.append(Cell(text, min(xs), min(ys), max(xs), max(ys)))
    cells.sort(key=lambda cell: (cell.cy, cell.x0))
    return cells


# Conjunctions between two labels that share one value.
_JOINERS = frozenset("及和与/")
# Marks that close a label.
_CLOSERS = ":;,、|)]】>"
# Label characters between a label and a colon that make it a longer label: at most this many.
_LABEL_TAIL_CHARS = 6
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# Words that qualify a label into another one's (住院日期, 出生日期, 门诊号): a label right after
# one of them is that other label, whatever lists know it.
QUALIFIERS = (
    "住院",
    "入院",
    "出院",
    "入住",
    "离院",
    "就诊",
    "出生",
    "门诊",
    "打印",
    "手术",
    "发病",
    "挂号",
    # what is planned is not what happened (预计出院日期)
    "预计",
    "预约",
    "计划",
)
# Words that end a label (名称, 日期, 金额…): a label followed by one is only the head of a longer
# label (诊断名称), and a value that begins with one is a label's remnant, not a value.
LABEL_TAILS = (
    "名称",
    "日期",
    "时间",
    "金额",
    "号码",
    "编号",
    "代码",
    "编码",
    "类型",
    "类别",
    "单位",
    "机构",
    "结果",
    "意见",
    "结论",
    "依据",
    "姓名",
    "方式",
    "情况",
    "天数",
)


def carries_label(value: str) -> bool:
    """Whether a value still begins with a label's own words (名称…, 日期…): what follows a label
    read short, never a value."""
    return value.startswith(LABEL_TAILS) or value.startswith(QUALIFIERS)


def stands_alone(text: str, start: int, end: int, labels: Iterable[str] = ()) -> bool:
    """Whether text[start:end] is a label on its own there: not qualified by the word before it
    (住院 before 日期), and followed by a mark, the end of the line, or a value, not by more of a
    label (名称 after 诊断) up to a colon, unless those characters hold another of the `labels`
    (a value and the next label: 姓名张三性别:男).

    Before it, a mark is not required: a cell's spaces are gone, so labels printed one after the
    other on a line without colons (姓名 张三 性别 男) meet their neighbour's value directly.
    """
    if text[:start].endswith(QUALIFIERS):
        return False
    after = text[end:]
    if not after or after[0] in _CLOSERS:
        return True
    if after.startswith(LABEL_TAILS):
        return False
    # A colon a few characters on that closes more label characters: 诊断名称: … is no 诊断.
    colon = after.find(":")
    between = after[:colon]
    return not (
        0 < colon <= _LABEL_TAIL_CHARS
        and _HAN.fullmatch(between)
        and not any(label in between for label in labels)
    )


# One character of a label printed spaced out: a Chinese character or a bracket of (大写).
_SPACED_CHARACTER = re.compile(r"[\u4e00-\u9fff()]")


def join_spaced_characters(cells: list[Cell]) -> list[Cell]:
    """Runs of single characters side by side on a row (收 费 时 间, 合 计 ( 大 写 )), each read
    as a box of its own, joined into one cell: a label printed spaced out, whatever its wording.
    Values are not printed a character apart; a lone character (男 beside 性别) stays alone."""
    singles = [cell for cell in cells if _SPACED_CHARACTER.fullmatch(cell.text)]
    joined: list[Cell] = []
    taken: set[int] = set()
    for cell in sorted(singles, key=lambda cell: cell.x0):
        if id(cell) in taken:
            continue
        run = [cell]
        while True:
            last = run[-1]
            nearest = min(
                (
                    other
                    for other in singles
                    if id(other) not in taken
                    and other is not last
                    and other not in run
                    and last.x1 - 0.2 * last.height <= other.x0 < last.x1 + 2.5 * last.height
                    and last.same_row(other)
                ),
                key=lambda other: other.x0,
                default=None,
            )
            if nearest is None:
                break
            run.append(nearest)
        if len(run) < 2:
            continue
        taken.update(id(part) for part in run)
        joined.append(
            Cell(
                "".join(part.text for part in run),
                run[0].x0,
                min(part.y0 for part in run),
                run[-1].x1,
                max(part.y1 for part in run),
            )
        )
    kept = [cell for cell in cells if id(cell) not in taken]
    return sorted(kept + joined, key=lambda cell: (cell.cy, cell.x0))


# A label and its English gloss on a bilingual paper (姓名 Name, 入院日期 Date of Admission): the
# gloss, letters alone, runs from the label to a colon or the end of the cell.
_GLOSSED = re.compile(r"([\u4e00-\u9fff]+)([A-Za-z]{2,})(?=:|$)")


def drop_glosses(cells: list[Cell], labels: Iterable[str]) -> list[Cell]:
    """Cells whose label carries an English gloss, without it: the gloss is no value (诊断
    Diagnosis is no diagnosis). Only where the Chinese part ends in a known label, so Latin letters
    in a value (乙肝HBV) stay."""
    known = tuple(labels)
    dropped = []
    for cell in cells:
        match = _GLOSSED.match(cell.text)
        if match and known and match.group(1).endswith(known):
            cell = replace(cell, text=match.group(1) + cell.text[match.end() :])
        dropped.append(cell)
    return dropped


def join_spaced_labels(cells: list[Cell], labels: Iterable[str]) -> list[Cell]:
    """Characters of a label printed spaced out (姓  名, 交 款 人) that were read as boxes of
    their own, joined into one cell where together they begin a label."""
    heads = {label[:length] for label in labels for length in range(2, len(label) + 1)}
    joined = list(cells)
    merged = True
    while merged:
        merged = False
        for cell in joined:
            if not _HAN.fullmatch(cell.text) or (len(cell.text) > 1 and cell.text not in heads):
                continue
            right = min(
                (
                    other
                    for other in joined
                    if other is not cell
                    and other.x0 >= cell.x1 - 0.2 * cell.height
                    and other.x0 - cell.x1 < 2.5 * cell.height
                    and cell.same_row(other)
                ),
                key=lambda other: other.x0,
                default=None,
            )
            if right is None or cell.text + right.text[:1] not in heads:
                continue
            both = Cell(
                cell.text + right.text,
                cell.x0,
                min(cell.y0, right.y0),
                right.x1,
                max(cell.y1, right.y1),
            )
            joined = [other for other in joined if other is not cell and other is not right]
            joined.append(both)
            merged = True
            break
    joined.sort(key=lambda cell: (cell.cy, cell.x0))
    return joined


def _mostly_beyond(other: Cell, cell: Cell) -> bool:
    """Whether `other` begins inside `cell` but lies mostly to its right: the boxes the detector
    draws around widely spaced print overlap their neighbours' (民族 and the 朝鲜 beside it)."""
    return cell.x0 < other.x0 and (other.x0 + other.x1) / 2 > cell.x1


class Page:
    """Cells of one document with the label vocabulary of its type."""

    def __init__(self, lines: Sequence[OcrLine], labels: Iterable[str] = ()) -> None:
        # Longest first, so 公民身份号码 wins over 号码 when cutting one cell into parts.
        self.labels = sorted(set(labels), key=len, reverse=True)
        cells = drop_glosses(to_cells(lines), self.labels)
        self.cells = join_spaced_labels(join_spaced_characters(cells), self.labels)
        self.text = "".join(cell.text for cell in self.cells)

    def learn(self, labels: Iterable[str]) -> None:
        """Add labels found on this page to those its type is known to print."""
        self.labels = sorted({*self.labels, *labels}, key=len, reverse=True)

    def _cut_at_next_label(self, rest: str, ends: Sequence[str] | None = None) -> str:
        rest = _STAMP_NOTE.sub("", strip_separators(rest))
        end = len(rest)
        for label in self.labels if ends is None else ends:
            found = rest.find(label, 1)
            if 0 < found < end:
                end = found
        return strip_separators(rest[:end])

    def _label_end(self, text: str, label: str, variants: Sequence[str]) -> int | None:
        """Where the label ends in the text, where it stands there as a label on its own: not
        part of another field's label (诊断 inside 入院诊断, 日期 inside 出生日期) nor of a
        longer one that no list knows (诊断 in 诊断类别, 日期 in 住院日期)."""
        start = text.find(label)
        while start >= 0:
            end = start + len(label)
            inside_other = any(
                other not in variants
                and label in other
                and text.startswith(other, start - other.index(label))
                for other in self.labels
                if len(other) > len(label)
            )
            if not inside_other and stands_alone(text, start, end, self.labels):
                return end
            start = text.find(label, start + 1)
        return None

    def _joined_label_end(self, text: str, end: int) -> int:
        """Where a label joined to another one by a conjunction ends (诊断及建议, 诊断/处理):
        the value of both follows the second."""
        if text[end : end + 1] not in _JOINERS:
            return end
        joined = next((label for label in self.labels if text.startswith(label, end + 1)), None)
        return end + 1 + len(joined) if joined else end

    def value_candidates(
        self,
        label_variants: Sequence[str],
        ends: Sequence[str] | None = None,
        *,
        below: bool = True,
    ) -> list[tuple[Cell, str]]:
        """Texts that may be the value of a label: after it in its own cell, the nearest cell to its
        right on the same row, or (unless `below` is false) the cell just below it. Each with the
        cell the text came from; earlier label variants first.

        A value ends at the next label in its line. `ends` narrows that to the labels that can
        follow this value at all: an address runs on past words that are labels elsewhere on the
        card (民族 in 民族大道), and a line holding one of them is still its value.
        """
        candidates: list[tuple[Cell, str]] = []
        for label in label_variants:
            for cell in self.cells:
                end = self._label_end(cell.text, label, label_variants)
                if end is None:
                    continue
                after = cell.text[self._joined_label_end(cell.text, end) :]
                rest = self._cut_at_next_label(after, ends)
                if rest:
                    candidates.append((cell, rest))
                    continue
                beside = [self.right_of(cell)] + ([self.below(cell)] if below else [])
                for neighbour in beside:
                    if neighbour is not None and not self._ends_value(neighbour.text, ends):
                        candidates.append(
                            (neighbour, self._cut_at_next_label(neighbour.text, ends))
                        )
        return candidates

    def _ends_value(self, text: str, ends: Sequence[str] | None) -> bool:
        """Whether a line is another label's rather than a value's: it holds a label (of `ends`,
        where given)."""
        if ends is None:
            return self.is_label(text)
        return any(label in text for label in ends)

    def has_label(self, label_variants: Sequence[str]) -> bool:
        """Whether any of the labels is printed on the page (as itself, not inside another)."""
        return any(
            self._label_end(cell.text, label, label_variants) is not None
            for label in label_variants
            for cell in self.cells
        )

    def read(self, label_variants: Sequence[str], parse: Callable[[str], T | None]) -> T | None:
        """The first value candidate of the label that parses."""
        for _, text in self.value_candidates(label_variants):
            if carries_label(text):
                continue
            value = parse(text)
            if value is not None:
                return value
        return None

    def right_of(self, cell: Cell) -> Cell | None:
        """The nearest cell to the right on the same row; values printed over pre-printed labels
        may sit up to half a line off it."""
        row = [
            other
            for other in self.cells
            if other is not cell
            and (other.x0 >= cell.x1 - 0.5 * cell.height or _mostly_beyond(other, cell))
            and cell.same_row(other, ROW_TOLERANCE)
        ]
        return min(row, key=lambda other: other.x0, default=None)

    def left_of(self, cell: Cell) -> Cell | None:
        row = [
            other
            for other in self.cells
            if other is not cell
            and other.x1 <= cell.x0 + 0.5 * cell.height
            and cell.same_row(other, ROW_TOLERANCE)
        ]
        return max(row, key=lambda other: other.x1, default=None)

    def below(self, cell: Cell) -> Cell | None:
        """The nearest cell under this one, overlapping it horizontally, within two line heights."""
        under = [
            other
            for other in self.cells
            if other.y0 >= cell.cy
            and other.y0 - cell.y1 < 2 * cell.height
            and min(other.x1, cell.x1) - max(other.x0, cell.x0) > 0
            and not cell.same_row(other)
        ]
        return min(under, key=lambda other: other.y0, default=None)

    def continuation(self, cell: Cell, ends: Sequence[str] | None = None) -> Cell | None:
        """The next line of a value that wraps: left-aligned with it and directly beneath, and no
        other label's line (`ends` as in value_candidates)."""
        for other in self.cells:
            if (
                other.y0 > cell.cy
                and other.y0 - cell.y1 < 0.8 * cell.height
                and abs(other.x0 - cell.x0) < 1.2 * cell.height
                and not self._ends_value(other.text, ends)
            ):
                return other
        return None

    def is_label(self, text: str) -> bool:
        """Whether the text holds a label, or is the start of one whose end went unread."""
        return any(
            label in text or (len(text) >= _LABEL_HEAD and label.startswith(text))
            for label in self.labels
        )

"""Claim documents printed in a family's style: its wordings, layout, date and amount forms,
fonts, print effect and paper. The ground truth is the same whatever the style."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import ocr_synth.data as data
from ocr_synth.documents import Rendered, Sheet
from ocr_synth.families import Style
from ocr_synth.fonts import Face, font

INK = (25, 25, 25)
MARGIN = 40
LEADER = "·····"  # the dots joining a label to its value in the `leader` layout
SPREAD = 4  # characters whose width the `spread` layout spreads a shorter label over


def date_text(day: date, style: str, rng: random.Random) -> str:
    """The day in one of the date forms; `iso_time` and `slash_minute` add the time of day a
    cashier's system or a kiosk stamps (drawn from rng)."""
    if style == "compact_seconds":
        # As card terminals and some billing systems stamp it: the day's digits run together.
        seconds = rng.randint(8 * 3600, 18 * 3600)
        return f"{day:%Y%m%d} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if style == "dash_bare_minute":
        minutes = rng.randint(7 * 60, 20 * 60)
        return f"{day.year}-{day.month}-{day.day} {minutes // 60}:{minutes % 60:02d}"
    if style == "slash_bare_ampm":
        # As older Windows systems print a time in the zh-CN culture: 上午/下午 and a 12-hour clock.
        seconds = rng.randint(8 * 3600, 18 * 3600)
        hour = seconds // 3600
        half = "上午" if hour < 12 else "下午"
        clock = f"{(hour - 1) % 12 + 1}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return f"{day.year}/{day.month}/{day.day} {half}{clock}"
    if style in ("dot_minute", "cn_tight_minute"):
        minutes = rng.randint(7 * 60, 20 * 60)
        clock = f"{minutes // 60:02d}:{minutes % 60:02d}"
        if style == "dot_minute":
            return f"{day:%Y.%m.%d} {clock}"
        return f"{day.year}年{day.month}月{day.day}日{clock}"
    if style == "slash_bare_seconds":
        # As a .NET-built hospital system prints a time in the zh-CN culture (yyyy/M/d H:mm:ss).
        seconds = rng.randint(8 * 3600, 18 * 3600)
        clock = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return f"{day.year}/{day.month}/{day.day} {clock}"
    if style == "cn_hour_minute":
        minutes = rng.randint(7 * 60, 20 * 60)
        return f"{day.year}年{day.month}月{day.day}日 {minutes // 60}时{minutes % 60:02d}分"
    if style in ("slash_seconds", "cn_padded_seconds"):
        seconds = rng.randint(8 * 3600, 18 * 3600)
        clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if style == "slash_seconds":
            return f"{day:%Y/%m/%d} {clock}"
        return f"{day:%Y}年{day:%m}月{day:%d}日 {clock}"
    if style in ("cn_padded_minute", "dash_minute"):
        minutes = rng.randint(7 * 60, 20 * 60)
        day_part = f"{day:%Y}年{day:%m}月{day:%d}日" if style == "cn_padded_minute" else f"{day}"
        return f"{day_part} {minutes // 60:02d}:{minutes % 60:02d}"
    if style == "dot_seconds":
        seconds = rng.randint(8 * 3600, 18 * 3600)
        return f"{day:%Y.%m.%d} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if style == "slash_minute":
        minutes = rng.randint(7 * 60, 20 * 60)
        return f"{day:%Y/%m/%d} {minutes // 60:02d}:{minutes % 60:02d}"
    if style == "iso_time":
        seconds = rng.randint(8 * 3600, 18 * 3600)
        return (
            f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        )
    forms = {
        "iso": day.isoformat(),
        "cn": f"{day.year}年{day.month}月{day.day}日",
        "dot": f"{day:%Y.%m.%d}",
        "slash": f"{day:%Y/%m/%d}",
        "compact": f"{day:%Y%m%d}",
        "cn_padded": f"{day:%Y}年{day:%m}月{day:%d}日",
        "cn_spaced": f"{day.year} 年 {day.month} 月 {day.day} 日",
        "dot_bare": f"{day.year}.{day.month}.{day.day}",
        "dash_bare": f"{day.year}-{day.month}-{day.day}",
        "cn_weekday": f"{day.year}年{day.month}月{day.day}日 星期{'一二三四五六日'[day.weekday()]}",
        "slash_bare": f"{day.year}/{day.month}/{day.day}",
    }
    return forms[style]


def amount_text(value: Decimal, style: str, rng: random.Random) -> str:
    plain = f"{value:.2f}"
    grouped = f"{value:,.2f}"
    # Forms added later draw only when chosen, so the sets of the older families stay the same.
    if style == "yen_grouped":
        return rng.choice(("¥", "￥")) + grouped
    if style == "yen_space":
        return "￥ " + plain
    if style == "rmb_latin":
        return "RMB " + rng.choice((plain, grouped))
    if style == "yen_yuan":
        return "￥" + plain + "元"
    if style == "cny_grouped":
        return "CNY " + grouped
    if style == "yen_space_grouped":
        return "¥ " + grouped
    if style == "rmb_grouped":
        return "人民币 " + grouped
    if style == "grouped_yuan_spaced":
        return grouped + " 元"
    if style == "trimmed":
        # A till's figure: trailing zeros of the fraction dropped (56.50 → 56.5, 12.00 → 12).
        return plain.rstrip("0").rstrip(".")
    if style == "trimmed_yuan":
        return plain.rstrip("0").rstrip(".") + "元"
    if style == "rmb_tight":
        return "RMB" + plain
    if style == "cny":
        return "CNY " + plain
    if style == "yuan_spaced":
        return plain + " 元"
    if style == "yuan_grouped":
        return grouped + "元"
    forms = {
        "plain": plain,
        "yen": rng.choice(("¥", "￥", "")) + plain,
        "thousands": grouped,
        "yuan": plain + "元",
        "yen_thousands_yuan": rng.choice(("¥", "￥")) + grouped + rng.choice(("元", "")),
        "rmb": "人民币" + rng.choice((plain, grouped)) + "元",
    }
    return forms[style]


# How much wider than the font draws it each print effect prints a line.
EFFECT_WIDTHS = {"condensed": 0.82, "wide": 1.18}


def _effect_mask(mask: Image.Image, effect: str, size: int) -> Image.Image:
    if effect in EFFECT_WIDTHS:
        return mask.resize((max(1, round(mask.width * EFFECT_WIDTHS[effect])), mask.height))
    if effect == "faded":
        # A worn ribbon: the ink pale, and paler still along every few pin rows.
        pixels = np.asarray(mask, dtype=np.float32)
        pitch = max(3, round(size / 7))
        rows = np.where(np.arange(pixels.shape[0]) % pitch == 0, 0.45, 0.7)
        return Image.fromarray((pixels * rows[:, None]).astype(np.uint8))
    if effect == "thermal":
        # A thermal head: grey print, and a few dead dots leaving hairline gaps down the glyphs.
        pixels = np.asarray(mask, dtype=np.float32) * 0.68
        columns = np.arange(pixels.shape[1])
        pixels[:, (columns % 29 == 7) | (columns % 43 == 19)] = 0
        return Image.fromarray(pixels.astype(np.uint8))
    if effect == "bleed":
        # Ink soaked into soft paper: strokes a little fatter, their edges soft.
        soft = mask.filter(ImageFilter.GaussianBlur(max(0.6, size / 45)))
        return soft.point(lambda level: min(255, round(level * 1.4)))
    if effect == "double_strike":
        # A ribbon printer striking each line twice, the second a pixel or two to the right.
        pixels = np.asarray(mask, dtype=np.float32)
        step = max(1, round(size / 16))
        struck = np.zeros((pixels.shape[0], pixels.shape[1] + step), np.float32)
        struck[:, : pixels.shape[1]] = pixels
        struck[:, step:] = np.maximum(struck[:, step:], pixels * 0.75)
        return Image.fromarray(struck.astype(np.uint8))
    if effect == "toner":
        # A laser printer short of toner: pale print with specks missing, paler in one band.
        pixels = np.asarray(mask, dtype=np.float32) * 0.78
        specks = np.random.default_rng(pixels.shape[0] * 7919 + pixels.shape[1])
        pixels *= specks.random(pixels.shape) > 0.12
        rows = np.arange(pixels.shape[0])
        pixels[(rows % max(4, size // 2)) < 2] *= 0.6
        return Image.fromarray(pixels.astype(np.uint8))
    if effect == "carbon":
        # A carbon copy: strokes fuzzy and a little fat, pressed harder in some places than others.
        pixels = np.asarray(mask.filter(ImageFilter.GaussianBlur(max(0.7, size / 36))), np.float32)
        pressure = np.random.default_rng(pixels.shape[0] * 104729 + pixels.shape[1])
        knots = pressure.uniform(0.5, 1.0, max(2, pixels.shape[1] // max(8, size) + 2))
        along = np.interp(
            np.arange(pixels.shape[1]), np.linspace(0, pixels.shape[1] - 1, knots.size), knots
        )
        return Image.fromarray(np.clip(pixels * 1.3 * along[None, :], 0, 255).astype(np.uint8))
    if effect == "pixelated":
        # Printed from a low-resolution image: every glyph drawn in blocks of a few pixels.
        block = max(2, round(size / 13))
        low = (max(1, mask.width // block), max(1, mask.height // block))
        small = mask.resize(low, Image.Resampling.BOX)
        return small.resize((small.width * block, small.height * block), Image.Resampling.NEAREST)
    if effect == "clogged":
        # An ink-jet head with clogged nozzles: hairline gaps across every line at the nozzles'
        # pitch, the ink a little feathered into the paper.
        pixels = np.asarray(mask.filter(ImageFilter.GaussianBlur(0.6)), np.float32)
        pitch = max(5, round(size / 4))
        rows = np.arange(pixels.shape[0]) % pitch
        pixels[(rows == 1) | (rows == pitch // 2 + 1)] *= 0.08
        return Image.fromarray(np.clip(pixels * 1.15, 0, 255).astype(np.uint8))
    if effect == "ribbon_low":
        # A needle printer's ribbon riding low: the upper part of each line struck faint.
        pixels = np.asarray(mask, dtype=np.float32)
        share = np.linspace(0, 1, pixels.shape[0])
        strength = np.clip(0.3 + (share - 0.3) * 2.8, 0.3, 0.92)
        return Image.fromarray((pixels * strength[:, None]).astype(np.uint8))
    if effect == "smudged":
        # A laser printer's fuser dragging loose toner: a grey smear trailing down from every
        # stroke, the strokes themselves a little grey.
        pixels = np.asarray(mask, dtype=np.float32)
        trail = max(3, round(size / 5))
        smear = np.zeros_like(pixels)
        for step in range(1, trail + 1):
            smear[step:] = np.maximum(smear[step:], pixels[:-step] * (0.42 * (1 - step / trail)))
        return Image.fromarray(np.clip(np.maximum(pixels * 0.82, smear), 0, 255).astype(np.uint8))
    if effect == "sun_faded":
        # Thermal paper left in the sun: the print faded to a pale brown-grey, more in some
        # places along the line than in others.
        pixels = np.asarray(mask, dtype=np.float32)
        light = np.random.default_rng(pixels.shape[0] * 7877 + pixels.shape[1])
        knots = light.uniform(0.34, 0.6, max(2, pixels.shape[1] // max(12, size * 2) + 2))
        along = np.interp(
            np.arange(pixels.shape[1]), np.linspace(0, pixels.shape[1] - 1, knots.size), knots
        )
        return Image.fromarray((pixels * along[None, :]).astype(np.uint8))
    if effect == "dot_matrix":
        pixels = np.asarray(mask, dtype=np.float32)
        pitch = max(2, round(size / 10))
        ys, xs = np.mgrid[0 : pixels.shape[0], 0 : pixels.shape[1]]
        dots = ((ys % pitch) < pitch * 0.75) & ((xs % pitch) < pitch * 0.75)
        return Image.fromarray((pixels * dots * 0.85).astype(np.uint8))
    return mask


class StyledSheet(Sheet):
    """A sheet that prints labels and values as the style says."""

    def __init__(self, size: tuple[int, int], style: Style) -> None:
        super().__init__(size, style.paper, style.face)
        self.style = style

    def put(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        *,
        fill: tuple[int, int, int] = INK,
        face: Face | None = None,
        effect: str = "none",
    ) -> tuple[int, int, int, int]:
        """Print text with its top-left at (x, y); the box it covers."""
        typeface = font(face or self.face, size)
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=typeface)
        mask = Image.new("L", (round(right - left) + 2, round(bottom - top) + 2), 0)
        ImageDraw.Draw(mask).text((-left + 1, -top + 1), text, font=typeface, fill=255)
        mask = _effect_mask(mask, effect, size)
        origin = (round(x), round(y + top))
        self.image.paste(Image.new("RGB", mask.size, fill), origin, mask)
        box = (origin[0], origin[1], origin[0] + mask.width, origin[1] + mask.height)
        self.boxes.append(box)
        return box

    def measure(
        self, text: str, size: int, face: Face | None = None, effect: str = "none"
    ) -> float:
        width = self.draw.textlength(text, font=font(face or self.face, size))
        return width * EFFECT_WIDTHS.get(effect, 1.0)


@dataclass
class Pair:
    label: str
    value: str


class Printer:
    """Rows of label/value pairs in one of the layouts:
    - inline: label, colon and value on one line;
    - grid: label and value in cells of a ruled table;
    - stacked: a small label with its value on the line below;
    - offset: pre-printed labels, values printed beside them off register, as printers do;
    - columns: two columns of pairs, each value at a tab after the longest label;
    - ruled: label, then the value printed on a ruled line, as on a pre-printed form;
    - boxed: each pair in a ruled cell, a small label at its top and the value under it;
    - triple: three columns of pairs, each value at a tab after the longest label;
    - shaded: each label in a cell shaded with its ink's tint, the value beside it;
    - leader: label, a dotted leader, then the value;
    - spread: a label shorter than four characters spread to their width (姓　　名), as forms
      justify their labels, then colon and value;
    - flush: two columns of pairs, each value set flush right at its column's edge (a pair alone
      or too wide for a column across the whole row), as settlement slips print them;
    - form: a ruled form across the page, two label and value cells to a pair and two pairs a row
      (a pair too wide for half the row, or alone, across the whole row);
    - right_labels: two columns of pairs, each label set flush right against one colon line
      and its value after it (a label longer than that line where its column starts);
    - bracketed: each label in 【】 brackets and no colon, its value after it;
    - barred: pairs run on along the line, label, colon and value, parted by upright bars."""

    def __init__(self, sheet: StyledSheet, size: int, rng: random.Random, colon: bool = True):
        self.sheet, self.size, self.rng = sheet, size, rng
        self.style = sheet.style
        self.colon = rng.choice(("：", ":", "： ")) if colon else " "

    def _value(self, x: float, y: float, text: str) -> float:
        style = self.style
        box = self.sheet.put(
            x, y, text, self.size, face=style.value_face, effect=style.effect, fill=INK
        )
        return box[2]

    def _label(self, x: float, y: float, text: str, size: int | None = None) -> float:
        box = self.sheet.put(x, y, text, size or self.size, fill=self.style.label_ink)
        return box[2]

    def width(self, pair: Pair) -> float:
        s, sheet, layout = self.size, self.sheet, self.style.layout
        value = sheet.measure(pair.value, s, self.style.value_face, self.style.effect)
        label = sheet.measure(pair.label + self.colon.strip(), s)
        if layout == "grid":
            return label + value + 64
        if layout == "stacked":
            return max(label * 0.75, value)
        if layout == "ruled":
            return label + value + 60
        if layout == "boxed":
            return max(label * 0.7, value) + 28
        if layout == "shaded":
            return label + value + 40
        if layout == "leader":
            return label + value + sheet.measure(LEADER, s) + 16
        if layout == "spread":
            return max(label, sheet.measure("国" * SPREAD + self.colon.strip(), s)) + value + 6
        if layout == "bracketed":
            return sheet.measure(f"【{pair.label}】", s) + value + 4
        return label + value + (30 if layout == "offset" else 6)

    def row_height(self) -> float:
        return (
            self.size
            * {
                "inline": 1.75,
                "grid": 2.0,
                "stacked": 2.9,
                "offset": 2.0,
                "columns": 1.8,
                "ruled": 2.0,
                "boxed": 3.3,
                "triple": 1.8,
                "shaded": 2.0,
                "leader": 1.8,
                "spread": 1.9,
                "flush": 1.8,
                "form": 1.9,
                "right_labels": 1.8,
                "bracketed": 1.8,
                "barred": 1.8,
            }[self.style.layout]
        )

    def pair(self, x: float, y: float, pair: Pair) -> None:
        layout, s = self.style.layout, self.size
        if layout in ("inline", "barred"):
            end = self._label(x, y, pair.label + self.colon.rstrip())
            self._value(end + (6 if self.colon.endswith(" ") else 1), y, pair.value)
        elif layout == "grid":
            label_w = self.sheet.measure(pair.label, s) + 24
            value_w = self.sheet.measure(pair.value, s, self.style.value_face, self.style.effect)
            top, bottom = y - s * 0.3, y + s * 1.5
            outline = (110, 110, 110)
            self.sheet.draw.rectangle((x - 8, top, x + label_w, bottom), outline=outline, width=2)
            self.sheet.draw.rectangle(
                (x + label_w, top, x + label_w + value_w + 32, bottom), outline=outline, width=2
            )
            self._label(x + 4, y, pair.label)
            self._value(x + label_w + 16, y, pair.value)
        elif layout == "stacked":
            self._label(x, y, pair.label, round(s * 0.75))
            self._value(x, y + s * 1.2, pair.value)
        elif layout == "boxed":
            small = round(s * 0.7)
            cell = self.width(pair)
            self.sheet.draw.rectangle(
                (x - 10, y - s * 0.35, x - 10 + cell, y + s * 2.75),
                outline=(100, 100, 100),
                width=2,
            )
            self._label(x + 4, y - s * 0.15, pair.label, small)
            self._value(x + 4, y + s * 1.05, pair.value)
        elif layout == "shaded":
            label_w = self.sheet.measure(pair.label, s) + 20
            red, green, blue = (round(255 - (255 - c) * 0.16) for c in self.style.label_ink)
            self.sheet.draw.rectangle(
                (x - 8, y - s * 0.3, x + label_w, y + s * 1.45), fill=(red, green, blue)
            )
            self._label(x + 2, y, pair.label)
            self._value(x + label_w + 14, y, pair.value)
        elif layout == "leader":
            end = self._label(x, y, pair.label)
            dots_end = self.sheet.put(end + 4, y, LEADER, s, fill=(120, 120, 120))[2]
            self.sheet.boxes.pop()  # the dots print no text to read
            self._value(dots_end + 8, y, pair.value)
        elif layout == "bracketed":
            end = self._label(x, y, f"【{pair.label}】")
            self._value(end + 2, y, pair.value)
        elif layout == "spread":
            end = self._spread_label(x, y, pair.label)
            self._value(end + (6 if self.colon.endswith(" ") else 1), y, pair.value)
        elif layout == "ruled":
            end = self._label(x, y, pair.label + self.colon.rstrip())
            value_w = self.sheet.measure(pair.value, s, self.style.value_face, self.style.effect)
            line_y = y + s * 1.4
            self.sheet.draw.line((end + 4, line_y, end + value_w + 50, line_y), fill=(90, 90, 90))
            self._value(end + 20, y, pair.value)
        else:  # offset
            end = self._label(x, y, pair.label)
            shift = self.rng.uniform(-0.2, 0.45) * s
            self._value(end + self.rng.randint(14, 34), y + shift, pair.value)

    def _spread_label(self, x: float, y: float, label: str) -> float:
        """The label's characters spaced evenly over the width of SPREAD characters (the last one
        carrying the colon); a longer label as it is. The x where it ends."""
        s, colon = self.size, self.colon.rstrip()
        span = self.sheet.measure("国" * SPREAD, s)
        if len(label) >= SPREAD or self.sheet.measure(label, s) >= span:
            return self._label(x, y, label + colon)
        last = self.sheet.measure(label[-1], s)
        step = (span - last) / (len(label) - 1) if len(label) > 1 else 0.0
        for index, char in enumerate(label[:-1]):
            self._label(x + index * step, y, char)
        return self._label(x + span - last, y, label[-1] + colon)

    def rows(self, y: float, pairs: list[Pair], width: int) -> float:
        """Print pairs left to right, wrapping at the sheet's width; the y below them."""
        if self.style.layout == "flush":
            return self._flush(y, pairs, width)
        if self.style.layout == "form":
            return self._form(y, pairs, width)
        if self.style.layout == "right_labels":
            return self._right_labels(y, pairs, width)
        if self.style.layout == "barred":
            return self._barred(y, pairs, width)
        if self.style.layout == "columns":
            return self._columns(y, pairs, width)
        if self.style.layout == "triple":
            return self._columns(y, pairs, width, count=3)
        x: float = MARGIN
        for pair in pairs:
            needed = self.width(pair)
            if x > MARGIN and x + needed > width - MARGIN:
                x, y = MARGIN, y + self.row_height()
            self.pair(x, y, pair)
            x += needed + self.rng.randint(44, 80)
        return y + self.row_height()

    def _columns(self, y: float, pairs: list[Pair], width: int, count: int = 2) -> float:
        """`count` pairs a row, each value at a tab after the longest label; a pair too wide for
        its column takes a row of its own."""
        s, sheet, style = self.size, self.sheet, self.style
        half = (width - 2 * MARGIN) / count
        tab = max(sheet.measure(pair.label + self.colon.strip(), s) for pair in pairs) + 16
        column = 0
        for pair in pairs:
            wide = tab + sheet.measure(pair.value, s, style.value_face, style.effect) > half - 24
            if column and wide:
                y, column = y + self.row_height(), 0
            x = MARGIN + column * half
            self._label(x, y, pair.label + self.colon.strip())
            self._value(x + tab, y, pair.value)
            column = 0 if wide else column + 1
            if column in (0, count):
                y, column = y + self.row_height(), 0
        return y + (self.row_height() if column else 0)

    def _flush(self, y: float, pairs: list[Pair], width: int) -> float:
        """Two pairs a row, each label at its column's left and its value ending at the column's
        right edge; a pair printed alone, or too wide for half the row, takes the whole row."""
        s, sheet, style = self.size, self.sheet, self.style
        gutter = 56  # between a value's end and the next column's label
        half = (width - 2 * MARGIN) / 2
        column = 0
        for pair in pairs:
            label = pair.label + self.colon.strip()
            value_w = sheet.measure(pair.value, s, style.value_face, style.effect)
            wide = len(pairs) == 1 or sheet.measure(label, s) + 30 + value_w > half - gutter
            if column and wide:
                y, column = y + self.row_height(), 0
            x = MARGIN + column * half
            right = width - MARGIN if wide else x + half - gutter
            self._label(x, y, label)
            self._value(right - value_w, y, pair.value)
            column = 0 if wide else column + 1
            if column in (0, 2):
                y, column = y + self.row_height(), 0
        return y + (self.row_height() if column else 0)

    def _form(self, y: float, pairs: list[Pair], width: int) -> float:
        """Pairs in ruled cells, label then value, two pairs a row; a row left half full keeps
        its empty cells, as a printed form does."""
        s, sheet, style = self.size, self.sheet, self.style
        left, right = MARGIN - 10, width - MARGIN + 10
        half = (right - left) / 2
        height = self.row_height()
        # Label cells as wide as six characters, so the forms' columns line up; wider for a
        # longer label.
        label_cell = min(sheet.measure("国" * 6, s) + 22, half * 0.55)
        _, glyph_top, _, glyph_bottom = font(style.face, s).getbbox("国")
        outline = (70, 70, 70)

        def cells(x: float, label_w: float, end: float) -> None:
            top = y + (glyph_top + glyph_bottom) / 2 - height / 2  # the text centred in its row
            sheet.draw.rectangle((x, top, x + label_w, top + height), outline=outline, width=2)
            sheet.draw.rectangle((x + label_w, top, end, top + height), outline=outline, width=2)

        column = 0
        for pair in pairs:
            label_w = max(label_cell, sheet.measure(pair.label, s) + 22)
            value_w = sheet.measure(pair.value, s, style.value_face, style.effect)
            wide = len(pairs) == 1 or label_w + value_w + 24 > half
            if column and wide:
                cells(left + half, label_cell, right)
                y, column = y + height, 0
            x = left + column * half
            cells(x, label_w, right if wide else x + half)
            self._label(x + 10, y, pair.label)
            self._value(x + label_w + 12, y, pair.value)
            column = 0 if wide else column + 1
            if column in (0, 2):
                y, column = y + height, 0
        if column:
            cells(left + half, label_cell, right)
            y += height
        return y

    def _right_labels(self, y: float, pairs: list[Pair], width: int) -> float:
        """Two pairs a row, each label ending at its column's colon line (six characters in)
        and its value after it; a pair too wide for its column, or alone, takes the whole row."""
        s, sheet, style = self.size, self.sheet, self.style
        colon = self.colon.strip()
        tab = sheet.measure("国" * 6 + colon, s)
        gap = 4 if colon and not self.colon.endswith(" ") else 12
        half = (width - 2 * MARGIN) / 2
        column = 0
        for pair in pairs:
            label = pair.label + colon
            label_w = sheet.measure(label, s)
            start = max(tab, label_w) + gap
            value_w = sheet.measure(pair.value, s, style.value_face, style.effect)
            wide = len(pairs) == 1 or start + value_w > half - 24
            if column and wide:
                y, column = y + self.row_height(), 0
            x = MARGIN + column * half
            self._label(x + max(tab - label_w, 0), y, label)
            self._value(x + start, y, pair.value)
            column = 0 if wide else column + 1
            if column in (0, 2):
                y, column = y + self.row_height(), 0
        return y + (self.row_height() if column else 0)

    def _barred(self, y: float, pairs: list[Pair], width: int) -> float:
        """Pairs run on along the line as inline ones, an upright bar between two pairs on one
        line; a pair that does not fit starts the next line."""
        s, sheet = self.size, self.sheet
        gap = 22  # each side of a bar
        x: float = MARGIN
        for pair in pairs:
            needed = self.width(pair)
            if x > MARGIN and x + 2 * gap + needed > width - MARGIN:
                x, y = MARGIN, y + self.row_height()
            if x > MARGIN:
                _, top, _, bottom = font(self.style.face, s).getbbox("国")
                bar = x + gap
                sheet.draw.line((bar, y + top - 4, bar, y + bottom + 4), fill=(90, 90, 90), width=2)
                x = bar + gap
            self.pair(x, y, pair)  # as `inline`
            x += needed
        return y + self.row_height()


def _crop(sheet: StyledSheet, bottom: float) -> None:
    sheet.image = sheet.image.crop((0, 0, sheet.image.width, round(bottom)))
    sheet.draw = ImageDraw.Draw(sheet.image)


def _stamp(sheet: StyledSheet, cx: float, cy: float, text: str = "财务专用章") -> None:
    r = 60
    sheet.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 40, 40), width=3)
    stamp = font(sheet.face, 20 if len(text) <= 5 else 16)
    sheet.draw.text(
        (cx - sheet.draw.textlength(text, font=stamp) / 2, cy - 12),
        text,
        font=stamp,
        fill=(200, 40, 40),
    )


def _person(rng: random.Random, style: Style) -> str:
    """A patient's or card holder's name from the family's pool."""
    if style.people:
        return style.people.name(rng)
    return data.person_name(rng, held_out=style.held_out_people)


def _staff(rng: random.Random, style: Style) -> str:
    """A cashier's or doctor's name: the family's own pool, or the shared one."""
    return style.people.name(rng) if style.people else data.person_name(rng)


def _hospitals(style: Style) -> tuple[str, ...]:
    if style.people:
        return style.people.hospitals
    return data.HELD_OUT_HOSPITALS if style.held_out_people else data.HOSPITALS


def _issuers(style: Style, issuer: str) -> tuple[str, ...]:
    """Who issues a paper: a hospital, a traditional Chinese medicine hospital, or where the
    family has them, one of its pharmacies or private hospitals."""
    if style.people and issuer == "pharmacy" and style.people.pharmacies:
        return style.people.pharmacies
    if style.people and issuer == "private" and style.people.private_hospitals:
        return style.people.private_hospitals
    if issuer == "tcm":  # a traditional Chinese medicine hospital's own form
        return tuple(name for name in _hospitals(style) if "中医" in name) or _hospitals(style)
    return _hospitals(style)


def _regions(style: Style) -> tuple[tuple[str, str, str], ...]:
    return style.people.regions if style.people else data.REGIONS


def _invoice_fields(rng: random.Random, style: Style, today: date) -> dict[str, str]:
    # (a pharmacy sells to out-patients: the draw is made all the same, so other sets stay as
    # they were)
    inpatient = rng.random() < 0.35 and style.invoice.issuer != "pharmacy"
    hospitals = _issuers(style, style.invoice.issuer)
    total = Decimal(rng.randint(1_000, 800_000 if inpatient else 150_000)) / 100
    ratio = rng.choice((Decimal(0), Decimal("0.3"), Decimal("0.5"), Decimal("0.7")))
    insurance = (total * ratio).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return {
        "invoice_code": _digits(rng, rng.choice((8, 9, 12))),
        "invoice_number": str(rng.randint(1_000_000_000, 9_999_999_999)),
        "payer_name": _person(rng, style),
        "hospital": rng.choice(hospitals),
        "issue_date": data.random_date(rng, today - timedelta(days=400), today).isoformat(),
        "total_amount": f"{total:.2f}",
        "insurance_paid": f"{insurance:.2f}",
        "self_paid": f"{total - insurance:.2f}",
        "visit_type": "inpatient" if inpatient else "outpatient",
    }


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randint(10 ** (count - 1), 10**count - 1))


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    cents = int(total * 100)
    cuts = sorted(rng.sample(range(1, cents), parts - 1)) if cents > parts else []
    edges = [0, *cuts, cents]
    return [Decimal(b - a) / 100 for a, b in pairwise(edges)]


def _extra(label: str, kind: str, rng: random.Random, style: Style, issued: date) -> Pair:
    label = label.format(kind=kind)
    if label.endswith("号"):
        value = str(rng.randint(1_000_000, 99_999_999))
    elif label in ("校验码", "票据校验码"):
        value = "".join(rng.choice("0123456789abcdef") for _ in range(6))
    elif label == "交款人统一社会信用代码":
        region, _, _ = rng.choice(_regions(style))
        born = data.random_date(rng, date(1950, 1, 1), date(2005, 1, 1))
        value = data.id_number(rng, region, born, rng.random() < 0.5)
    elif label == "业务流水号":
        value = str(rng.randint(10**11, 10**12 - 1))
    elif label == "就诊日期":
        value = date_text(issued - timedelta(days=rng.randint(1, 12)), style.dates, rng)
    elif label == "医保类型":
        value = rng.choice(("城镇职工基本医疗保险", "城乡居民基本医疗保险"))
    elif label in ("险种类型", "参保类型"):
        value = rng.choice(("职工基本医疗保险", "城乡居民基本医疗保险"))
    elif label == "医疗类别":
        value = "普通住院" if kind == "住院" else rng.choice(("普通门诊", "门诊慢特病", "急诊"))
    elif label == "医疗机构类型":
        value = rng.choice(("综合医院", "中医医院", "专科医院", "基层医疗卫生机构"))
    elif label == "人员类别":
        value = rng.choice(("在职职工", "退休人员", "城乡居民", "灵活就业人员"))
    elif label == "支付方式":
        value = rng.choice(("微信支付", "支付宝", "银行卡", "医保个人账户", "现金"))
    elif label == "参保地":
        value = rng.choice(_regions(style))[1]
    elif label == "医保支付方式":
        value = rng.choice(("按项目", "按病种分值", "疾病诊断相关分组（DRG）", "按床日"))
    elif label in ("就诊科室", "科别"):
        value = rng.choice(data.DEPARTMENTS)
    else:  # 收款人, 复核人, 收款员, 经办人员, 开票人, 操作员, 开票员, 收银员, 执业药师, 主诊医生
        value = _staff(rng, style)
    return Pair(label, value)


def medical_invoice(rng: random.Random, style: Style, today: date) -> Rendered:
    fields = _invoice_fields(rng, style, today)
    wording = style.invoice
    kind = "住院" if fields["visit_type"] == "inpatient" else wording.outpatient
    issued = date.fromisoformat(fields["issue_date"])
    width = rng.choice((1100, 1240, 1400))
    if wording.narrow:
        width = 760  # a kiosk's till roll
    s = rng.choice((24, 26, 28))
    sheet = StyledSheet((width, 2400), style)
    printer = Printer(sheet, s, rng)
    regions = style.people.invoice_regions if style.people else data.INVOICE_REGIONS
    title = wording.title.format(region=rng.choice(regions), kind=kind, hospital=fields["hospital"])
    sheet.centred(28, title, s + 8)
    money = {
        name: amount_text(Decimal(fields[name]), style.amounts, rng)
        for name in ("total_amount", "insurance_paid", "self_paid")
    }
    extras = [_extra(label, kind, rng, style, issued) for label in wording.extras]
    footer = [pair for pair in extras if pair.label in ("收款人", "复核人")]
    header = [
        Pair(wording.code, fields["invoice_code"]),
        Pair(wording.number, fields["invoice_number"]),
        Pair(wording.issue_date, date_text(issued, style.dates, rng)),
    ]
    if not wording.code:  # the slip prints no code: there is none to read
        del fields["invoice_code"], header[0]
    y = printer.rows(100, header, width)
    upper = [
        Pair(wording.payer, fields["payer_name"]),
        # (a pharmacy's slip names its member, not their sex)
        *([] if wording.issuer == "pharmacy" else [Pair("性别", rng.choice("男女"))]),
        *(pair for pair in extras if pair not in footer),
    ]
    if not wording.hospital_at_foot:
        upper.append(Pair(wording.hospital, fields["hospital"]))
    y = printer.rows(y + 10, upper, width)
    y = _items_table(
        sheet, s, y + 6, Decimal(fields["total_amount"]), rng, width, wording.issuer == "pharmacy"
    )
    y += 12
    if wording.total_in_words:
        y = printer.rows(
            y,
            [Pair(wording.total_in_words, data.amount_in_words(Decimal(fields["total_amount"])))],
            width,
        )
    y = printer.rows(y, [Pair(wording.total, money["total_amount"])], width)
    y = printer.rows(
        y,
        [
            Pair(wording.insurance, money["insurance_paid"]),
            # (nothing was paid by these: the patient's share is all in the next line)
            *(
                Pair(label, amount_text(Decimal(0), style.amounts, rng))
                for label in wording.payments
            ),
            Pair(wording.self_paid, money["self_paid"]),
        ],
        width,
    )
    foot = list(footer)
    if wording.hospital_at_foot:
        foot.insert(0, Pair(wording.hospital, fields["hospital"]))
    if foot:
        y = printer.rows(y + 10, foot, width)
    if wording.note:
        y = sheet.put(MARGIN, y + 6, wording.note, max(16, s - 8), fill=(80, 80, 80))[3] + 10
    if wording.stamp_below:
        y += 140
    _stamp(sheet, width - rng.randint(230, 320), y - 90, wording.seal)
    _crop(sheet, y + rng.randint(30, 90))
    return sheet.done("medical_invoice", fields)


def _items_table(
    sheet: StyledSheet,
    s: int,
    y: float,
    total: Decimal,
    rng: random.Random,
    width: int,
    drugs: bool = False,
) -> float:
    """The billed items and their amounts in a ruled box: a pharmacy's drugs, or a bill's
    items."""
    items = rng.sample(data.PHARMACY_ITEMS if drugs else data.INVOICE_ITEMS, rng.randint(2, 5))
    amounts = _split(total, len(items), rng)
    top = y - 4
    amount_x = width // 2
    sheet.put(50, y + 6, "商品名称" if drugs else "项目名称", s)
    sheet.put(amount_x, y + 6, "金额" if drugs else "金额(元)", s)
    for item, amount in zip(items, amounts, strict=True):
        y += s * 1.6
        sheet.put(50, y + 6, item, s)
        sheet.put(amount_x, y + 6, f"{amount:.2f}", s, face=sheet.style.value_face)
    y += s * 1.9
    sheet.draw.rectangle((30, top, width - 30, y), outline=(60, 60, 60), width=2)
    return y + 10


def _record(
    rng: random.Random, style: Style, today: date, summary: bool
) -> tuple[StyledSheet, Printer, dict[str, str], float]:
    wording = style.record
    fields = {
        "patient_name": _person(rng, style),
        "hospital": rng.choice(_issuers(style, wording.issuer)),
        "diagnosis": rng.choice(data.DIAGNOSES),
    }
    width = rng.choice((1000, 1100))
    sheet = StyledSheet((width, 2200), style)
    sheet.centred(70, fields["hospital"], 40)
    sheet.centred(140, wording.summary_title if summary else wording.certificate_title, 44)
    printer = Printer(sheet, 28, rng, colon=wording.colon)
    return sheet, printer, fields, 260.0


def diagnosis_certificate(rng: random.Random, style: Style, today: date) -> Rendered:
    sheet, printer, fields, y = _record(rng, style, today, summary=False)
    wording = style.record
    issued = data.random_date(rng, today - timedelta(days=400), today)
    fields["issue_date"] = issued.isoformat()
    width = sheet.image.width
    y = printer.rows(
        y,
        [
            Pair(wording.patient, fields["patient_name"]),
            Pair("性别", rng.choice("男女")),
            Pair("年龄", f"{rng.randint(3, 90)}岁"),
        ],
        width,
    )
    y = printer.rows(
        y + 20,
        [
            Pair(wording.department, rng.choice(data.DEPARTMENTS)),
            Pair("门诊号", str(rng.randint(10_000_000, 99_999_999))),
        ],
        width,
    )
    for pair in (
        Pair(wording.diagnosis, fields["diagnosis"]),
        Pair(wording.advice, rng.choice(data.ADVICE)),
        Pair(wording.doctor, _staff(rng, style)),
        Pair(wording.issue_date, date_text(issued, style.dates, rng)),
    ):
        y = printer.rows(y + 20, [pair], width)
    _crop(sheet, y + 80)
    return sheet.done("diagnosis_certificate", fields)


def discharge_summary(rng: random.Random, style: Style, today: date) -> Rendered:
    sheet, printer, fields, y = _record(rng, style, today, summary=True)
    wording = style.record
    discharged = data.random_date(rng, today - timedelta(days=400), today - timedelta(days=1))
    admitted = discharged - timedelta(days=rng.randint(2, 20))
    fields |= {
        "issue_date": discharged.isoformat(),
        "admission_date": admitted.isoformat(),
        "discharge_date": discharged.isoformat(),
    }
    width = sheet.image.width
    y = printer.rows(
        y,
        [Pair(wording.patient, fields["patient_name"]), Pair("性别", rng.choice("男女"))],
        width,
    )
    for pair in (
        Pair("住院号", str(rng.randint(100_000, 999_999))),
        Pair(wording.admission, date_text(admitted, style.dates, rng)),
        Pair(wording.discharge, date_text(discharged, style.dates, rng)),
        Pair("入院诊断", rng.choice(data.DIAGNOSES)),
        Pair("出院诊断", fields["diagnosis"]),
        Pair("出院医嘱", rng.choice(data.ADVICE)),
        Pair(wording.doctor, _staff(rng, style)),
        Pair(wording.issue_date, date_text(discharged, style.dates, rng)),
    ):
        y = printer.rows(y + 14, [pair], width)
    _crop(sheet, y + 80)
    return sheet.done("discharge_summary", fields)


_CARD = (856, 540)


def _card_paper(style: Style) -> tuple[int, int, int]:
    r, g, b = style.paper
    return (min(r, 238), min(g, 240), min(b, 236))


def id_card_front(rng: random.Random, style: Style, today: date) -> Rendered:
    born = data.random_date(rng, date(1950, 1, 1), today - timedelta(days=18 * 366))
    male = rng.random() < 0.5
    region, place, _ = rng.choice(_regions(style))
    name = _person(rng, style)
    streets = style.people.streets if style.people else data.STREETS
    address = f"{place}{rng.choice(streets)}{rng.randint(1, 300)}号"
    if rng.random() < 0.6:
        address += f"{rng.randint(1, 30)}栋{rng.randint(101, 2999)}室"
    fields = {
        "name": name,
        "gender": "男" if male else "女",
        "ethnicity": rng.choice(data.ETHNICITIES),
        "birth_date": born.isoformat(),
        "address": address,
        "id_number": data.id_number(rng, region, born, male),
    }
    sheet = StyledSheet(_CARD, style)
    sheet.image.paste(_card_paper(style), (0, 0, *_CARD))
    blue = style.label_ink
    sheet.draw.rectangle((600, 60, 800, 300), fill=(200, 204, 208))
    vf = style.value_face
    sheet.put(50, 58, "姓名", 26, fill=blue)
    sheet.put(150, 58, name, 30, face=vf)
    sheet.put(50, 122, "性别", 26, fill=blue)
    sheet.put(150, 122, fields["gender"], 28, face=vf)
    sheet.put(280, 122, "民族", 26, fill=blue)
    sheet.put(380, 122, fields["ethnicity"], 28, face=vf)
    sheet.put(50, 186, "出生", 26, fill=blue)
    sheet.put(150, 186, f"{born.year}年{born.month}月{born.day}日", 28, face=vf)
    sheet.put(50, 250, "住址", 26, fill=blue)
    for row, start in enumerate(range(0, len(address), 13)):
        sheet.put(150, 250 + 40 * row, address[start : start + 13], 28, face=vf)
    sheet.put(50, 448, "公民身份号码", 26, fill=blue)
    sheet.put(270, 446, fields["id_number"], 32, face=vf)
    return sheet.done("id_card_front", fields)


def id_card_back(rng: random.Random, style: Style, today: date) -> Rendered:
    _, _, authority = rng.choice(_regions(style))
    valid_from = data.random_date(rng, today - timedelta(days=365 * 15), today - timedelta(days=30))
    fields = {"issuing_authority": authority, "valid_from": valid_from.isoformat()}
    term_end = "长期"
    if rng.random() >= 0.15:
        valid_to = valid_from.replace(year=valid_from.year + rng.choice((5, 10, 20)))
        fields["valid_to"] = valid_to.isoformat()
        term_end = f"{valid_to:%Y.%m.%d}"
    sheet = StyledSheet(_CARD, style)
    sheet.image.paste(_card_paper(style), (0, 0, *_CARD))
    sheet.put((856 - sheet.measure("中华人民共和国", 36)) / 2, 70, "中华人民共和国", 36)
    sheet.put((856 - sheet.measure("居民身份证", 46)) / 2, 136, "居民身份证", 46)
    sheet.put(120, 364, "签发机关", 26, fill=style.label_ink)
    sheet.put(270, 364, authority, 27, face=style.value_face)
    sheet.put(120, 434, "有效期限", 26, fill=style.label_ink)
    sheet.put(270, 434, f"{valid_from:%Y.%m.%d}-{term_end}", 27, face=style.value_face)
    return sheet.done("id_card_back", fields)


def bank_card(rng: random.Random, style: Style, today: date) -> Rendered:
    bank = rng.choice(data.BANKS)
    number = data.card_number(rng, bank)
    fields = {"card_number": number, "bank_name": bank.name}
    colour = rng.choice(style.card_colours) if style.card_colours else bank.colour
    sheet = StyledSheet(_CARD, style)
    sheet.image.paste(colour, (0, 0, *_CARD))
    light = sum(colour) / 3 > 150
    ink = (30, 30, 30) if light else (245, 245, 245)
    if style.debit_cards:
        _debit_face(sheet, rng, style, bank.name, number, ink, today)
        return sheet.done("bank_card", fields)
    if style.portrait_cards:
        sheet = StyledSheet((_CARD[1], _CARD[0]), style)
        sheet.image.paste(colour, (0, 0, _CARD[1], _CARD[0]))
        _portrait_face(sheet, rng, style, bank.name, number, ink, today)
        return sheet.done("bank_card", fields)
    sheet.put(50, 62, bank.name, 40, fill=ink)
    sheet.put(650, 50, "银联 UnionPay", 24, fill=ink)
    if style.held_out_people and rng.random() < 0.5:
        grouped = f"{number[:6]} {number[6:]}"
    else:
        grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    sheet.put(55, 340, grouped, 44, fill=ink, face=style.value_face)
    month, year = rng.randint(1, 12), (today.year + rng.randint(1, 8)) % 100
    sheet.put(55, 420, f"VALID THRU {month:02d}/{year:02d}", 22, fill=ink)
    return sheet.done("bank_card", fields)


def _debit_face(
    sheet: StyledSheet,
    rng: random.Random,
    style: Style,
    bank_name: str,
    number: str,
    ink: tuple[int, int, int],
    today: date,
) -> None:
    """A debit card: the bank's name with 借记卡 under it, a chip, the number embossed in groups of
    four (the last of a 19-digit number three), and the 银联 mark alone at the lower right."""
    sheet.put(50, 56, bank_name, 38, fill=ink)
    sheet.put(52, 112, "借记卡", 24, fill=ink)
    sheet.draw.rounded_rectangle((80, 190, 180, 262), radius=10, fill=(206, 176, 96))
    sheet.draw.line((80, 226, 180, 226), fill=(150, 120, 50), width=2)
    sheet.draw.line((130, 190, 130, 262), fill=(150, 120, 50), width=2)
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    # Embossed: a light edge above and left of each raised digit, a shadow below and right.
    light, shade = (235, 235, 225), (40, 40, 40)
    for dx, colour in ((-2, light), (2, shade), (0, ink)):
        sheet.put(55 + dx, 322 + dx, grouped, 44, fill=colour, face=style.value_face)
    sheet.boxes[-3:-1] = []  # one printed number, not three
    month, year = rng.randint(1, 12), (today.year + rng.randint(1, 8)) % 100
    sheet.put(55, 420, f"有效期 {month:02d}/{year:02d}", 22, fill=ink)
    for index, colour in enumerate(((200, 30, 45), (0, 80, 150), (0, 130, 110))):
        left = 668 + index * 44
        sheet.draw.polygon(
            ((left + 12, 418), (left + 56, 418), (left + 44, 494), (left, 494)), fill=colour
        )
    sheet.put(688, 438, "银联", 32, fill=(250, 250, 250))


def _portrait_face(
    sheet: StyledSheet,
    rng: random.Random,
    style: Style,
    bank_name: str,
    number: str,
    ink: tuple[int, int, int],
    today: date,
) -> None:
    """A card of a portrait design, held upright: the bank's name at the top, the chip turned
    on its side, the number in rows of two groups of four, the 银联 mark at the foot."""
    sheet.put(44, 56, bank_name, 34, fill=ink)
    sheet.draw.rounded_rectangle((60, 180, 132, 280), radius=10, fill=(206, 176, 96))
    sheet.draw.line((96, 180, 96, 280), fill=(150, 120, 50), width=2)
    sheet.draw.line((60, 230, 132, 230), fill=(150, 120, 50), width=2)
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    for row, start in enumerate(range(0, len(groups), 2)):
        line = " ".join(groups[start : start + 2])
        sheet.put(52, 420 + 62 * row, line, 40, fill=ink, face=style.value_face)
    month, year = rng.randint(1, 12), (today.year + rng.randint(1, 8)) % 100
    sheet.put(52, 420 + 62 * ((len(groups) + 1) // 2) + 14, f"{month:02d}/{year:02d}", 24, fill=ink)
    sheet.put(300, 770, "银联 UnionPay", 24, fill=ink)


STYLED: dict[str, Callable[[random.Random, Style, date], Rendered]] = {
    "medical_invoice": medical_invoice,
    "id_card_front": id_card_front,
    "id_card_back": id_card_back,
    "bank_card": bank_card,
    "diagnosis_certificate": diagnosis_certificate,
    "discharge_summary": discharge_summary,
}

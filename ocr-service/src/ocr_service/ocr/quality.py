"""The quality gate: would a person have to retake this photo, and why.

Two looks: image statistics measured on a small grey copy before OCR (light, sharpness, glare,
text cut by the frame, size), then what OCR made of it (confidence, amount of text, the type
the words point to, the fields that could be read).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean, median

import cv2
import numpy as np

from ocr_service.ocr.engine import OcrLine


class Reason(StrEnum):
    BLURRY = "blurry"
    TOO_DARK = "too_dark"
    GLARE = "glare"
    CUT_OFF = "cut_off"
    TOO_SMALL = "too_small"
    UNREADABLE = "unreadable"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELDS = "missing_fields"


MESSAGES: dict[Reason, str] = {
    Reason.BLURRY: "照片模糊，请重新拍摄",
    Reason.TOO_DARK: "照片太暗，请在光线充足处重新拍摄",
    Reason.GLARE: "照片有反光，请避开灯光直射后重新拍摄",
    Reason.CUT_OFF: "证件或单据未拍全，请将其完整放入画面后重新拍摄",
    Reason.TOO_SMALL: "照片分辨率太低或证件太小，请靠近拍摄",
    Reason.UNREADABLE: "无法识别照片中的文字，请重新拍摄清晰的照片",
    Reason.WRONG_TYPE: "上传的材料类型不符，请上传正确的材料",
    Reason.MISSING_FIELDS: "材料关键信息无法识别，请重新拍摄完整清晰的照片",
}

# Image statistics are measured with the long side scaled to this: enough for strokes of
# 20-30 px text to stay sharp, small enough to cost a millisecond or two.
STATS_SIDE = 640

# --- thresholds, chosen on the generated set and the shared samples (see the comments) ---
# Brightest 1% of the picture: the paper (or the white print of a bank card). Clean samples and
# generated photos sit at 213+; the "dark" samples at 26-38 (paper at ~35, print at ~20),
# generated darkened ones at 20-36. 100 leaves room both ways.
DARK_P99 = 100
# Sharpness = how steep the steepest edges are in the direction where they are least steep: for
# each of 6 directions the 99.5th percentile of the grey slope along it (Sobel), over the contrast
# of the print against what it is printed on (the grey distance from the picture's median, the
# paper or the card's face, to its 1% or 99% end, whichever is further); the smallest of the 6.
# A sharp step scores 4 whatever the share of the picture text covers (a card's large flat face
# dilutes no average); a Gaussian blur of sigma s px (at STATS_SIDE) about 3.2/s in every
# direction; a shaken hand lowers it along the shake only, which the smallest direction catches.
# The contrast is the print's own, not the whole picture's range: a pale desk around a tinted card
# widens the range without making the card's print any less sharp. Clean photos of every family
# score 2.5+ and the samples 3.2+; blurred ones (defocus sigma 2.6-4 px at full size, shakes of
# 9-16 px) 2.0 or less: the threshold sits between them, on a log scale.
SHARP_DIRECTIONS = 6
SHARP_TOP_SHARE = 0.005
BLURRY_SHARPNESS = 2.1
# A picture with less grey range than this has nothing in it to be sharp or blurred (a blank
# sheet): OCR finding no text judges it instead.
MIN_CONTRAST = 40
# Glare: a roundish blown-out patch (background light >= 250 once the print is closed over)
# inside the picture, covering 1.5-35% of it, standing 4+ levels above the median paper.
# Generated reflections cover 3.7-17% and rise 6+ (less on near-white paper); clean photos and
# samples show no such patch over 0.3%. White paper that is itself at 255 (scans, renders) is
# no glare: it reaches the picture's sides, and nothing stands above it. A patch over 35% is a
# white page on a darker table.
GLARE_LEVEL = 250
GLARE_AREA = 0.015
GLARE_MAX_AREA = 0.35
GLARE_RISE = 4
GLARE_MAX_ELONGATION = 3
# A reflection running into one side of the picture fills at least this share of its bounding box.
GLARE_SOLIDITY = 0.5
# ... unless its core is blown out to 255: a strip-light's reflection is a band across the page,
# often slanting (filling as little as 30% of its box), up to 5 times as long as it is wide. No
# clean photo or sample shows a patch at 255 running into one side at all (the white desk around a
# page reaches two sides or more); every generated reflection, round or band, shows one.
GLARE_BAND_ELONGATION = 5
# A band blown out to 255 from one side of the picture to the opposite one, touching neither of
# the others, is a reflection across the page (a plastic sleeve's crease, a lamp's line) however
# long: a white desk or margin along the page reaches a third side, white paper all four. No
# clean photo or sample shows one.
# Text cut by the frame: dark print (contrast 50+ against the paper around it) filling the outer
# 4 px band of a side, away from the corners, over CUT_MIN_INK of that side or more. Clean
# generated photos and samples show exactly none; pictures cut through a line of text 0.3-28%
# (the cut sample ID card 0.5%). Below that, cut-off is still found from what could be read.
CUT_INK_CONTRAST = 50
CUT_PAPER_TOLERANCE = 30
CUT_BAND = 4
CUT_CORNER_SHARE = 0.1
CUT_EDGE_RUN = 0.7
CUT_MIN_INK = 0.003
# A card is 85.6 x 54 mm (1.59:1); a card photo much longer than 2.2:1 shows only part of it.
CARD_TYPES = frozenset({"id_card_front", "id_card_back", "bank_card"})
CARD_MAX_ASPECT = 2.2
# Resolution: long side under 600 px, or text lines under 12 px tall, is too small to read
# names and numbers reliably (PP-OCR's recogniser works on 48 px high lines). Cards in the
# samples are 856 px long with 30-40 px lines; generated too-small pictures are 260-420 px long.
MIN_LONG_SIDE = 600
MIN_TEXT_HEIGHT = 12.0
# What OCR made of it: fewer than 2 lines, or a mean confidence under 0.8, is unreadable
# (readable samples average 0.98+ per document).
MIN_LINES = 2
MIN_MEAN_SCORE = 0.8


@dataclass(frozen=True, slots=True)
class ImageStats:
    width: int
    height: int
    p99: float
    sharpness: float
    glare_area: float
    glare_rise: float
    edge_ink: float
    contrast: float

    @property
    def aspect(self) -> float:
        return max(self.width, self.height) / max(1, min(self.width, self.height))


def _grey_small(image: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    height, width = grey.shape
    scale = STATS_SIDE / max(height, width)
    if scale < 1:
        grey = cv2.resize(
            grey, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        )
    return grey


def _percentiles(grey: np.ndarray, *points: float) -> list[float]:
    counts = np.bincount(grey.ravel(), minlength=256).cumsum()
    return [float(np.searchsorted(counts, point / 100 * counts[-1])) for point in points]


def _sharpness(grey: np.ndarray, contrast: float) -> float:
    slope_x = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    slope_y = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    top = grey.size * SHARP_TOP_SHARE
    steepest = []
    for step in range(SHARP_DIRECTIONS):
        angle = np.pi * step / SHARP_DIRECTIONS
        along = cv2.addWeighted(slope_x, float(np.cos(angle)), slope_y, float(np.sin(angle)), 0)
        # |slope| / 4 in 256 bins (a sharp full-range step is 4 x 255): a histogram, not a sort.
        quarter = cv2.convertScaleAbs(along, alpha=0.25)
        counts = cv2.calcHist([quarter], [0], None, [256], [0, 256]).ravel()
        from_top = np.cumsum(counts[::-1])
        steepest.append(4.0 * (255 - int(np.searchsorted(from_top, top))))
    return min(steepest) / max(contrast, 1.0)


def print_contrast(low: float, paper: float, high: float) -> float:
    """How far the print stands from what it is printed on: dark print on light paper, or light
    print on a dark card."""
    return max(high - paper, paper - low)


# A reflection of a window or a lamp with a grid is broken into panes, each perhaps under
# GLARE_AREA: solid, roundish or square panes wholly inside the picture, each over this share of
# it, add up to one reflection. Clean photos and samples show no such pane at all (white print and
# logos on cards are elongated, or not solid once the print around them is closed over).
GLARE_PANE_AREA = 0.003
GLARE_PANE_SOLIDITY = 0.6


def _panes(light: np.ndarray, labels: np.ndarray, stats: np.ndarray) -> tuple[float, float]:
    """Share of the picture in blown-out panes (the patches found at GLARE_LEVEL), and how far
    they rise above the rest."""
    height, width = light.shape
    panes = []
    for index in range(1, len(stats)):
        left, top, w, h, area = (int(value) for value in stats[index])
        inside = left > 0 and top > 0 and left + w < width and top + h < height
        if (
            inside
            and area >= GLARE_PANE_AREA * light.size
            and max(w, h) <= GLARE_MAX_ELONGATION * min(w, h)
            and area >= GLARE_PANE_SOLIDITY * w * h
        ):
            panes.append(index)
    if not panes:
        return 0.0, 0.0
    covered = np.isin(labels, panes)
    rest = light[~covered]
    return float(covered.sum()) / light.size, 255.0 - float(np.median(rest)) if rest.size else 0.0


def _glare(grey: np.ndarray) -> tuple[float, float]:
    """Share of the picture in the largest blown-out patch on the document (or in the panes of one
    reflection together), and how far that patch rises above the rest. A reflection is a
    roundish, solid patch; it may run into one side of the picture, where the document does.
    Patches reaching two sides or more are the background or white paper around a tilted
    document. A reflection whose halo spills over the document's edge onto a white desk still
    has a fully blown core: the patch is looked for at GLARE_LEVEL and again at 255."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    light = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel)  # text filled in with paper
    best: tuple[float, float] = (0.0, 0.0)
    panes = (0.0, 0.0)
    for level in (GLARE_LEVEL, 255):
        blown = (light >= level).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(blown, connectivity=8)
        if level == GLARE_LEVEL:
            panes = _panes(light, labels, stats)
        patches = [
            index for index in range(1, count) if _reflection_shaped(stats[index], grey, level)
        ]
        if not patches:
            continue
        largest = max(patches, key=lambda index: stats[index, cv2.CC_STAT_AREA])
        area = float(stats[largest, cv2.CC_STAT_AREA]) / grey.size
        if area > best[0]:
            rest = light[labels != largest]
            best = (area, 255.0 - float(np.median(rest)) if rest.size else 0.0)
    return panes if panes[0] > best[0] else best


def _reflection_shaped(stat: np.ndarray, grey: np.ndarray, level: int) -> bool:
    left, top, w, h, area = (int(value) for value in stat)
    height, width = grey.shape
    sides = (left == 0) + (top == 0) + (left + w >= width) + (top + h >= height)
    # a long patch is a line of white print closed over, or a strip of desk along an edge
    roundish = max(w, h) <= GLARE_MAX_ELONGATION * min(w, h)
    if sides == 1 and level == 255 and max(w, h) <= GLARE_BAND_ELONGATION * min(w, h):
        return True  # a strip-light's band running off the page
    across = (left == 0 and left + w >= width) or (top == 0 and top + h >= height)
    if sides == 2 and level == 255 and across:
        return True  # a sleeve's or a lamp's band from one side of the page to the other
    return roundish and (sides == 0 or (sides == 1 and area >= GLARE_SOLIDITY * w * h))


def _edge_ink(grey: np.ndarray) -> float:
    """Share of a side of the picture, on the side with the most, where print runs out of the frame.

    Ink is dark print standing out from the paper around it. Print is cut by the frame where ink
    fills the whole outer band of a side. Left out:
    - the strip of a darker table beside a tilted document: up close it looks like print, but it
      is one dark region that widens into a corner of the picture;
    - the corners themselves, and one run along most of a side (an edge or a ruled line);
    - white print on a dark card: the light table beside a tilted card looks just like it. Cards
      are judged by their shape and by what could be read instead.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    ink = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel) >= CUT_INK_CONTRAST
    (paper,) = _percentiles(grey, 90)
    dark = (grey < paper - CUT_PAPER_TOLERANCE).astype(np.uint8)
    _, regions = cv2.connectedComponents(dark, connectivity=8)
    band = CUT_BAND
    height, width = grey.shape
    corner_h, corner_w = int(height * CUT_CORNER_SHARE), int(width * CUT_CORNER_SHARE)
    corners = np.concatenate(
        [
            regions[:band, :corner_w].ravel(),
            regions[:band, width - corner_w :].ravel(),
            regions[height - band :, :corner_w].ravel(),
            regions[height - band :, width - corner_w :].ravel(),
            regions[:corner_h, :band].ravel(),
            regions[height - corner_h :, :band].ravel(),
            regions[:corner_h, width - band :].ravel(),
            regions[height - corner_h :, width - band :].ravel(),
        ]
    )
    from_corners = np.unique(corners[corners > 0])
    ink = np.asarray(ink & ~np.isin(regions, from_corners))
    most = 0.0
    for side in (ink[:band], ink[-band:], ink[:, :band].T, ink[:, -band:].T):
        through = np.asarray(side.all(axis=0))
        margin = int(through.size * CUT_CORNER_SHARE)
        inner = through[margin : through.size - margin]
        changes = np.flatnonzero(np.diff(np.concatenate(([False], inner, [False])).astype(np.int8)))
        starts, ends = changes[::2], changes[1::2]
        runs = ends - starts
        keep = (
            (runs >= 2) & (runs < CUT_EDGE_RUN * through.size) & (starts > 0) & (ends < inner.size)
        )
        most = max(most, float(runs[keep].sum()) / through.size)
    return most


def measure(image: np.ndarray) -> ImageStats:
    grey = _grey_small(image)
    low, paper, high = _percentiles(grey, 1, 50, 99)
    area, rise = _glare(grey)
    return ImageStats(
        width=image.shape[1],
        height=image.shape[0],
        p99=high,
        sharpness=_sharpness(grey, print_contrast(low, paper, high)),
        glare_area=area,
        glare_rise=rise,
        edge_ink=_edge_ink(grey),
        contrast=high - low,
    )


def image_reasons(stats: ImageStats, doc_type: str | None) -> list[Reason]:
    """Faults visible in the picture itself, most fundamental first."""
    reasons = []
    if stats.p99 < DARK_P99:
        reasons.append(Reason.TOO_DARK)
    if GLARE_AREA <= stats.glare_area <= GLARE_MAX_AREA and stats.glare_rise >= GLARE_RISE:
        reasons.append(Reason.GLARE)
    if max(stats.width, stats.height) < MIN_LONG_SIDE:
        reasons.append(Reason.TOO_SMALL)
    elif (
        stats.sharpness < BLURRY_SHARPNESS
        and stats.contrast >= MIN_CONTRAST
        and Reason.TOO_DARK not in reasons
    ):
        reasons.append(Reason.BLURRY)
    if card_cut_off(stats, doc_type) or stats.edge_ink >= CUT_MIN_INK:
        reasons.append(Reason.CUT_OFF)
    return reasons


def card_cut_off(stats: ImageStats, doc_type: str | None) -> bool:
    """A card photo far longer than a card: only part of the card is in it."""
    return doc_type in CARD_TYPES and stats.aspect > CARD_MAX_ASPECT


# A photo of a thing (a vehicle, a pet) need show no text and may well reach past the frame:
# only its light, focus and size can make a person retake it.
PICTURE_FAULTS = frozenset({Reason.TOO_DARK, Reason.BLURRY, Reason.TOO_SMALL})


def picture_reasons(stats: ImageStats) -> list[Reason]:
    return [reason for reason in image_reasons(stats, None) if reason in PICTURE_FAULTS]


def text_height(lines: list[OcrLine]) -> float:
    heights = [abs(line.box[3][1] - line.box[0][1]) for line in lines]
    return median(heights) if heights else 0.0


def reading_reasons(lines: list[OcrLine]) -> list[Reason]:
    """Faults that show in what OCR read: too little text, too unsure, too small to read well."""
    if len(lines) < MIN_LINES or fmean(line.score for line in lines) < MIN_MEAN_SCORE:
        return [Reason.UNREADABLE]
    if text_height(lines) < MIN_TEXT_HEIGHT:
        return [Reason.TOO_SMALL]
    return []


# Fields missing from a picture that shows signs of reaching past the frame are a cut-off
# document; on a complete one they go to a person to key in (MISSING_FIELDS, never a refusal).
# The signs: some ink at a side, a text line within 1% of a side, or a card photo longer than
# 1.7:1 (a whole card, tilted, stays under 1.6).
FRAME_MARGIN = 0.01
CARD_HINT_ASPECT = 1.7


def touches_frame(lines: list[OcrLine], width: int, height: int) -> bool:
    margin_x, margin_y = width * FRAME_MARGIN, height * FRAME_MARGIN
    for line in lines:
        xs = [x for x, _ in line.box]
        ys = [y for _, y in line.box]
        if min(xs) <= margin_x or min(ys) <= margin_y:
            return True
        if max(xs) >= width - margin_x or max(ys) >= height - margin_y:
            return True
    return False


def missing_fields_reason(stats: ImageStats, lines: list[OcrLine], doc_type: str) -> Reason:
    card_hint = doc_type in CARD_TYPES and stats.aspect > CARD_HINT_ASPECT
    if stats.edge_ink > 0 or card_hint or touches_frame(lines, stats.width, stats.height):
        return Reason.CUT_OFF
    return Reason.MISSING_FIELDS

"""What a phone camera does to a document: the harmless (tilt, noise, compression) and the faults a
person would have to retake the photo for, each with the quality verdict it should get."""

from __future__ import annotations

import random
from collections.abc import Callable

import cv2
import numpy as np

from ocr_service.ocr.quality import CARD_TYPES
from ocr_synth.documents import Rendered
from ocr_synth.families import (
    HELD_OUT,
    HELD_OUT_2,
    HELD_OUT_3,
    HELD_OUT_4,
    HELD_OUT_5,
    HELD_OUT_6,
    HELD_OUT_7,
    HELD_OUT_8,
    HELD_OUT_9,
    TUNED,
    Camera,
)


def photograph(rendered: Rendered, rng: random.Random, *, max_tilt: float = 3.5) -> Rendered:
    """A fair photo: a few degrees of tilt on a desk, sensor noise, uneven light."""
    image = rendered.image
    height, width = image.shape[:2]
    angle = rng.uniform(-max_tilt, max_tilt)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(width * cos + height * sin), int(width * sin + height * cos)
    matrix[0, 2] += (new_w - width) / 2
    matrix[1, 2] += (new_h - height) / 2
    # A white desk or a darker table around the document.
    background = (rng.choice((rng.randint(235, 255), rng.randint(140, 225))),) * 3
    tilted = cv2.warpAffine(
        image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=background
    )
    shade = np.linspace(rng.uniform(0.93, 1.0), rng.uniform(0.93, 1.0), new_w, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(
        0, rng.uniform(1.0, 3.0), tilted.shape
    )
    photo = np.clip(tilted.astype(np.float32) * shade[None, :, None] + noise, 0, 255).astype(
        np.uint8
    )
    boxes = []
    for x0, y0, x1, y1 in rendered.text_boxes:
        corners = (
            np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64) @ matrix.T
        )
        (left, top), (right, bottom) = corners.min(axis=0), corners.max(axis=0)
        boxes.append((int(left), int(top), int(right), int(bottom)))
    return Rendered(rendered.doc_type, photo, rendered.fields, boxes)


def blur(photo: Rendered, rng: random.Random) -> np.ndarray:
    return cv2.GaussianBlur(photo.image, (0, 0), rng.uniform(2.6, 4.0))


def darken(photo: Rendered, rng: random.Random) -> np.ndarray:
    return (photo.image.astype(np.float32) * rng.uniform(0.08, 0.16)).astype(np.uint8)


def glare(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A reflected lamp: a blown-out spot over the printed text."""
    height, width = photo.image.shape[:2]
    central = [
        box
        for box in photo.text_boxes
        if width * 0.25 < (box[0] + box[2]) / 2 < width * 0.75
        and height * 0.25 < (box[1] + box[3]) / 2 < height * 0.75
    ]
    x0, y0, x1, y1 = rng.choice(central or photo.text_boxes)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    sigma = rng.uniform(0.10, 0.16) * width
    ys, xs = np.mgrid[0:height, 0:width]
    spot = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2 * 1.6) / (2 * sigma**2)).astype(np.float32)
    strength = np.clip(spot * 1.8, 0, 1)[:, :, None]
    lit = photo.image.astype(np.float32) * (1 - strength) + 255 * strength
    return lit.astype(np.uint8)


def cut_off(photo: Rendered, rng: random.Random) -> np.ndarray:
    """Part of the document left out of the frame, the edge running through printed text.
    Cards lose their lower part; pages their lower or right part."""
    height, width = photo.image.shape[:2]
    lower = [box for box in photo.text_boxes if box[1] > height * 0.2]
    x0, y0, x1, y1 = rng.choice(lower)
    if photo.doc_type in CARD_TYPES or rng.random() < 0.5:
        return photo.image[: (y0 + y1) // 2].copy()
    right = [box for box in photo.text_boxes if box[2] - box[0] > 80 and box[0] > width * 0.05]
    x0, _, x1, _ = rng.choice(right)
    return photo.image[:, : max((x0 + x1) // 2, width // 3)].copy()


def shrink(photo: Rendered, rng: random.Random) -> np.ndarray:
    image = photo.image
    height, width = image.shape[:2]
    scale = rng.uniform(260, 420) / max(height, width)
    return cv2.resize(
        image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )


Spoiler = Callable[[Rendered, random.Random], np.ndarray]

# Applied to the photo; each with the verdict a person checking the photo would give.
SPOILERS: dict[str, tuple[Spoiler, str]] = {
    "blurry": (blur, "reject:blurry"),
    "dark": (darken, "reject:dark"),
    "glare": (glare, "reject:glare"),
    "cut_off": (cut_off, "reject:cut_off"),
    "too_small": (shrink, "reject:too_small"),
}


def photograph_with(rendered: Rendered, rng: random.Random, camera: Camera) -> Rendered:
    """A photo as the family's camera takes it: size, tilt, a little perspective and softness,
    sensor noise and uneven light."""
    image = rendered.image
    boxes = list(rendered.text_boxes)
    low, high = camera.scale
    scale = rng.uniform(low, high)
    if abs(scale - 1) > 0.01:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        boxes = [tuple(round(v * scale) for v in box) for box in boxes]  # type: ignore[misc]
    if camera.defocus:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, camera.defocus))
    if camera.keystone:
        image = _keystone(image, rng, camera.keystone)
    scaled = Rendered(rendered.doc_type, image, rendered.fields, boxes)
    photo = photograph(scaled, rng, max_tilt=camera.max_tilt)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(
        0, rng.uniform(*camera.noise), photo.image.shape
    )
    noisy = np.clip(photo.image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return Rendered(photo.doc_type, noisy, photo.fields, photo.text_boxes)


def _keystone(image: np.ndarray, rng: random.Random, share: float) -> np.ndarray:
    """The document seen a little from one side: its corners pulled in by up to `share`."""
    height, width = image.shape[:2]
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    moved = corners + np.array(
        [
            [rng.uniform(0, share) * width * sx, rng.uniform(0, share) * height * sy]
            for sx, sy in ((1, 1), (-1, 1), (-1, -1), (1, -1))
        ],
        np.float32,
    )
    matrix = cv2.getPerspectiveTransform(corners, moved)
    return cv2.warpPerspective(
        image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_LINEAR
    )


def motion_blur(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A shaken hand: the picture smeared along one direction."""
    length = rng.randint(11, 19)
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1 / length
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1)
    turned = cv2.warpAffine(kernel, turn, (length, length))
    weights = (turned / max(float(turned.sum()), 1e-6)).astype(np.float32)
    return cv2.filter2D(photo.image, -1, weights)


def shake(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A hand that moved while the shutter was open: the picture smeared along a short, wavering
    path (a blur along one direction more than the other)."""
    size = 25
    kernel = np.zeros((size, size), np.float32)
    x = y = size / 2
    heading = rng.uniform(0, 2 * np.pi)
    for _ in range(rng.randint(9, 16)):
        kernel[int(y), int(x)] += 1
        heading += rng.uniform(-0.35, 0.35)
        x = min(size - 1.0, max(0.0, x + np.cos(heading)))
        y = min(size - 1.0, max(0.0, y + np.sin(heading)))
    return cv2.filter2D(photo.image, -1, kernel / kernel.sum())


def defocus_or_shake(photo: Rendered, rng: random.Random) -> np.ndarray:
    return blur(photo, rng) if rng.random() < 0.5 else shake(photo, rng)


def underexpose(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A photo in a dim room: little light, and the sensor's gain noise over it."""
    dim = photo.image.astype(np.float32) * rng.uniform(0.07, 0.14)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.5, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


# The tuned family's: a defocused lens or a shaken hand.
TUNED_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (defocus_or_shake, "reject:blurry"),
}

# The held-out family's faults, fixed with the family and never tuned on: a shaken hand instead of
# a defocused lens, a dim room instead of a darkened picture; the others as for the tuned family.
HELD_OUT_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (motion_blur, "reject:blurry"),
    "dark": (underexpose, "reject:dark"),
}


def out_of_focus(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A lens focused past the page: every point spread over a disc."""
    radius = rng.randint(4, 7)
    size = 2 * radius + 1
    disc = np.zeros((size, size), np.float32)
    cv2.circle(disc, (radius, radius), radius, 1.0, -1)
    return cv2.filter2D(photo.image, -1, disc / disc.sum())


def backlit(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A page against a bright window: exposed for the window, the page itself near black, and a
    warm cast over it."""
    dim = photo.image.astype(np.float32) * rng.uniform(0.06, 0.13)
    dim *= np.array([0.8, 0.95, 1.15], np.float32)  # BGR: warm light
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.0, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


# The second held-out family's: a lens out of focus and a backlit page.
HELD_OUT_2_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (out_of_focus, "reject:blurry"),
    "dark": (backlit, "reject:dark"),
}

# The third held-out family's: a shaken hand and a dim room, with its own camera and paper.
HELD_OUT_3_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (shake, "reject:blurry"),
    "dark": (underexpose, "reject:dark"),
}


def smudged_lens(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A greasy lens: the picture soft all over and veiled by the haze the smear scatters."""
    soft = cv2.GaussianBlur(photo.image, (0, 0), rng.uniform(3.0, 4.2)).astype(np.float32)
    haze = cv2.GaussianBlur(photo.image, (0, 0), 25).astype(np.float32)
    veil = rng.uniform(0.2, 0.35)
    return np.clip(soft * (1 - veil) + haze * veil + 18 * veil, 0, 255).astype(np.uint8)


def dusk(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A photo at dusk by a window: little light, less still away from it, a cold cast and the
    sensor's gain noise."""
    height, width = photo.image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.choice((0, width)), rng.uniform(0, height)
    distance = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / np.hypot(width, height)
    light = (rng.uniform(0.08, 0.14) * (1 - 0.5 * distance))[:, :, None]
    dim = photo.image.astype(np.float32) * light * np.array([1.15, 1.0, 0.85], np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.2, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


def strip_light(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A ceiling strip-light mirrored in glossy paper: a long blown-out band across printed
    lines."""
    height, width = photo.image.shape[:2]
    central = [
        box
        for box in photo.text_boxes
        if width * 0.25 < (box[0] + box[2]) / 2 < width * 0.75
        and height * 0.25 < (box[1] + box[3]) / 2 < height * 0.75
    ]
    x0, y0, x1, y1 = rng.choice(central or photo.text_boxes)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    angle = np.radians(rng.uniform(-25, 25))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    along = (xs - cx) * np.cos(angle) + (ys - cy) * np.sin(angle)
    across = -(xs - cx) * np.sin(angle) + (ys - cy) * np.cos(angle)
    thickness = rng.uniform(0.05, 0.08) * max(height, width)
    band = np.exp(-(across**2) / (2 * thickness**2) - along**2 / (2 * (0.4 * width) ** 2))
    strength = np.clip(band * 2.0, 0, 1)[:, :, None]
    lit = photo.image.astype(np.float32) * (1 - strength) + 255 * strength
    return lit.astype(np.uint8)


def cut_off_top_or_left(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The frame aimed too low or too far right: the top of the document (cards) or its top or
    left part (pages) left out, the edge running through printed text."""
    height, width = photo.image.shape[:2]
    upper = [box for box in photo.text_boxes if box[3] < height * 0.8 and box[1] > height * 0.05]
    x0, y0, x1, y1 = rng.choice(upper or photo.text_boxes)
    if photo.doc_type in CARD_TYPES or rng.random() < 0.5:
        return photo.image[min((y0 + y1) // 2, height * 2 // 3) :].copy()
    left = [box for box in photo.text_boxes if box[2] - box[0] > 80 and box[2] < width * 0.95]
    x0, _, x1, _ = rng.choice(left or photo.text_boxes)
    return photo.image[:, min((x0 + x1) // 2, width * 2 // 3) :].copy()


# The fourth held-out family's: a smudged lens, a dusky room, a strip-light's reflection, and the
# top or left of the page left out; photos too small as for the others.
HELD_OUT_4_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (smudged_lens, "reject:blurry"),
    "dark": (dusk, "reject:dark"),
    "glare": (strip_light, "reject:glare"),
    "cut_off": (cut_off_top_or_left, "reject:cut_off"),
}


def double_exposure(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A hand that jerked once while the shutter was open: the page twice, a step apart, and soft
    besides."""
    step = rng.uniform(8, 14)
    heading = rng.uniform(0, 2 * np.pi)
    shift = np.array([[1, 0, step * np.cos(heading)], [0, 1, step * np.sin(heading)]], np.float32)
    height, width = photo.image.shape[:2]
    moved = cv2.warpAffine(photo.image, shift, (width, height), borderMode=cv2.BORDER_REPLICATE)
    both = cv2.addWeighted(photo.image, 0.5, moved, 0.5, 0)
    return cv2.GaussianBlur(both, (0, 0), rng.uniform(2.4, 3.2))


def screen_glow(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A page in a dark room lit only by a phone's screen held below it: little light, less still
    towards the top, a blue cast and the sensor's gain noise."""
    height = photo.image.shape[0]
    falloff = np.linspace(0.55, 1.0, height, dtype=np.float32)[:, None, None]
    light = rng.uniform(0.06, 0.12) * falloff
    dim = photo.image.astype(np.float32) * light * np.array([1.3, 1.0, 0.7], np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.4, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


def window_reflection(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A window mirrored in glossy paper: a blown-out pane over printed lines, crossed by the
    darker bars of its frame."""
    height, width = photo.image.shape[:2]
    central = [
        box
        for box in photo.text_boxes
        if width * 0.25 < (box[0] + box[2]) / 2 < width * 0.75
        and height * 0.25 < (box[1] + box[3]) / 2 < height * 0.75
    ]
    x0, y0, x1, y1 = rng.choice(central or photo.text_boxes)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = rng.uniform(0.15, 0.22) * width, rng.uniform(0.1, 0.16) * height
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    soft = 0.02 * max(height, width)
    inside_x = np.clip((half_w - np.abs(xs - cx)) / soft, 0, 1)
    inside_y = np.clip((half_h - np.abs(ys - cy)) / soft, 0, 1)
    pane = inside_x * inside_y
    bar = max(4.0, 0.012 * width)
    frame = (np.abs(xs - cx) < bar) | (np.abs(ys - cy) < bar)
    strength = (pane * np.where(frame, 0.55, 1.0))[:, :, None]
    lit = photo.image.astype(np.float32) * (1 - strength) + 255 * strength
    return lit.astype(np.uint8)


def too_close(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A phone held too close: both sides of the document out of the frame, each edge running
    through printed text, and a little of its top and bottom."""
    height, width = photo.image.shape[:2]
    wide = [box for box in photo.text_boxes if box[2] - box[0] > 40]
    lefts = [box for box in wide if box[0] < width * 0.35 and box[2] > width * 0.1]
    rights = [box for box in wide if box[2] > width * 0.65 and box[0] < width * 0.9]
    left = width // 6
    if lefts:
        x0, _, x1, _ = rng.choice(lefts)
        left = min(max((x0 + x1) // 2, x0 + 20), width // 3)
    right = width * 5 // 6
    if rights:
        x0, _, x1, _ = rng.choice(rights)
        right = max(min((x0 + x1) // 2, x1 - 20), width * 2 // 3)
    top, bottom = rng.randint(0, height // 14), height - rng.randint(0, height // 14)
    return photo.image[top:bottom, left:right].copy()


# The fifth held-out family's: a double exposure, a room lit by a screen, a window mirrored in
# the page and a phone held too close; photos too small as for the others.
HELD_OUT_5_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (double_exposure, "reject:blurry"),
    "dark": (screen_glow, "reject:dark"),
    "glare": (window_reflection, "reject:glare"),
    "cut_off": (too_close, "reject:cut_off"),
}


def zoom_blur(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A phone moved towards the page while the shutter was open: every point smeared along the
    line from the centre, more towards the edges."""
    height, width = photo.image.shape[:2]
    reach = rng.uniform(0.05, 0.08)
    cx, cy = width * rng.uniform(0.4, 0.6), height * rng.uniform(0.4, 0.6)
    frames = []
    for step in np.linspace(0, reach, 12):
        scale = 1 + step
        zoom = np.array([[scale, 0, cx * (1 - scale)], [0, scale, cy * (1 - scale)]], np.float32)
        frames.append(
            cv2.warpAffine(photo.image, zoom, (width, height), borderMode=cv2.BORDER_REPLICATE)
        )
    smeared = np.mean(np.stack(frames).astype(np.float32), axis=0)
    return cv2.GaussianBlur(smeared.astype(np.uint8), (0, 0), rng.uniform(2.4, 3.0))


def far_lamp(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A page under a weak lamp across the room: little light, falling off from one corner, a
    warm cast and the sensor's gain noise."""
    height, width = photo.image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    corner_x, corner_y = rng.choice((0, width)), rng.choice((0, height))
    distance = np.hypot(xs - corner_x, ys - corner_y) / np.hypot(width, height)
    light = (rng.uniform(0.08, 0.13) * (1 - 0.5 * distance))[:, :, None]
    dim = photo.image.astype(np.float32) * light * np.array([0.6, 0.9, 1.35], np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.2, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


def blinds(photo: Rendered, rng: random.Random) -> np.ndarray:
    """Sun through a blind onto glossy paper: slanted bands blown out to white across the print,
    the slats' shadows between them."""
    height, width = photo.image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    slope = rng.uniform(-0.35, 0.35)
    pitch = rng.uniform(0.07, 0.1) * height
    phase = (ys + slope * xs + rng.uniform(0, pitch)) % pitch
    band = np.clip((pitch * 0.45 - np.abs(phase - pitch / 2)) / (pitch * 0.08), 0, 1)
    # The sun falls on the middle of the page; the edges stay in the room's light.
    across = np.clip(1.2 - 2.2 * np.abs(xs / width - 0.5), 0, 1)
    strength = (band * across)[:, :, None]
    lit = photo.image.astype(np.float32) * (1 - strength) + 255 * strength
    return lit.astype(np.uint8)


def cut_off_bottom_and_right(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The frame aimed at the upper left: the bottom and the right of the document left out
    together, each edge running through printed text."""
    height, width = photo.image.shape[:2]
    lower = [box for box in photo.text_boxes if height * 0.35 < box[1] < height * 0.85]
    _, y0, _, y1 = rng.choice(lower or photo.text_boxes)
    bottom = max((y0 + y1) // 2, height // 3)
    wide = [box for box in photo.text_boxes if box[2] - box[0] > 60 and box[2] > width * 0.6]
    x0, _, x1, _ = rng.choice(wide or photo.text_boxes)
    right = min(max((x0 + x1) // 2, width // 2), width * 9 // 10)
    return photo.image[:bottom, :right].copy()


# The sixth held-out family's: a zoom blur, a far lamp's warm gloom, sun through blinds, and the
# bottom and right of the page left out together; photos too small as for the others.
HELD_OUT_6_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (zoom_blur, "reject:blurry"),
    "dark": (far_lamp, "reject:dark"),
    "glare": (blinds, "reject:glare"),
    "cut_off": (cut_off_bottom_and_right, "reject:cut_off"),
}


def twist_blur(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A phone turned in the hand while the shutter was open, pivoting near one edge of the frame:
    every point smeared along an arc about the pivot, more the further from it, and soft
    besides."""
    height, width = photo.image.shape[:2]
    pivot = (
        rng.choice((rng.uniform(0, 0.15), rng.uniform(0.85, 1.0))) * width,
        rng.uniform(0.3, 0.7) * height,
    )
    reach = rng.choice((-1, 1)) * rng.uniform(1.6, 2.4)
    frames = [
        cv2.warpAffine(
            photo.image,
            cv2.getRotationMatrix2D(pivot, angle, 1.0),
            (width, height),
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float32)
        for angle in np.linspace(0, reach, 14)
    ]
    smeared = np.mean(np.stack(frames), axis=0).astype(np.uint8)
    return cv2.GaussianBlur(smeared, (0, 0), rng.uniform(2.6, 3.2))


def own_shadow(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A dim room lit from behind the person taking the photo: their head and shoulders' shadow
    over most of the page, the rest of it little brighter, and the sensor's gain noise."""
    height, width = photo.image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.uniform(0.4, 0.6) * width, rng.uniform(0.8, 1.0) * height
    reach_x, reach_y = rng.uniform(0.55, 0.7) * width, rng.uniform(0.75, 0.95) * height
    inside = np.hypot((xs - cx) / reach_x, (ys - cy) / reach_y)
    shadow = np.clip((1.12 - inside) / 0.24, 0, 1)  # a soft-edged silhouette
    room, shade = rng.uniform(0.14, 0.2), rng.uniform(0.04, 0.07)
    light = (room * (1 - shadow) + shade * shadow)[:, :, None]
    dim = photo.image.astype(np.float32) * light * np.array([1.0, 1.0, 0.9], np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.3, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


def plastic_sleeve(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The page in a creased plastic sleeve under a ceiling light: wavering bright streaks where
    the creases catch the light, blown out to white across the printed lines."""
    height, width = photo.image.shape[:2]
    central = [
        box
        for box in photo.text_boxes
        if width * 0.25 < (box[0] + box[2]) / 2 < width * 0.75
        and height * 0.25 < (box[1] + box[3]) / 2 < height * 0.75
    ]
    _, y0, _, y1 = rng.choice(central or photo.text_boxes)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    strength = np.zeros((height, width), np.float32)
    first = (y0 + y1) / 2
    for index in range(rng.randint(3, 5)):
        centre = first if index == 0 else rng.uniform(0.15, 0.85) * height
        wave = rng.uniform(0.02, 0.05) * height
        length = rng.uniform(0.5, 1.0) * width
        path = centre + wave * np.sin(2 * np.pi * xs / length + rng.uniform(0, 2 * np.pi))
        path += rng.uniform(-0.12, 0.12) * (xs - width / 2)  # a crease runs a little aslant
        half = rng.uniform(0.025, 0.045) * height
        # Brighter where the crease is sharper: the sheen swells and fades along its length.
        swell = 0.9 + 0.7 * np.sin(2 * np.pi * xs / (1.7 * length) + rng.uniform(0, 2 * np.pi))
        streak = np.clip(np.exp(-(((ys - path) / half) ** 2)) * 1.8 * swell, 0, 1)
        strength = np.maximum(strength, streak)
    lit = photo.image.astype(np.float32) * (1 - strength[:, :, None]) + 255 * strength[:, :, None]
    return lit.astype(np.uint8)


def cut_off_top_and_bottom(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The phone held sideways for a page taller than wide, or too close over a card: the top and
    the bottom of the document left out together, each edge running through printed text."""
    height = photo.image.shape[0]
    middles = [((box[1] + box[3]) // 2, box) for box in photo.text_boxes]
    upper = [middle for middle, box in middles if height * 0.04 < box[1] and middle < height * 0.4]
    lower = [middle for middle, box in middles if height * 0.6 < middle and box[3] < height * 0.96]
    top = rng.choice(upper) if upper else height // 6
    bottom = rng.choice(lower) if lower else height * 5 // 6
    return photo.image[top:bottom].copy()


# The seventh held-out family's: a twisted phone, the taker's own shadow, a creased plastic
# sleeve's reflections and a frame that leaves out the top and the bottom; photos too small as for
# the others.
HELD_OUT_7_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (twist_blur, "reject:blurry"),
    "dark": (own_shadow, "reject:dark"),
    "glare": (plastic_sleeve, "reject:glare"),
    "cut_off": (cut_off_top_and_bottom, "reject:cut_off"),
}


def frosted_pocket(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The page photographed through the frosted front of a plastic file pocket: every line
    diffused into the next, under the film's milky haze and its faint mottle."""
    height, width = photo.image.shape[:2]
    soft = cv2.GaussianBlur(photo.image, (0, 0), rng.uniform(3.2, 4.2)).astype(np.float32)
    milk = rng.uniform(0.3, 0.42)
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0, 4.0, (height, width))
    mottle = cv2.GaussianBlur(grain.astype(np.float32), (0, 0), 3.0)[:, :, None]
    return np.clip(soft * (1 - milk) + 236 * milk + mottle, 0, 255).astype(np.uint8)


def sodium_night(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A page taken at night by a street lamp's sodium light: very little light, falling off
    away from the lamp above, every colour gone to one orange, and the sensor's gain noise."""
    height = photo.image.shape[0]
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY).astype(np.float32)[:, :, None]
    falloff = np.linspace(1.0, rng.uniform(0.45, 0.65), height, dtype=np.float32)[:, None, None]
    light = rng.uniform(0.08, 0.13) * falloff
    dim = grey * light * np.array([0.25, 0.72, 1.25], np.float32)  # BGR: sodium orange
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2.4, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


def ring_light(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A ring light mirrored in glossy paper: a blown-out ring laid over the printed lines, a
    little glow inside it."""
    height, width = photo.image.shape[:2]
    central = [
        box
        for box in photo.text_boxes
        if width * 0.3 < (box[0] + box[2]) / 2 < width * 0.7
        and height * 0.3 < (box[1] + box[3]) / 2 < height * 0.7
    ]
    x0, y0, x1, y1 = rng.choice(central or photo.text_boxes)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    side = min(height, width)
    radius = rng.uniform(0.18, 0.26) * side
    thickness = rng.uniform(0.03, 0.045) * side
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = np.hypot(xs - cx, ys - cy)
    ring = np.exp(-(((distance - radius) / thickness) ** 2)) * 2.2
    glow = np.where(distance < radius, 0.18, 0.0)
    strength = np.clip(ring + glow, 0, 1)[:, :, None]
    lit = photo.image.astype(np.float32) * (1 - strength) + 255 * strength
    return lit.astype(np.uint8)


def turned_frame(shape: tuple[int, ...], rng: random.Random) -> np.ndarray:
    """The affine map of a frame turned against the page and brought a little closer."""
    height, width = shape[:2]
    angle = rng.choice((-1, 1)) * rng.uniform(10, 15)
    return cv2.getRotationMatrix2D((width / 2, height / 2), angle, rng.uniform(1.14, 1.22))


def cut_off_corners(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The phone turned against the page and held a little close: all four corners of the
    document out of the frame, each cut on a slant through what is printed there, and the desk
    in the frame's corners instead."""
    height, width = photo.image.shape[:2]
    corners = np.concatenate(
        [photo.image[:8, :8], photo.image[:8, -8:], photo.image[-8:, :8], photo.image[-8:, -8:]]
    )
    desk = tuple(float(v) for v in np.median(corners.reshape(-1, 3), axis=0))
    return cv2.warpAffine(
        photo.image, turned_frame(photo.image.shape, rng), (width, height), borderValue=desk
    )


# The eighth held-out family's: a frosted plastic pocket, a street lamp's orange night light, a
# ring light mirrored in the page and a frame turned against the page that cuts off its four
# corners; photos too small as for the others.
HELD_OUT_8_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (frosted_pocket, "reject:blurry"),
    "dark": (sodium_night, "reject:dark"),
    "glare": (ring_light, "reject:glare"),
    "cut_off": (cut_off_corners, "reject:cut_off"),
}


def lowered_phone(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The phone lowered while the shutter was open: every line smeared straight down into the
    ones below it."""
    length = rng.randint(21, 31)
    kernel = np.zeros((length, 1), np.float32)
    kernel[:, 0] = np.linspace(1.0, 0.5, length)  # the start of the move held a little longer
    return cv2.filter2D(photo.image, -1, kernel / kernel.sum())


def grainy_night(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A phone's night shot in a room with the light off: very little light, lifted by the
    phone into blotches of coloured noise and smeared by its noise reduction."""
    height, width = photo.image.shape[:2]
    dim = cv2.GaussianBlur(photo.image, (0, 0), 1.2).astype(np.float32) * rng.uniform(0.07, 0.12)
    noise = np.random.default_rng(rng.randrange(2**32))
    coarse = noise.normal(0, 9.0, (height // 6 + 1, width // 6 + 1, 3)).astype(np.float32)
    blotches = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = noise.normal(0, 3.0, dim.shape)
    return np.clip(dim + np.abs(blotches) * 0.8 + grain, 0, 255).astype(np.uint8)


def sun_patch(photo: Rendered, rng: random.Random) -> np.ndarray:
    """A patch of sunlight through a window falling across the page: a sharp-edged, slanted
    band blown out over the printed lines in its middle."""
    height, width = photo.image.shape[:2]
    central = [
        box for box in photo.text_boxes if height * 0.3 < (box[1] + box[3]) / 2 < height * 0.7
    ]
    _, y0, _, y1 = rng.choice(central or photo.text_boxes)
    cy = (y0 + y1) / 2
    band = rng.uniform(0.16, 0.24) * height
    slant = rng.uniform(-0.35, 0.35) * height
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    middle = cy + slant * (xs / width - 0.5)
    inside = np.abs(ys - middle) < band / 2
    strength = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), 2.0)[:, :, None]
    warm = np.array([235, 250, 255], np.float32)  # BGR: the sun a little yellow
    lit = photo.image.astype(np.float32) * (1 - strength) + warm * strength * 1.08
    return np.clip(lit, 0, 255).astype(np.uint8)


def thumb_over_page(photo: Rendered, rng: random.Random) -> np.ndarray:
    """The page held up by hand, the thumb over it: a large, soft-edged fingertip from the
    lower or the left edge covering a stretch of what is printed."""
    height, width = photo.image.shape[:2]
    side = min(height, width)
    image = photo.image.astype(np.float32)
    from_left = rng.random() < 0.5
    # The nail end of the thumb lies on a printed line near the edge it comes from.
    if from_left:
        near = [box for box in photo.text_boxes if box[0] < width * 0.3] or photo.text_boxes
        x0, y0, x1, y1 = rng.choice(near)
        tip, axis = (min(x1, width * 0.45), (y0 + y1) / 2), (1.0, rng.uniform(-0.25, 0.25))
    else:
        near = [box for box in photo.text_boxes if box[3] > height * 0.6] or photo.text_boxes
        x0, y0, x1, y1 = rng.choice(near)
        tip, axis = ((x0 + x1) / 2, max(y0, height * 0.55)), (rng.uniform(-0.25, 0.25), -1.0)
    along = np.array(axis) / np.hypot(*axis)
    across = np.array((-along[1], along[0]))
    half_width = rng.uniform(0.11, 0.15) * side
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    dx, dy = xs - tip[0], ys - tip[1]
    a = dx * along[0] + dy * along[1]  # how far back from the tip (negative: towards the edge)
    b = dx * across[0] + dy * across[1]
    # A capsule: a half-disc at the tip and a band of the thumb's width back to the edge.
    distance = np.where(a > 0, np.hypot(a, b), np.abs(b))
    cover = np.clip((half_width - distance) / (0.12 * half_width), 0, 1)
    shade = np.clip(1 - np.abs(b) / half_width, 0, 1) ** 0.5  # rounder in the middle
    skin = np.array([120, 150, 205], np.float32)[None, None, :] * (0.7 + 0.3 * shade[:, :, None])
    covered = image * (1 - cover[:, :, None]) + skin * cover[:, :, None]
    return np.clip(covered, 0, 255).astype(np.uint8)


# The ninth held-out family's: a phone lowered during the shot, a grainy night shot, a patch of
# sunlight across the page and a thumb over it; photos too small as for the others.
HELD_OUT_9_SPOILERS: dict[str, tuple[Spoiler, str]] = {
    **SPOILERS,
    "blurry": (lowered_phone, "reject:blurry"),
    "dark": (grainy_night, "reject:dark"),
    "glare": (sun_patch, "reject:glare"),
    "cut_off": (thumb_over_page, "reject:cut_off"),
}

# Each family's faults; a family not listed (classic) takes the original `SPOILERS`.
FAMILY_SPOILERS: dict[str, dict[str, tuple[Spoiler, str]]] = {
    TUNED: TUNED_SPOILERS,
    HELD_OUT: HELD_OUT_SPOILERS,
    HELD_OUT_2: HELD_OUT_2_SPOILERS,
    HELD_OUT_3: HELD_OUT_3_SPOILERS,
    HELD_OUT_4: HELD_OUT_4_SPOILERS,
    HELD_OUT_5: HELD_OUT_5_SPOILERS,
    HELD_OUT_6: HELD_OUT_6_SPOILERS,
    HELD_OUT_7: HELD_OUT_7_SPOILERS,
    HELD_OUT_8: HELD_OUT_8_SPOILERS,
    HELD_OUT_9: HELD_OUT_9_SPOILERS,
}

"""Sets of synthetic claim documents with their truth, in the format of the shared samples'
truth.jsonl: {"file", "doc_type", "quality": "accept" | "reject:<reason>", "fields"}."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from ocr_synth.documents import RENDERERS, Rendered, id_card_front, medical_invoice
from ocr_synth.families import CLASSIC, HELD_OUT_FAMILIES, TUNED, style_for
from ocr_synth.fonts import cjk_faces
from ocr_synth.spoilers import FAMILY_SPOILERS, SPOILERS, photograph, photograph_with
from ocr_synth.styled import STYLED

FAMILIES_FILE = "families.jsonl"
# File names of a set of several families start with the family's tag: c, t, h, h2, h3 …
FAMILY_TAGS = {
    CLASSIC: "c",
    TUNED: "t",
    **{family: "h" + family.removeprefix("held-out").lstrip("-") for family in HELD_OUT_FAMILIES},
}
# Documents are dated up to this day, so a set made from a seed is the same whenever it is made
# and none of its dates is ever in the future.
ANCHOR_DATE = date(2025, 12, 31)

DOC_CYCLE = (
    "medical_invoice",
    "id_card_front",
    "bank_card",
    "id_card_back",
    "diagnosis_certificate",
    "discharge_summary",
)
# Eleven conditions against six types: every pairing comes up within 66 documents.
CONDITIONS = (
    "clean",
    "blurry",
    "clean",
    "dark",
    "clean",
    "glare",
    "clean",
    "cut_off",
    "too_small",
    "clean",
    "wrong_type",
)


@dataclass(frozen=True, slots=True)
class Sample:
    file: str
    doc_type: str  # the type the document is uploaded as
    quality: str
    fields: dict[str, str]
    condition: str
    data: bytes
    family: str = CLASSIC
    style: dict[str, str] | None = None

    def truth(self) -> dict[str, object]:
        return {
            "file": self.file,
            "doc_type": self.doc_type,
            "quality": self.quality,
            "fields": self.fields,
        }


def _encode(image: np.ndarray, rng: random.Random, quality: tuple[int, int]) -> tuple[str, bytes]:
    if rng.random() < 0.2:
        ok, buffer = cv2.imencode(".png", image)
        suffix = "png"
    else:
        ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*quality)])
        suffix = "jpg"
    assert ok
    return suffix, buffer.tobytes()


def make_sample(seed: int, index: int, family: str = CLASSIC) -> Sample:
    """Document `index` of the set made from `seed` in a family (families.py): its type and
    condition follow DOC_CYCLE and CONDITIONS, whatever the family."""
    rng = random.Random(f"{seed}:{index}" if family == CLASSIC else f"{seed}:{family}:{index}")
    doc_type = DOC_CYCLE[index % len(DOC_CYCLE)]
    condition = CONDITIONS[index % len(CONDITIONS)]
    shown_type = doc_type
    style = None
    if family == CLASSIC:
        face = rng.choice(cjk_faces())
        if condition == "wrong_type":
            shown_type = rng.choice([other for other in DOC_CYCLE if other != doc_type])
        rendered: Rendered = RENDERERS[shown_type](rng, face, ANCHOR_DATE)
        photo = photograph(rendered, rng)
        jpeg_quality = (70, 92)
    else:
        style = style_for(family, rng)
        if condition == "wrong_type":
            shown_type = rng.choice([other for other in DOC_CYCLE if other != doc_type])
        rendered = STYLED[shown_type](rng, style, ANCHOR_DATE)
        photo = photograph_with(rendered, rng, style.camera)
        jpeg_quality = style.camera.jpeg_quality
    spoilers = FAMILY_SPOILERS.get(family, SPOILERS)
    image = photo.image
    quality = "accept"
    if condition in spoilers:
        spoil, quality = spoilers[condition]
        image = spoil(photo, rng)
    elif condition == "wrong_type":
        quality = "reject:wrong_type"
    suffix, data = _encode(image, rng, jpeg_quality)
    return Sample(
        file=f"synth-{index:04d}-{doc_type}.{suffix}",
        doc_type=doc_type,
        quality=quality,
        fields=rendered.fields if shown_type == doc_type else {},
        condition=condition,
        data=data,
        family=family,
        style=style.describe() if style else None,
    )


def make_document(seed: str, doc_type: str, **given: str) -> Sample:
    """A clean photo of an invoice or an ID card that prints the `given` fields (e.g. the same
    `payer_name` as an ID card's `name`), the rest made from `seed`."""
    renderers = {"medical_invoice": medical_invoice, "id_card_front": id_card_front}
    rng = random.Random(f"document:{seed}:{doc_type}")
    face = rng.choice(cjk_faces())
    rendered = renderers[doc_type](rng, face, ANCHOR_DATE, given)
    suffix, data = _encode(photograph(rendered, rng).image, rng, (70, 92))
    return Sample(
        file=f"synth-{seed}-{doc_type}.{suffix}",
        doc_type=doc_type,
        quality="accept",
        fields=rendered.fields,
        condition="clean",
        data=data,
    )


def generate(
    out_dir: Path, count: int, seed: int, families: tuple[str, ...] = (CLASSIC,)
) -> list[Sample]:
    """Writes `count` documents of each family, their truth.jsonl and, beside it, families.jsonl
    (which family and style each file was printed in)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    samples = []
    for family in families:
        for index in range(count):
            sample = make_sample(seed, index, family)
            if len(families) > 1:
                sample = replace(sample, file=f"{FAMILY_TAGS[family]}-{sample.file}")
            samples.append(sample)
    with (
        (out_dir / "truth.jsonl").open("w", encoding="utf-8") as truth,
        (out_dir / FAMILIES_FILE).open("w", encoding="utf-8") as styles,
    ):
        for sample in samples:
            (out_dir / sample.file).write_bytes(sample.data)
            truth.write(json.dumps(sample.truth(), ensure_ascii=False) + "\n")
            row = {"file": sample.file, "family": sample.family, "style": sample.style}
            styles.write(json.dumps(row, ensure_ascii=False) + "\n")
    return samples

"""Sets of synthetic claim documents with their truth, in the format of the shared samples'
truth.jsonl: {"file", "doc_type", "quality": "accept" | "reject:<reason>", "fields"}."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from ocr_synth.documents import RENDERERS, Rendered, id_card_front, medical_invoice
from ocr_synth.fonts import cjk_faces
from ocr_synth.spoilers import SPOILERS, photograph

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

    def truth(self) -> dict[str, object]:
        return {
            "file": self.file,
            "doc_type": self.doc_type,
            "quality": self.quality,
            "fields": self.fields,
        }


def _encode(image: np.ndarray, rng: random.Random) -> tuple[str, bytes]:
    if rng.random() < 0.2:
        ok, buffer = cv2.imencode(".png", image)
        suffix = "png"
    else:
        ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(70, 92)])
        suffix = "jpg"
    assert ok
    return suffix, buffer.tobytes()


def make_sample(seed: int, index: int) -> Sample:
    rng = random.Random(f"{seed}:{index}")
    doc_type = DOC_CYCLE[index % len(DOC_CYCLE)]
    condition = CONDITIONS[index % len(CONDITIONS)]
    face = rng.choice(cjk_faces())
    shown_type = doc_type
    if condition == "wrong_type":
        shown_type = rng.choice([other for other in DOC_CYCLE if other != doc_type])
    rendered: Rendered = RENDERERS[shown_type](rng, face, ANCHOR_DATE)
    photo = photograph(rendered, rng)
    image = photo.image
    quality = "accept"
    if condition in SPOILERS:
        spoil, quality = SPOILERS[condition]
        image = spoil(photo, rng)
    elif condition == "wrong_type":
        quality = "reject:wrong_type"
    suffix, data = _encode(image, rng)
    return Sample(
        file=f"synth-{index:04d}-{doc_type}.{suffix}",
        doc_type=doc_type,
        quality=quality,
        fields=rendered.fields if shown_type == doc_type else {},
        condition=condition,
        data=data,
    )


def make_document(seed: str, doc_type: str, **given: str) -> Sample:
    """A clean photo of an invoice or an ID card that prints the `given` fields (e.g. the same
    `payer_name` as an ID card's `name`), the rest made from `seed`."""
    renderers = {"medical_invoice": medical_invoice, "id_card_front": id_card_front}
    rng = random.Random(f"document:{seed}:{doc_type}")
    face = rng.choice(cjk_faces())
    rendered = renderers[doc_type](rng, face, ANCHOR_DATE, given)
    suffix, data = _encode(photograph(rendered, rng).image, rng)
    return Sample(
        file=f"synth-{seed}-{doc_type}.{suffix}",
        doc_type=doc_type,
        quality="accept",
        fields=rendered.fields,
        condition="clean",
        data=data,
    )


def generate(out_dir: Path, count: int, seed: int) -> list[Sample]:
    """Writes `count` documents and truth.jsonl into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    samples = [make_sample(seed, index) for index in range(count)]
    with (out_dir / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for sample in samples:
            (out_dir / sample.file).write_bytes(sample.data)
            truth.write(json.dumps(sample.truth(), ensure_ascii=False) + "\n")
    return samples

"""The claim guide: which materials each claim type needs, as data (claim_guide.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GUIDE_FILE = Path(__file__).with_name("claim_guide.json")


@dataclass(frozen=True)
class Material:
    doc_type: str
    title: str
    required: bool
    hint: str


@dataclass(frozen=True)
class ClaimType:
    claim_type: str
    title: str
    materials: tuple[Material, ...]

    @property
    def required(self) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.required)

    def as_dict(self) -> dict[str, object]:
        return {
            "claim_type": self.claim_type,
            "title": self.title,
            "materials": [
                {"doc_type": m.doc_type, "title": m.title, "required": m.required, "hint": m.hint}
                for m in self.materials
            ],
        }


@dataclass(frozen=True)
class Guide:
    claim_types: tuple[ClaimType, ...]
    doc_titles: dict[str, str]

    def get(self, claim_type: str) -> ClaimType | None:
        return next((c for c in self.claim_types if c.claim_type == claim_type), None)

    @property
    def doc_types(self) -> frozenset[str]:
        return frozenset(self.doc_titles)


def parse_guide(data: dict[str, object]) -> Guide:
    docs = data["doc_types"]
    assert isinstance(docs, dict)
    claim_types = []
    for entry in data["claim_types"]:  # type: ignore[attr-defined]
        materials = []
        for required, key in ((True, "required"), (False, "optional")):
            for doc_type in entry[key]:
                if doc_type not in docs:
                    raise ValueError(f"claim guide names an unknown doc type {doc_type!r}")
                info = docs[doc_type]
                materials.append(Material(doc_type, info["title"], required, info["hint"]))
        claim_types.append(ClaimType(entry["claim_type"], entry["title"], tuple(materials)))
    return Guide(tuple(claim_types), {k: v["title"] for k, v in docs.items()})


@cache
def load_guide() -> Guide:
    return parse_guide(json.loads(GUIDE_FILE.read_text(encoding="utf-8")))

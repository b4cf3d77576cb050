"""The claim guide: which materials each claim type needs, as data (claim_guide.json).

An insurer's product may ask for other materials than the default: `products` entries name the
insurer and product (as on the policy) and replace the material lists of the claim types they
list; every other claim type keeps the default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

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


ProductKey = tuple[str, str]  # (insurer_code, product_name)


@dataclass(frozen=True)
class Guide:
    claim_types: tuple[ClaimType, ...]
    doc_titles: dict[str, str]
    products: dict[ProductKey, tuple[ClaimType, ...]] = field(default_factory=dict)

    def for_product(self, insurer_code: str, product_name: str) -> tuple[ClaimType, ...]:
        """Every claim type as that product asks for it."""
        overrides = {c.claim_type: c for c in self.products.get((insurer_code, product_name), ())}
        return tuple(overrides.get(c.claim_type, c) for c in self.claim_types)

    def get(
        self, claim_type: str, *, insurer_code: str = "", product_name: str = ""
    ) -> ClaimType | None:
        types = self.for_product(insurer_code, product_name)
        return next((c for c in types if c.claim_type == claim_type), None)

    @property
    def doc_types(self) -> frozenset[str]:
        return frozenset(self.doc_titles)


def _claim_type(entry: dict[str, Any], docs: dict[str, Any], title: str) -> ClaimType:
    materials = []
    for required, key in ((True, "required"), (False, "optional")):
        for doc_type in entry.get(key, ()):
            if doc_type not in docs:
                raise ValueError(f"claim guide names an unknown doc type {doc_type!r}")
            info = docs[doc_type]
            materials.append(Material(doc_type, info["title"], required, info["hint"]))
    if not any(m.required for m in materials):
        raise ValueError(f"claim type {entry['claim_type']!r} requires no material")
    return ClaimType(entry["claim_type"], entry.get("title", title), tuple(materials))


def parse_guide(data: dict[str, Any]) -> Guide:
    docs = data["doc_types"]
    claim_types = tuple(_claim_type(e, docs, e["title"]) for e in data["claim_types"])
    titles = {c.claim_type: c.title for c in claim_types}
    products: dict[ProductKey, tuple[ClaimType, ...]] = {}
    for product in data.get("products", ()):
        key = (product["insurer_code"], product["product_name"])
        if key in products:
            raise ValueError(f"claim guide lists product {key} twice")
        overrides = []
        for entry in product["claim_types"]:
            if entry["claim_type"] not in titles:
                raise ValueError(f"product {key} names an unknown claim type")
            overrides.append(_claim_type(entry, docs, titles[entry["claim_type"]]))
        products[key] = tuple(overrides)
    return Guide(claim_types, {k: v["title"] for k, v in docs.items()}, products)


@cache
def load_guide(path: Path = GUIDE_FILE) -> Guide:
    return parse_guide(json.loads(path.read_text(encoding="utf-8")))

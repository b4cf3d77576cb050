"""Claim documents for the load: photos of invoices, an ID card and a bank card from the
synthetic generator, rendered once into a pool (kept on disk between runs).

Every invoice of the pool is a different one (its own code and number), printed to the insured's
name: a claim filing an invoice for the first time can be approved instantly; one filing an
invoice already filed is referred (`duplicate_invoice`) and waits for the insurer, as a real mix
of clean and doubtful claims does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ocr_synth import make_document, make_sample

INSURED = "王芳"
INVOICE_DATE = "2025-12-20"  # ocr_synth dates documents up to its ANCHOR_DATE (2025-12-31)
INCIDENT_DATE = "2025-12-01"


@dataclass(frozen=True)
class Photo:
    doc_type: str
    file: str
    data: bytes


@dataclass(frozen=True)
class Pool:
    invoices: list[Photo]
    id_card: Photo
    bank_card: Photo
    bank_card_number: str

    def documents(self, claim_number: int) -> list[Photo]:
        """The photos of one outpatient claim: its invoice (in turn), the ID card, the bank card."""
        return [self.invoices[claim_number % len(self.invoices)], self.id_card, self.bank_card]


def _save(folder: Path, photo: Photo) -> dict[str, str]:
    (folder / photo.file).write_bytes(photo.data)
    return {"doc_type": photo.doc_type, "file": photo.file}


def _load(folder: Path, item: dict[str, str]) -> Photo:
    return Photo(item["doc_type"], item["file"], (folder / item["file"]).read_bytes())


def pool(folder: Path, invoices: int) -> Pool:
    """The pool of `invoices` invoices, from `folder` when made there before."""
    index_file = folder / f"pool-{invoices}.json"
    if index_file.exists():
        index = json.loads(index_file.read_text())
        return Pool(
            [_load(folder, item) for item in index["invoices"]],
            _load(folder, index["id_card"]),
            _load(folder, index["bank_card"]),
            index["bank_card_number"],
        )
    folder.mkdir(parents=True, exist_ok=True)
    made = [
        make_document(
            f"load-{n}",
            "medical_invoice",
            payer_name=INSURED,
            issue_date=INVOICE_DATE,
            visit_type="outpatient",
        )
        for n in range(invoices)
    ]
    id_card = make_document("load-insured", "id_card_front", name=INSURED)
    bank = make_sample(7, 2)  # a clean bank card (DOC_CYCLE[2], condition clean)
    result = Pool(
        [Photo(s.doc_type, s.file, s.data) for s in made],
        Photo(id_card.doc_type, id_card.file, id_card.data),
        Photo(bank.doc_type, bank.file, bank.data),
        bank.fields["card_number"],
    )
    index_file.write_text(
        json.dumps(
            {
                "invoices": [_save(folder, p) for p in result.invoices],
                "id_card": _save(folder, result.id_card),
                "bank_card": _save(folder, result.bank_card),
                "bank_card_number": result.bank_card_number,
            }
        )
    )
    return result

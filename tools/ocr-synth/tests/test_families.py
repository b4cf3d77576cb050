"""Variant families: the held-out one shares no variant with the tuned one, sets made from a seed
are the same each time, and the evaluator reports every family apart."""

import json

import pytest

from ocr_service.ocr import OcrLine, Pipeline
from ocr_synth import families
from ocr_synth.evaluate import evaluate
from ocr_synth.generate import FAMILIES_FILE, generate, make_sample


def test_held_out_pools_share_nothing_with_the_tuned_ones():
    pairs = [
        (families.TUNED_INVOICE_WORDINGS, families.HELD_OUT_INVOICE_WORDINGS),
        (families.TUNED_RECORD_WORDINGS, families.HELD_OUT_RECORD_WORDINGS),
        (families.TUNED_LAYOUTS, families.HELD_OUT_LAYOUTS),
        (families.TUNED_DATES, families.HELD_OUT_DATES),
        (families.TUNED_AMOUNTS, families.HELD_OUT_AMOUNTS),
        (families.TUNED_PAPERS, families.HELD_OUT_PAPERS),
        (families.TUNED_LABEL_INKS, families.HELD_OUT_LABEL_INKS),
        (families.tuned_faces(), families.held_out_faces()),
    ]
    for tuned, held_out in pairs:
        assert not set(tuned) & set(held_out)
    assert families.TUNED_CAMERA != families.HELD_OUT_CAMERA


def test_the_second_held_out_family_has_wordings_faces_paper_and_camera_of_its_own():
    tuned, first, second = (
        families.POOLS[families.TUNED],
        families.POOLS[families.HELD_OUT],
        families.POOLS[families.HELD_OUT_2],
    )
    for axis in ("invoices", "records", "papers", "label_inks", "cameras", "card_colours"):
        others = set(getattr(tuned, axis)) | set(getattr(first, axis))
        assert not set(getattr(second, axis)) & others, axis
    faces = set(families.tuned_faces()) | set(families.held_out_faces())
    assert not set(families.held_out_2_faces()) & faces


def test_the_third_held_out_family_has_wordings_faces_paper_and_camera_of_its_own():
    others = [families.POOLS[family] for family in (families.TUNED, *families.HELD_OUT_FAMILIES)]
    third = families.POOLS[families.HELD_OUT_3]
    for axis in ("invoices", "records", "papers", "label_inks", "cameras", "card_colours"):
        seen = {value for pools in others if pools is not third for value in getattr(pools, axis)}
        assert not set(getattr(third, axis)) & seen, axis
    faces = (
        set(families.tuned_faces())
        | set(families.held_out_faces())
        | set(families.held_out_2_faces())
    )
    assert not set(families.held_out_3_faces()) & faces


@pytest.mark.parametrize(
    "family", [families.TUNED, families.HELD_OUT, families.HELD_OUT_2, families.HELD_OUT_3]
)
def test_a_family_set_is_the_same_whenever_it_is_made(family: str):
    first, again = make_sample(5, 6, family), make_sample(5, 6, family)
    assert first.data == again.data and first.fields == again.fields
    assert first.family == family and first.style and first.style["family"] == family
    assert first.doc_type == "medical_invoice"
    assert make_sample(5, 6).data != first.data  # the classic document differs


class Blind:
    """An engine that reads nothing."""

    def read(self, image: object) -> list[OcrLine]:
        return []


def test_the_evaluator_reports_each_family_apart(tmp_path):
    generate(tmp_path, 2, 3, (families.TUNED, families.HELD_OUT))
    rows = [json.loads(line) for line in (tmp_path / FAMILIES_FILE).read_text().splitlines()]
    assert [row["family"] for row in rows] == ["tuned", "tuned", "held-out", "held-out"]
    report = evaluate(tmp_path, Pipeline(Blind()), auto=True)
    assert set(report.families) == {"tuned", "held-out"}
    text = "\n".join(report.lines())
    assert "family: held-out" in text and "family: tuned" in text
    assert report.family_overall("held-out").documents == 2
    assert "type recognised (clean)" in text

"""The verdict is about the photo: sharp and complete is accepted, with any field the reader
could not place listed for a person to key in. The engine is scripted, so no OCR runs."""

from collections.abc import Sequence

import cv2
import numpy as np

from ocr_service.ocr import OcrLine, Pipeline
from ocr_synth import ANCHOR_DATE, make_sample

from .test_ocr_rules import invoice_lines


class ScriptedEngine:
    """Reads the same lines from any picture, and counts how often it was asked."""

    def __init__(self, lines: Sequence[OcrLine]) -> None:
        self.lines = list(lines)
        self.calls = 0

    def read(self, image: np.ndarray) -> list[OcrLine]:
        self.calls += 1
        return self.lines


# A clean invoice photo (the classic set's first document): the picture passes every check.
SHARP_INVOICE = make_sample(7, 0)


def test_a_sharp_invoice_with_an_unplaceable_field_is_accepted_for_review():
    lines = [item for item in invoice_lines() if not item.text.startswith("医疗机构")]
    result = Pipeline(ScriptedEngine(lines)).process(SHARP_INVOICE.data, "medical_invoice")
    assert result.verdict == "accept" and result.reasons == []
    assert result.fields_to_review == ["hospital"]
    assert "hospital" not in result.fields
    assert result.to_dict()["fields_to_review"] == ["hospital"]


def test_every_field_read_leaves_nothing_to_review():
    engine = ScriptedEngine(invoice_lines())
    result = Pipeline(engine).process(SHARP_INVOICE.data, "auto", today=ANCHOR_DATE)
    assert (result.doc_type, result.verdict, result.fields_to_review) == (
        "medical_invoice",
        "accept",
        [],
    )
    assert engine.calls == 1  # one reading serves type, fields and verdict


def test_missing_fields_at_the_frame_are_a_cut_off_document():
    image = cv2.imdecode(np.frombuffer(SHARP_INVOICE.data, np.uint8), cv2.IMREAD_COLOR)
    height = image.shape[0]
    lines = [item for item in invoice_lines() if not item.text.startswith("医疗机构")]
    lines.append(
        OcrLine("金额", 0.99, ((40, height - 20), (120, height - 20), (120, height), (40, height)))
    )
    result = Pipeline(ScriptedEngine(lines)).process(SHARP_INVOICE.data, "medical_invoice")
    assert [reason["code"] for reason in result.reasons] == ["cut_off"]


def test_a_spoiled_photo_is_refused_before_any_ocr():
    image = cv2.imdecode(np.frombuffer(SHARP_INVOICE.data, np.uint8), cv2.IMREAD_COLOR)
    ok, dark = cv2.imencode(".png", (image * 0.1).astype(np.uint8))
    assert ok
    engine = ScriptedEngine(invoice_lines())
    result = Pipeline(engine).process(dark.tobytes(), "auto")
    assert [reason["code"] for reason in result.reasons] == ["too_dark"]
    assert engine.calls == 0
    assert "ocr" not in result.timings_ms


def test_text_the_engine_reads_unsurely_is_unreadable():
    unsure = [OcrLine(item.text, 0.5, item.box) for item in invoice_lines()]
    result = Pipeline(ScriptedEngine(unsure)).process(SHARP_INVOICE.data, "medical_invoice")
    assert [reason["code"] for reason in result.reasons] == ["unreadable"]


def test_another_document_than_the_one_asked_for_is_the_wrong_type():
    result = Pipeline(ScriptedEngine(invoice_lines())).process(SHARP_INVOICE.data, "bank_card")
    assert [reason["code"] for reason in result.reasons] == ["wrong_type"]

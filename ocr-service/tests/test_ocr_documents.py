"""The whole pipeline on generated documents: fields, verdicts, type detection, PDF and EXIF."""

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr_service.ocr import Pipeline
from ocr_service.ocr.images import ImageDecodeError, decode_pages
from ocr_synth import ANCHOR_DATE
from ocr_synth.evaluate import truth_verdicts
from ocr_synth.generate import CONDITIONS, DOC_CYCLE

pytestmark = pytest.mark.slow


def test_the_set_covers_every_condition_and_type(synth_reads):
    assert {read.sample.condition for read in synth_reads} == set(CONDITIONS)
    clean_types = {read.sample.doc_type for read in synth_reads if read.sample.condition == "clean"}
    assert clean_types == set(DOC_CYCLE)


def test_clean_documents_are_accepted_with_every_field_right(synth_reads):
    clean = [read for read in synth_reads if read.sample.condition == "clean"]
    for read in clean:
        assert read.result.verdict == "accept", (read.sample.file, read.result.reasons)
        assert read.result.fields == read.sample.fields, read.sample.file


@pytest.mark.parametrize(
    "condition", ["blurry", "dark", "glare", "cut_off", "too_small", "wrong_type"]
)
def test_each_spoiler_is_rejected_for_its_reason(synth_reads, condition):
    spoiled = [read for read in synth_reads if read.sample.condition == condition]
    assert spoiled
    for read in spoiled:
        assert read.result.verdict == "reject", read.sample.file
        codes = [reason["code"] for reason in read.result.reasons]
        assert read.sample.quality in truth_verdicts(codes), (read.sample.file, codes)
        assert all(reason["message"] for reason in read.result.reasons)


def test_rejections_say_why_in_chinese(synth_reads):
    blurry = next(read for read in synth_reads if read.sample.condition == "blurry")
    assert {"code": "blurry", "message": "照片模糊，请重新拍摄"} in blurry.result.reasons


def test_auto_detects_the_type(synth_reads, pipeline: Pipeline):
    clean = [read.sample for read in synth_reads if read.sample.condition == "clean"]
    for sample in clean[: len(DOC_CYCLE)]:
        result = pipeline.process(sample.data, "auto", today=ANCHOR_DATE)
        assert result.doc_type == sample.doc_type, sample.file
        assert result.fields == sample.fields


def test_timings_cover_every_stage(synth_reads):
    timings = synth_reads[0].result.timings_ms
    assert set(timings) == {"decode", "quality", "ocr", "extract", "total"}
    assert timings["total"] >= timings["ocr"] > 0


def _first_clean(synth_reads, doc_type: str):
    return next(
        read.sample
        for read in synth_reads
        if read.sample.condition == "clean" and read.sample.doc_type == doc_type
    )


def test_pdf_pages_are_rendered_and_read(synth_reads, pipeline: Pipeline):
    sample = _first_clean(synth_reads, "medical_invoice")
    image = Image.open(io.BytesIO(sample.data)).convert("RGB")
    pdf = io.BytesIO()
    image.save(pdf, format="PDF", resolution=150)
    assert len(decode_pages(pdf.getvalue())) == 1
    result = pipeline.process(
        pdf.getvalue(), "medical_invoice", content_type="application/pdf", today=ANCHOR_DATE
    )
    assert result.verdict == "accept"
    assert result.fields == sample.fields


@pytest.mark.parametrize("doc_type", ["id_card_front", "id_card_back"])
def test_a_picture_lying_sideways_or_upside_down_reads_the_same(
    synth_reads, pipeline: Pipeline, doc_type: str
):
    sample = _first_clean(synth_reads, doc_type)
    image = cv2.imdecode(np.frombuffer(sample.data, np.uint8), cv2.IMREAD_COLOR)
    for turn in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE):
        ok, turned = cv2.imencode(".png", cv2.rotate(image, turn))
        assert ok
        result = pipeline.process(turned.tobytes(), doc_type, today=ANCHOR_DATE)
        assert result.verdict == "accept", (turn, result.reasons)
        assert result.fields == sample.fields, turn


def test_exif_orientation_is_applied(synth_reads):
    sample = _first_clean(synth_reads, "id_card_front")
    upright = Image.open(io.BytesIO(sample.data)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned; the viewer turns it 90° clockwise
    stored = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(stored, format="JPEG", exif=exif.tobytes())
    (page,) = decode_pages(stored.getvalue())
    assert page.shape[:2] == (upright.height, upright.width)


def test_huge_photos_are_shrunk_and_garbage_is_refused(pipeline: Pipeline):
    ok, big = cv2.imencode(".png", np.full((3000, 4000, 3), 255, np.uint8))
    assert ok
    (page,) = decode_pages(big.tobytes())
    assert max(page.shape[:2]) == 2000
    with pytest.raises(ImageDecodeError):
        decode_pages(b"GIF89a not a document")
    result = pipeline.process(b"\xff\xd8\xff broken jpeg", "bank_card")
    assert result.verdict == "reject"
    assert [reason["code"] for reason in result.reasons] == ["unreadable"]

"""The quality gate's measures on pictures made to show one fault each."""

import cv2
import numpy as np
import pytest

from ocr_service.ocr import Pipeline
from ocr_service.ocr.engine import OcrLine
from ocr_service.ocr.quality import Reason, image_reasons, measure, missing_fields_reason


def page(shade: int = 238) -> np.ndarray:
    """A grey sheet with rows of dark strokes standing in for print."""
    image = np.full((700, 1000, 3), shade, np.uint8)
    for row in range(100, 650, 60):
        for column in range(80, 900, 30):
            cv2.rectangle(image, (column, row), (column + 16, row + 24), (30, 30, 30), 2)
    return image


def reasons(image: np.ndarray, doc_type: str = "medical_invoice") -> list[Reason]:
    return image_reasons(measure(image), doc_type)


def test_a_clean_page_has_no_fault():
    assert reasons(page()) == []


def test_dark():
    assert reasons((page() * 0.12).astype(np.uint8)) == [Reason.TOO_DARK]


def test_blur():
    assert reasons(cv2.GaussianBlur(page(), (0, 0), 3.5)) == [Reason.BLURRY]


def test_glare_is_a_blown_out_patch_above_the_paper():
    image = page()
    cv2.circle(image, (500, 350), 90, (255, 255, 255), -1)
    assert reasons(image) == [Reason.GLARE]
    # white paper at 255 throughout is a scan, not a reflection
    assert reasons(page(shade=255)) == []


def test_print_cut_by_the_frame():
    assert reasons(page()[:352]) == [Reason.CUT_OFF]  # through the row at 340-364
    assert reasons(page()[:, :515]) == [Reason.CUT_OFF]


def test_card_shapes_and_small_pictures():
    card = cv2.resize(page(), (856, 540))
    assert reasons(card, "bank_card") == []
    assert reasons(card[:150], "bank_card") == [Reason.CUT_OFF]
    assert reasons(cv2.resize(page(), (400, 280)), "medical_invoice") == [Reason.TOO_SMALL]


def test_missing_fields_near_the_frame_are_a_cut_off():
    stats = measure(page())
    inside = [OcrLine("交款人", 0.99, ((80, 100), (200, 100), (200, 130), (80, 130)))]
    at_edge = [OcrLine("交款人", 0.99, ((80, 670), (200, 670), (200, 699), (80, 699)))]
    assert missing_fields_reason(stats, inside, "medical_invoice") == Reason.MISSING_FIELDS
    assert missing_fields_reason(stats, at_edge, "medical_invoice") == Reason.CUT_OFF


@pytest.mark.slow
def test_a_blank_sheet_is_unreadable(pipeline: Pipeline):
    ok, blank = cv2.imencode(".png", np.full((700, 1000, 3), 240, np.uint8))
    assert ok
    result = pipeline.process(blank.tobytes(), "medical_invoice")
    assert result.verdict == "reject"
    assert [reason["code"] for reason in result.reasons] == ["unreadable"]

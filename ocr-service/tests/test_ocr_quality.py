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


@pytest.mark.parametrize("degrees", [0, 30, 90, 135])
def test_a_photo_smeared_along_one_direction_is_blurry(degrees: int):
    """A shaken hand: sharp across the shake, blurred along it."""
    length = 15
    line = np.zeros((length, length), np.float32)
    line[length // 2, :] = 1
    turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), degrees, 1)
    smear = cv2.warpAffine(line, turn, (length, length))
    assert reasons(cv2.filter2D(page(), -1, smear / smear.sum())) == [Reason.BLURRY]


def test_a_card_with_a_large_flat_face_and_little_print_is_sharp():
    """A gold card: one line of light print on a mid-tone face, on a white desk."""
    image = np.full((700, 1000, 3), 250, np.uint8)
    cv2.rectangle(image, (60, 80), (940, 640), (52, 136, 176), -1)
    cv2.putText(
        image,
        "6222 0210 0112 3456",
        (110, 420),
        cv2.FONT_HERSHEY_SIMPLEX,
        1.6,
        (245, 245, 245),
        3,
        cv2.LINE_AA,
    )
    assert reasons(image, "bank_card") == []


def pink_card_on_pale_desk(blur: float = 0.0) -> np.ndarray:
    """A tinted card with dark print and a large bare face, on a desk paler than the card."""
    image = np.full((660, 1040, 3), 214, np.uint8)
    cv2.rectangle(image, (30, 30), (1010, 630), (150, 145, 205), -1)
    cv2.putText(
        image,
        "6222 0232 3068 8298",
        (90, 470),
        cv2.FONT_HERSHEY_TRIPLEX,
        1.8,
        (35, 30, 35),
        2,
        cv2.LINE_AA,
    )
    cv2.putText(
        image,
        "VALID THRU 10/31",
        (90, 540),
        cv2.FONT_HERSHEY_TRIPLEX,
        0.8,
        (35, 30, 35),
        1,
        cv2.LINE_AA,
    )
    return cv2.GaussianBlur(image, (0, 0), blur) if blur else image


def test_print_on_a_tinted_card_is_judged_against_the_card_not_the_desk():
    """A pale desk widens the picture's grey range; the print's sharpness is measured against
    the face it is printed on, so a sharp card is not refused as blurred."""
    assert Reason.BLURRY not in reasons(pink_card_on_pale_desk(), "bank_card")


def test_a_blurred_tinted_card_is_still_blurry():
    assert Reason.BLURRY in reasons(pink_card_on_pale_desk(blur=3.5), "bank_card")


def test_glare_is_a_blown_out_patch_above_the_paper():
    image = page()
    cv2.circle(image, (500, 350), 90, (255, 255, 255), -1)
    assert reasons(image) == [Reason.GLARE]
    # white paper at 255 throughout is a scan, not a reflection
    assert reasons(page(shade=255)) == []


def test_a_reflection_running_into_a_side_of_the_picture_is_glare():
    image = page()
    cv2.circle(image, (500, 40), 110, (255, 255, 255), -1)
    assert reasons(image) == [Reason.GLARE]
    strip = page()
    strip[:, :30] = 255  # a strip of white desk along one side is no reflection
    assert reasons(strip) == []


def test_a_strip_lights_slanting_band_running_off_the_page_is_glare():
    """A band of blown-out light across the page, from inside it to one side, filling little of
    its bounding box as it slants."""
    image = page()
    band = np.array([[250, 600], [1000, 180], [1000, 300], [370, 600]], np.int32)
    cv2.fillPoly(image, [band], (255, 255, 255))
    assert reasons(image) == [Reason.GLARE]
    desk = page()
    desk[:, :30] = 255
    desk[:30, :] = 255  # white desk along two sides of the page
    assert reasons(desk) == []


def test_a_wavy_band_of_light_from_one_side_of_the_page_to_the_other_is_glare():
    """A plastic sleeve's crease mirrors a lamp as a band across the whole page, far longer than
    a strip-light's; a white desk along an edge reaches a third side and is none."""
    image = page()
    top = [(x, 300 + int(40 * np.sin(x / 160))) for x in range(0, 1001, 50)]
    bottom = [(x, y + 90) for x, y in reversed(top)]
    cv2.fillPoly(image, [np.array(top + bottom, np.int32)], (255, 255, 255))
    assert reasons(image) == [Reason.GLARE]
    desk = page()
    desk[:60, :] = 255
    assert reasons(desk) == []


def test_a_window_mirrored_in_panes_each_too_small_alone_is_glare():
    """Four blown-out panes of a window, each under the share a lone patch needs, together over
    it; one such pane alone, like a white label on the page, is no reflection."""
    image = page()
    for left, top in ((380, 240), (500, 240), (380, 350), (500, 350)):
        cv2.rectangle(image, (left, top), (left + 90, top + 80), (255, 255, 255), -1)
    assert reasons(image) == [Reason.GLARE]
    label = page()
    cv2.rectangle(label, (380, 240), (470, 320), (255, 255, 255), -1)
    assert reasons(label) == []


def test_white_lines_of_print_are_no_panes():
    image = page()
    for row in range(120, 600, 90):
        cv2.rectangle(image, (100, row), (900, row + 28), (255, 255, 255), -1)
    assert reasons(image) == []


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


def photo_of_a_thing() -> np.ndarray:
    """No paper and no text: coloured shapes, some running out of the frame, and fine strokes
    for the texture of fur or grass, on a shaded ground."""
    rng = np.random.default_rng(3)
    ramp = np.linspace(70, 190, 1200, dtype=np.float32)
    image = np.repeat(np.repeat(ramp[None, :, None], 900, axis=0), 3, axis=2).astype(np.uint8)

    def colour() -> tuple[int, int, int]:
        red, green, blue = (int(value) for value in rng.integers(0, 256, 3))
        return red, green, blue

    for _ in range(14):
        centre = (int(rng.integers(0, 1200)), int(rng.integers(0, 900)))
        cv2.circle(image, centre, int(rng.integers(40, 220)), colour(), -1)
    for _ in range(1500):
        x, y = int(rng.integers(0, 1200)), int(rng.integers(0, 900))
        dx, dy = (int(value) for value in rng.integers(-25, 26, 2))
        cv2.line(image, (x, y), (x + dx, y + dy), colour(), 2)
    return image


@pytest.mark.slow
def test_photos_of_things_are_judged_by_the_picture_alone(pipeline: Pipeline):
    def judged(image: np.ndarray, doc_type: str) -> tuple[str, list[str], dict[str, str]]:
        ok, data = cv2.imencode(".jpg", image)
        assert ok
        result = pipeline.process(data.tobytes(), doc_type)
        assert result.doc_type == doc_type
        return result.verdict, [reason["code"] for reason in result.reasons], result.fields

    # no text to read is no fault in a photo of a pet or a vehicle
    assert judged(photo_of_a_thing(), "pet_photo") == ("accept", [], {})
    assert judged(photo_of_a_thing(), "vehicle_photo") == ("accept", [], {})
    dark = (photo_of_a_thing() * 0.12).astype(np.uint8)
    assert judged(dark, "vehicle_photo") == ("reject", ["too_dark"], {})
    blurred = cv2.GaussianBlur(photo_of_a_thing(), (0, 0), 8)
    assert judged(blurred, "pet_photo") == ("reject", ["blurry"], {})
    # a paper without field rules must still show text that can be read
    assert judged(photo_of_a_thing(), "expense_list")[:2] == ("reject", ["unreadable"])

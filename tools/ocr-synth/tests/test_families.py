"""Variant families: the held-out ones share no variant with the tuned one, sets made from a seed
are the same each time, and the evaluator reports every family apart."""

import json
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

import cv2
import numpy as np
import pytest

from ocr_service.ocr import OcrLine, Pipeline
from ocr_service.ocr.extract.validate import id_check_char
from ocr_synth import data, families, spoilers
from ocr_synth.documents import Rendered
from ocr_synth.evaluate import evaluate
from ocr_synth.generate import FAMILIES_FILE, generate, make_sample
from ocr_synth.spoilers import photograph_with
from ocr_synth.styled import STYLED, Pair, Printer, StyledSheet, amount_text, date_text


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


def test_the_fourth_held_out_family_draws_every_axis_from_pools_of_its_own():
    fourth = families.POOLS[families.HELD_OUT_4]
    others = [pools for family, pools in families.POOLS.items() if family != families.HELD_OUT_4]
    axes = ("invoices", "records", "layouts", "dates", "amounts", "papers", "label_inks")
    for axis in (*axes, "cameras", "card_colours"):
        seen = {value for pools in others for value in getattr(pools, axis)}
        assert not set(getattr(fourth, axis)) & seen, axis
    # Print effects: its own besides plain print.
    seen_effects = {effect for pools in others for effect in pools.effects}
    assert set(fourth.effects) & seen_effects == {"none"}
    faces = {
        face
        for make in (
            families.tuned_faces,
            families.held_out_faces,
            families.held_out_2_faces,
            families.held_out_3_faces,
        )
        for face in make()
    }
    assert not set(families.held_out_4_faces()) & faces


def test_the_fourth_held_out_family_has_people_and_places_no_other_family_prints():
    people = families.POOLS[families.HELD_OUT_4].people
    assert people is not None
    assert not set(people.surnames) & set(data.SURNAMES)
    assert not set(people.given) & set(data.GIVEN)
    assert not set(people.compound_surnames) & set(data.COMPOUND_SURNAMES)
    assert not set(people.hospitals) & (set(data.HOSPITALS) | set(data.HELD_OUT_HOSPITALS))
    assert not {code for code, _, _ in people.regions} & {code for code, _, _ in data.REGIONS}
    assert not set(people.streets) & set(data.STREETS)
    assert not set(people.invoice_regions) & set(data.INVOICE_REGIONS)


def test_the_fourth_held_out_family_fills_its_documents_from_its_own_pools():
    people = data.HELD_OUT_4_PEOPLE
    surnames = (*people.compound_surnames, *people.surnames)
    codes = {code for code, _, _ in people.regions}
    for index in range(12):  # every document type, twice
        sample = make_sample(3, index, families.HELD_OUT_4)
        fields = sample.fields
        for key in ("payer_name", "patient_name", "name"):
            if key in fields:
                assert fields[key].startswith(surnames), fields[key]
                assert all(char in people.given for char in fields[key][-1])
        if "hospital" in fields:
            assert fields["hospital"] in people.hospitals
        if "id_number" in fields:
            assert fields["id_number"][:6] in codes
            assert fields["id_number"][-1] == id_check_char(fields["id_number"][:17])
        if "issuing_authority" in fields:
            assert fields["issuing_authority"] in {office for _, _, office in people.regions}
        if "total_amount" in fields:
            paid = Decimal(fields["insurance_paid"]) + Decimal(fields["self_paid"])
            assert paid == Decimal(fields["total_amount"])


def test_the_fourth_held_out_family_prints_dates_and_amounts_in_forms_of_its_own():
    day, rng = date(2025, 5, 7), random.Random(1)
    assert date_text(day, "dot_bare", rng) == "2025.5.7"
    assert date_text(day, "dash_bare", rng) == "2025-5-7"
    stamped = date_text(day, "iso_time", rng)
    assert stamped.startswith("2025-05-07 ") and len(stamped) == len("2025-05-07 09:41:26")
    value = Decimal("1234.5")
    assert amount_text(value, "yen_grouped", rng) in ("¥1,234.50", "￥1,234.50")
    assert amount_text(value, "yen_space", rng) == "￥ 1234.50"
    assert amount_text(value, "rmb_latin", rng) in ("RMB 1234.50", "RMB 1,234.50")


def _photo() -> Rendered:
    style = families.style_for(families.HELD_OUT_4, random.Random(2))
    rendered = STYLED["diagnosis_certificate"](random.Random(2), style, date(2025, 12, 31))
    return photograph_with(rendered, random.Random(2), style.camera)


def test_the_fourth_held_out_family_spoils_photos_past_reading():
    photo = _photo()
    faults = spoilers.HELD_OUT_4_SPOILERS
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    sharpness = cv2.Laplacian(grey, cv2.CV_64F).var()

    smudged, verdict = faults["blurry"][0](photo, random.Random(4)), faults["blurry"][1]
    assert verdict == "reject:blurry"
    smudged_grey = cv2.cvtColor(smudged, cv2.COLOR_BGR2GRAY)
    assert cv2.Laplacian(smudged_grey, cv2.CV_64F).var() < sharpness / 20

    dark, verdict = faults["dark"][0](photo, random.Random(4)), faults["dark"][1]
    assert verdict == "reject:dark" and dark.mean() < photo.image.mean() * 0.16

    lit, verdict = faults["glare"][0](photo, random.Random(4)), faults["glare"][1]
    assert verdict == "reject:glare"
    blown = (lit.min(axis=2) >= 250).mean() - (photo.image.min(axis=2) >= 250).mean()
    assert blown > 0.03  # a band of the page washed out to white

    cut, verdict = faults["cut_off"][0](photo, random.Random(4)), faults["cut_off"][1]
    assert verdict == "reject:cut_off"
    height, width = photo.image.shape[:2]
    assert cut.shape[0] < height or cut.shape[1] < width
    # What is left is the lower or right part of the photo: the top or left was cut.
    assert np.array_equal(cut, photo.image[height - cut.shape[0] :, width - cut.shape[1] :])


def test_the_fifth_held_out_family_draws_every_axis_from_pools_of_its_own():
    fifth = families.POOLS[families.HELD_OUT_5]
    others = [pools for family, pools in families.POOLS.items() if family != families.HELD_OUT_5]
    axes = ("invoices", "records", "layouts", "dates", "amounts", "papers", "label_inks")
    for axis in (*axes, "cameras", "card_colours"):
        seen = {value for pools in others for value in getattr(pools, axis)}
        assert not set(getattr(fifth, axis)) & seen, axis
    seen_effects = {effect for pools in others for effect in pools.effects}
    assert set(fifth.effects) & seen_effects == {"none"}

    # Not one label of its invoices' fields is printed by another family's invoices.
    def labels(wording: families.InvoiceWording) -> set[str]:
        return {
            wording.payer,
            wording.issue_date,
            wording.hospital,
            wording.total,
            wording.insurance,
            wording.self_paid,
        }

    printed = {label for pools in others for wording in pools.invoices for label in labels(wording)}
    assert not {label for wording in fifth.invoices for label in labels(wording)} & printed
    faces = {
        face
        for make in (
            families.tuned_faces,
            families.held_out_faces,
            families.held_out_2_faces,
            families.held_out_3_faces,
            families.held_out_4_faces,
        )
        for face in make()
    }
    assert not set(families.held_out_5_faces()) & faces


def test_the_fifth_held_out_family_has_people_and_places_no_other_family_prints():
    people = families.POOLS[families.HELD_OUT_5].people
    assert people is not None
    fourth = data.HELD_OUT_4_PEOPLE
    assert not set(people.surnames) & (set(data.SURNAMES) | set(fourth.surnames))
    assert not set(people.given) & (set(data.GIVEN) | set(fourth.given))
    compound = set(data.COMPOUND_SURNAMES) | set(fourth.compound_surnames)
    assert not set(people.compound_surnames) & compound
    hospitals = set(data.HOSPITALS) | set(data.HELD_OUT_HOSPITALS) | set(fourth.hospitals)
    assert not set(people.hospitals) & hospitals
    codes = {code for code, _, _ in (*data.REGIONS, *fourth.regions)}
    assert not {code for code, _, _ in people.regions} & codes
    assert not set(people.streets) & (set(data.STREETS) | set(fourth.streets))
    regions = set(data.INVOICE_REGIONS) | set(fourth.invoice_regions)
    assert not set(people.invoice_regions) & regions


def test_the_fifth_held_out_family_fills_its_documents_from_its_own_pools():
    people = data.HELD_OUT_5_PEOPLE
    surnames = (*people.compound_surnames, *people.surnames)
    codes = {code for code, _, _ in people.regions}
    for index in range(12):  # every document type, twice
        fields = make_sample(3, index, families.HELD_OUT_5).fields
        for key in ("payer_name", "patient_name", "name"):
            if key in fields:
                assert fields[key].startswith(surnames), fields[key]
                assert all(char in people.given for char in fields[key][-1])
        if "hospital" in fields:
            assert fields["hospital"] in people.hospitals
        if "id_number" in fields:
            assert fields["id_number"][:6] in codes
            assert fields["id_number"][-1] == id_check_char(fields["id_number"][:17])
        if "issuing_authority" in fields:
            assert fields["issuing_authority"] in {office for _, _, office in people.regions}
        if "total_amount" in fields:
            paid = Decimal(fields["insurance_paid"]) + Decimal(fields["self_paid"])
            assert paid == Decimal(fields["total_amount"])


def _invoice(wording: families.InvoiceWording, seed: int) -> Rendered:
    style = replace(families.style_for(families.HELD_OUT_5, random.Random(seed)), invoice=wording)
    return STYLED["medical_invoice"](random.Random(seed), style, date(2025, 12, 31))


def test_a_slip_that_prints_no_code_has_none_in_its_truth():
    kiosk, paper, receipt = families.HELD_OUT_5_INVOICE_WORDINGS
    for seed in range(4):
        assert "invoice_code" not in _invoice(kiosk, seed).fields
        assert "invoice_code" not in _invoice(receipt, seed).fields
        assert "invoice_code" in _invoice(paper, seed).fields
    # A kiosk's slip is a till roll's width, narrower than any sheet.
    assert _invoice(kiosk, 0).image.shape[1] < 1100 <= _invoice(paper, 0).image.shape[1]


def test_the_fifth_held_out_family_prints_dates_and_amounts_in_forms_of_its_own():
    day, rng = date(2025, 5, 17), random.Random(1)
    assert date_text(day, "cn_weekday", rng) == "2025年5月17日 星期六"
    assert date_text(day, "slash_bare", rng) == "2025/5/17"
    stamped = date_text(day, "slash_minute", rng)
    assert stamped.startswith("2025/05/17 ") and len(stamped) == len("2025/05/17 14:03")
    value = Decimal("1234.5")
    assert amount_text(value, "cny", rng) == "CNY 1234.50"
    assert amount_text(value, "yuan_spaced", rng) == "1234.50 元"
    assert amount_text(value, "yuan_grouped", rng) == "1,234.50元"


def _photo_5(doc_type: str) -> Rendered:
    style = families.style_for(families.HELD_OUT_5, random.Random(2))
    rendered = STYLED[doc_type](random.Random(2), style, date(2025, 12, 31))
    return photograph_with(rendered, random.Random(2), style.camera)


def test_the_fifth_held_out_family_spoils_photos_past_reading():
    photo = _photo_5("diagnosis_certificate")
    faults = spoilers.HELD_OUT_5_SPOILERS
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    sharpness = cv2.Laplacian(grey, cv2.CV_64F).var()

    doubled, verdict = faults["blurry"][0](photo, random.Random(4)), faults["blurry"][1]
    assert verdict == "reject:blurry"
    doubled_grey = cv2.cvtColor(doubled, cv2.COLOR_BGR2GRAY)
    assert cv2.Laplacian(doubled_grey, cv2.CV_64F).var() < sharpness / 20

    dark, verdict = faults["dark"][0](photo, random.Random(4)), faults["dark"][1]
    assert verdict == "reject:dark" and dark.mean() < photo.image.mean() * 0.13

    lit, verdict = faults["glare"][0](photo, random.Random(4)), faults["glare"][1]
    assert verdict == "reject:glare"
    blown = (lit.min(axis=2) >= 250).mean() - (photo.image.min(axis=2) >= 250).mean()
    assert blown > 0.03  # a pane of the page washed out to white

    for doc_type in ("diagnosis_certificate", "bank_card"):
        photo = _photo_5(doc_type)
        cut, verdict = faults["cut_off"][0](photo, random.Random(4)), faults["cut_off"][1]
        assert verdict == "reject:cut_off"
        height, width = photo.image.shape[:2]
        # Both sides are left out of the frame.
        assert cut.shape[1] < width * 0.9
        left = next(
            x for x in range(width - cut.shape[1] + 1) if _same(cut, photo.image, x, height)
        )
        assert left > 0 and left + cut.shape[1] < width


def _same(cut: np.ndarray, image: np.ndarray, x: int, height: int) -> bool:
    for top in range(height - cut.shape[0] + 1):
        if np.array_equal(cut[:4], image[top : top + 4, x : x + cut.shape[1]]):
            return True
    return False


def test_the_sixth_held_out_family_draws_every_axis_from_pools_of_its_own():
    sixth = families.POOLS[families.HELD_OUT_6]
    others = [pools for family, pools in families.POOLS.items() if family != families.HELD_OUT_6]
    axes = ("invoices", "records", "layouts", "dates", "amounts", "papers", "label_inks")
    for axis in (*axes, "cameras", "card_colours"):
        seen = {value for pools in others for value in getattr(pools, axis)}
        assert not set(getattr(sixth, axis)) & seen, axis
    seen_effects = {effect for pools in others for effect in pools.effects}
    assert set(sixth.effects) & seen_effects == {"none"}

    # Not one label or title another family prints, on its invoices or its doctors' papers.
    def invoice_labels(wording: families.InvoiceWording) -> set[str]:
        return {
            wording.title,
            wording.code,
            wording.number,
            wording.issue_date,
            wording.payer,
            wording.hospital,
            wording.total_in_words,
            wording.total,
            wording.insurance,
            wording.self_paid,
        } - {""}

    def record_labels(wording: families.RecordWording) -> set[str]:
        return {
            wording.certificate_title,
            wording.summary_title,
            wording.patient,
            wording.diagnosis,
            wording.issue_date,
            wording.admission,
            wording.discharge,
            wording.department,
            wording.doctor,
            wording.advice,
        }

    printed = {label for pools in others for w in pools.invoices for label in invoice_labels(w)}
    assert not {label for w in sixth.invoices for label in invoice_labels(w)} & printed
    written = {label for pools in others for w in pools.records for label in record_labels(w)}
    assert not {label for w in sixth.records for label in record_labels(w)} & written
    faces = {
        face
        for make in (
            families.tuned_faces,
            families.held_out_faces,
            families.held_out_2_faces,
            families.held_out_3_faces,
            families.held_out_4_faces,
            families.held_out_5_faces,
        )
        for face in make()
    }
    assert not set(families.held_out_6_faces()) & faces


def test_the_sixth_held_out_family_has_people_and_places_no_other_family_prints():
    people = data.HELD_OUT_6_PEOPLE
    others = (data.HELD_OUT_4_PEOPLE, data.HELD_OUT_5_PEOPLE)
    assert not set(people.surnames) & set(data.SURNAMES).union(*(o.surnames for o in others))
    assert not set(people.given) & set(data.GIVEN).union(*(o.given for o in others))
    compound = set(data.COMPOUND_SURNAMES).union(*(o.compound_surnames for o in others))
    assert not set(people.compound_surnames) & compound
    hospitals = set(data.HOSPITALS) | set(data.HELD_OUT_HOSPITALS)
    assert not set(people.hospitals) & hospitals.union(*(o.hospitals for o in others))
    codes = {code for code, _, _ in (*data.REGIONS, *(r for o in others for r in o.regions))}
    assert not {code for code, _, _ in people.regions} & codes
    assert not set(people.streets) & set(data.STREETS).union(*(o.streets for o in others))
    regions = set(data.INVOICE_REGIONS).union(*(o.invoice_regions for o in others))
    assert not set(people.invoice_regions) & regions


def test_the_sixth_held_out_family_fills_its_documents_from_its_own_pools():
    people = data.HELD_OUT_6_PEOPLE
    surnames = (*people.compound_surnames, *people.surnames)
    codes = {code for code, _, _ in people.regions}
    for index in range(12):  # every document type, twice
        fields = make_sample(3, index, families.HELD_OUT_6).fields
        for key in ("payer_name", "patient_name", "name"):
            if key in fields:
                assert fields[key].startswith(surnames), fields[key]
                assert all(char in people.given for char in fields[key][-1])
        if "hospital" in fields:
            assert fields["hospital"] in people.hospitals
        if "id_number" in fields:
            assert fields["id_number"][:6] in codes
            assert fields["id_number"][-1] == id_check_char(fields["id_number"][:17])
        if "issuing_authority" in fields:
            assert fields["issuing_authority"] in {office for _, _, office in people.regions}
        if "total_amount" in fields:
            paid = Decimal(fields["insurance_paid"]) + Decimal(fields["self_paid"])
            assert paid == Decimal(fields["total_amount"])


def test_a_receipt_of_the_sixth_family_has_no_code_and_its_e_invoice_one():
    e_invoice, receipt = families.HELD_OUT_6_INVOICE_WORDINGS
    for seed in range(4):
        style = families.style_for(families.HELD_OUT_6, random.Random(seed))
        for wording, has_code in ((e_invoice, True), (receipt, False)):
            rendered = STYLED["medical_invoice"](
                random.Random(seed), replace(style, invoice=wording), date(2025, 12, 31)
            )
            assert ("invoice_code" in rendered.fields) is has_code


def test_the_sixth_held_out_family_prints_dates_and_amounts_in_forms_of_its_own():
    day, rng = date(2025, 5, 17), random.Random(1)
    stamped = date_text(day, "cn_padded_minute", rng)
    assert stamped.startswith("2025年05月17日 ") and len(stamped) == len("2025年05月17日 14:03")
    stamped = date_text(day, "dot_seconds", rng)
    assert stamped.startswith("2025.05.17 ") and len(stamped) == len("2025.05.17 14:03:26")
    stamped = date_text(day, "dash_minute", rng)
    assert stamped.startswith("2025-05-17 ") and len(stamped) == len("2025-05-17 14:03")
    value = Decimal("1234.5")
    assert amount_text(value, "yen_yuan", rng) == "￥1234.50元"
    assert amount_text(value, "cny_grouped", rng) == "CNY 1,234.50"


def _photo_6(doc_type: str) -> Rendered:
    style = families.style_for(families.HELD_OUT_6, random.Random(2))
    rendered = STYLED[doc_type](random.Random(2), style, date(2025, 12, 31))
    return photograph_with(rendered, random.Random(2), style.camera)


def test_the_sixth_held_out_family_spoils_photos_past_reading():
    photo = _photo_6("medical_invoice")
    faults = spoilers.HELD_OUT_6_SPOILERS
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    sharpness = cv2.Laplacian(grey, cv2.CV_64F).var()

    smeared, verdict = faults["blurry"][0](photo, random.Random(4)), faults["blurry"][1]
    assert verdict == "reject:blurry"
    smeared_grey = cv2.cvtColor(smeared, cv2.COLOR_BGR2GRAY)
    assert cv2.Laplacian(smeared_grey, cv2.CV_64F).var() < sharpness / 20

    dark, verdict = faults["dark"][0](photo, random.Random(4)), faults["dark"][1]
    assert verdict == "reject:dark" and dark.mean() < photo.image.mean() * 0.13
    blue, red = dark[:, :, 0].mean(), dark[:, :, 2].mean()
    assert red > blue  # a warm lamp's cast

    lit, verdict = faults["glare"][0](photo, random.Random(4)), faults["glare"][1]
    assert verdict == "reject:glare"
    blown = (lit.min(axis=2) >= 250).mean() - (photo.image.min(axis=2) >= 250).mean()
    assert blown > 0.05  # bands of the page washed out to white

    for doc_type in ("discharge_summary", "bank_card"):
        photo = _photo_6(doc_type)
        cut, verdict = faults["cut_off"][0](photo, random.Random(4)), faults["cut_off"][1]
        assert verdict == "reject:cut_off"
        height, width = photo.image.shape[:2]
        # The top-left corner kept; the bottom and the right both left out.
        assert cut.shape[0] < height and cut.shape[1] < width
        assert np.array_equal(cut, photo.image[: cut.shape[0], : cut.shape[1]])


def _invoice_labels(wording: families.InvoiceWording) -> set[str]:
    return {
        wording.title,
        wording.code,
        wording.number,
        wording.issue_date,
        wording.payer,
        wording.hospital,
        wording.total_in_words,
        wording.total,
        wording.insurance,
        wording.self_paid,
    } - {""}


def _record_labels(wording: families.RecordWording) -> set[str]:
    return {
        wording.certificate_title,
        wording.summary_title,
        wording.patient,
        wording.diagnosis,
        wording.issue_date,
        wording.admission,
        wording.discharge,
        wording.department,
        wording.doctor,
        wording.advice,
    }


def test_the_seventh_held_out_family_draws_every_axis_from_pools_of_its_own():
    seventh = families.POOLS[families.HELD_OUT_7]
    others = [pools for family, pools in families.POOLS.items() if family != families.HELD_OUT_7]
    axes = ("invoices", "records", "layouts", "dates", "amounts", "papers", "label_inks")
    for axis in (*axes, "cameras", "card_colours"):
        seen = {value for pools in others for value in getattr(pools, axis)}
        assert not set(getattr(seventh, axis)) & seen, axis
    seen_effects = {effect for pools in others for effect in pools.effects}
    assert set(seventh.effects) & seen_effects == {"none"}

    # Not one label or title another family prints, on its invoices or its doctors' papers.
    printed = {label for pools in others for w in pools.invoices for label in _invoice_labels(w)}
    assert not {label for w in seventh.invoices for label in _invoice_labels(w)} & printed
    written = {label for pools in others for w in pools.records for label in _record_labels(w)}
    assert not {label for w in seventh.records for label in _record_labels(w)} & written
    faces = {
        face
        for family, make in families.FACES.items()
        if family != families.HELD_OUT_7
        for face in make()
    }
    assert len(set(families.held_out_7_faces())) == 3
    assert not set(families.held_out_7_faces()) & faces


def test_the_seventh_held_out_family_has_people_and_places_no_other_family_prints():
    people = data.HELD_OUT_7_PEOPLE
    others = (data.HELD_OUT_4_PEOPLE, data.HELD_OUT_5_PEOPLE, data.HELD_OUT_6_PEOPLE)
    assert not set(people.surnames) & set(data.SURNAMES).union(*(o.surnames for o in others))
    assert not set(people.given) & set(data.GIVEN).union(*(o.given for o in others))
    compound = set(data.COMPOUND_SURNAMES).union(*(o.compound_surnames for o in others))
    assert not set(people.compound_surnames) & compound
    hospitals = set(data.HOSPITALS) | set(data.HELD_OUT_HOSPITALS)
    assert not set(people.hospitals) & hospitals.union(*(o.hospitals for o in others))
    codes = {code for code, _, _ in (*data.REGIONS, *(r for o in others for r in o.regions))}
    assert not {code for code, _, _ in people.regions} & codes
    assert not set(people.streets) & set(data.STREETS).union(*(o.streets for o in others))
    regions = set(data.INVOICE_REGIONS).union(*(o.invoice_regions for o in others))
    assert not set(people.invoice_regions) & regions


def test_the_seventh_held_out_family_fills_its_documents_from_its_own_pools():
    people = data.HELD_OUT_7_PEOPLE
    surnames = (*people.compound_surnames, *people.surnames)
    codes = {code for code, _, _ in people.regions}
    for index in range(12):  # every document type, twice
        fields = make_sample(3, index, families.HELD_OUT_7).fields
        for key in ("payer_name", "patient_name", "name"):
            if key in fields:
                assert fields[key].startswith(surnames), fields[key]
                assert all(char in people.given for char in fields[key][-1])
        if "hospital" in fields:
            assert fields["hospital"] in people.hospitals
        if "id_number" in fields:
            assert fields["id_number"][:6] in codes
            assert fields["id_number"][-1] == id_check_char(fields["id_number"][:17])
        if "issuing_authority" in fields:
            assert fields["issuing_authority"] in {office for _, _, office in people.regions}
        if "total_amount" in fields:
            paid = Decimal(fields["insurance_paid"]) + Decimal(fields["self_paid"])
            assert paid == Decimal(fields["total_amount"])


def test_only_the_city_receipt_of_the_seventh_family_has_a_code():
    settlement, voucher, receipt = families.HELD_OUT_7_INVOICE_WORDINGS
    for seed in range(3):
        style = families.style_for(families.HELD_OUT_7, random.Random(seed))
        for wording, has_code in ((settlement, False), (voucher, False), (receipt, True)):
            rendered = STYLED["medical_invoice"](
                random.Random(seed), replace(style, invoice=wording), date(2025, 12, 31)
            )
            assert ("invoice_code" in rendered.fields) is has_code


def test_the_seventh_held_out_family_prints_dates_and_amounts_in_forms_of_its_own():
    day, rng = date(2025, 5, 7), random.Random(1)
    stamped = date_text(day, "cn_hour_minute", rng)
    assert stamped.startswith("2025年5月7日 ") and stamped.endswith("分") and "时" in stamped
    stamped = date_text(day, "slash_seconds", rng)
    assert stamped.startswith("2025/05/07 ") and len(stamped) == len("2025/05/07 14:03:26")
    stamped = date_text(day, "cn_padded_seconds", rng)
    assert stamped.startswith("2025年05月07日 ") and len(stamped) == len("2025年05月07日 14:03:26")
    value = Decimal("1234.5")
    assert amount_text(value, "yen_space_grouped", rng) == "¥ 1,234.50"
    assert amount_text(value, "rmb_grouped", rng) == "人民币 1,234.50"


def _sheet_7(layout: str) -> tuple[StyledSheet, Printer]:
    style = replace(families.style_for(families.HELD_OUT_7, random.Random(1)), layout=layout)
    sheet = StyledSheet((1200, 600), style)
    return sheet, Printer(sheet, 28, random.Random(1))


def test_a_spread_label_takes_the_width_of_four_characters_and_a_long_one_its_own():
    sheet, printer = _sheet_7("spread")
    printer.rows(40, [Pair("性别", "男")], 1200)
    first, last, value = sheet.boxes
    four = sheet.measure("国" * 4, 28)
    assert last[2] - first[0] >= four - 2  # 性 at the left, 别 and its colon at the right
    assert value[0] > last[2]
    sheet, printer = _sheet_7("spread")
    printer.rows(40, [Pair("交款单位或个人", "毕立豪")], 1200)
    assert len(sheet.boxes) == 2  # the label printed whole, then its value


def test_flush_values_end_at_their_column_edge():
    sheet, printer = _sheet_7("flush")
    printer.rows(40, [Pair("付款人", "毕立豪"), Pair("性别", "男"), Pair("凭证号", "123")], 1200)
    label, name, _, sex, label_3, number = sheet.boxes
    assert abs(name[2] - number[2]) <= 6  # the left column's values end together
    assert sex[2] > name[2] + 300  # the right column's end at the page's margin
    assert label[0] == label_3[0] and number[1] > name[1]


def _photo_7(doc_type: str) -> Rendered:
    style = families.style_for(families.HELD_OUT_7, random.Random(2))
    rendered = STYLED[doc_type](random.Random(2), style, date(2025, 12, 31))
    return photograph_with(rendered, random.Random(2), style.camera)


def test_the_seventh_held_out_family_spoils_photos_past_reading():
    photo = _photo_7("medical_invoice")
    faults = spoilers.HELD_OUT_7_SPOILERS
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    sharpness = cv2.Laplacian(grey, cv2.CV_64F).var()

    smeared, verdict = faults["blurry"][0](photo, random.Random(4)), faults["blurry"][1]
    assert verdict == "reject:blurry"
    smeared_grey = cv2.cvtColor(smeared, cv2.COLOR_BGR2GRAY)
    assert cv2.Laplacian(smeared_grey, cv2.CV_64F).var() < sharpness / 20

    dark, verdict = faults["dark"][0](photo, random.Random(4)), faults["dark"][1]
    assert verdict == "reject:dark" and dark.mean() < photo.image.mean() * 0.16
    height, width = dark.shape[:2]
    # The shadow falls over the middle of the page; its top corners stay a little lighter.
    middle = dark[height * 2 // 5 : height * 3 // 5, width * 2 // 5 : width * 3 // 5].mean()
    left, right = dark[: height // 10, : width // 10], dark[: height // 10, -width // 10 :]
    assert middle < (left.mean() + right.mean()) / 2 * 0.7

    lit, verdict = faults["glare"][0](photo, random.Random(4)), faults["glare"][1]
    assert verdict == "reject:glare"
    blown = (lit.min(axis=2) >= 250).mean() - (photo.image.min(axis=2) >= 250).mean()
    assert blown > 0.05  # streaks of the page washed out to white

    for doc_type in ("discharge_summary", "id_card_front"):
        photo = _photo_7(doc_type)
        cut, verdict = faults["cut_off"][0](photo, random.Random(4)), faults["cut_off"][1]
        assert verdict == "reject:cut_off"
        height, width = photo.image.shape[:2]
        # The whole width kept; the top and the bottom both left out.
        assert cut.shape[1] == width and cut.shape[0] < height * 0.85
        top = next(y for y in range(height) if np.array_equal(photo.image[y], cut[0]))
        assert top > 0 and top + cut.shape[0] < height


def test_the_eighth_held_out_family_draws_every_axis_from_pools_of_its_own():
    eighth = families.POOLS[families.HELD_OUT_8]
    others = [pools for family, pools in families.POOLS.items() if family != families.HELD_OUT_8]
    axes = ("invoices", "records", "layouts", "dates", "amounts", "papers", "label_inks")
    for axis in (*axes, "cameras", "card_colours"):
        seen = {value for pools in others for value in getattr(pools, axis)}
        assert not set(getattr(eighth, axis)) & seen, axis
    seen_effects = {effect for pools in others for effect in pools.effects}
    assert set(eighth.effects) & seen_effects == {"none"}
    assert eighth.portrait_cards and not any(pools.portrait_cards for pools in others)

    # Not one label or title another family prints, on its invoices or its doctors' papers.
    printed = {label for pools in others for w in pools.invoices for label in _invoice_labels(w)}
    assert not {label for w in eighth.invoices for label in _invoice_labels(w)} & printed
    written = {label for pools in others for w in pools.records for label in _record_labels(w)}
    assert not {label for w in eighth.records for label in _record_labels(w)} & written
    faces = {
        face
        for family, make in families.FACES.items()
        if family != families.HELD_OUT_8
        for face in make()
    }
    assert len(set(families.held_out_8_faces())) == 3
    assert not set(families.held_out_8_faces()) & faces


def test_the_eighth_held_out_family_has_people_and_places_no_other_family_prints():
    people = data.HELD_OUT_8_PEOPLE
    others = (data.HELD_OUT_4_PEOPLE, data.HELD_OUT_5_PEOPLE, data.HELD_OUT_6_PEOPLE)
    others += (data.HELD_OUT_7_PEOPLE,)
    assert not set(people.surnames) & set(data.SURNAMES).union(*(o.surnames for o in others))
    assert not set(people.given) & set(data.GIVEN).union(*(o.given for o in others))
    compound = set(data.COMPOUND_SURNAMES).union(*(o.compound_surnames for o in others))
    assert not set(people.compound_surnames) & compound
    hospitals = set(data.HOSPITALS) | set(data.HELD_OUT_HOSPITALS)
    hospitals = hospitals.union(*(o.hospitals for o in others))
    own = (people.hospitals, people.private_hospitals, people.pharmacies)
    assert all(not set(pool) & hospitals for pool in own)
    assert sum(len(set(pool)) for pool in own) == len(set().union(*own))  # apart from each other
    codes = {code for code, _, _ in (*data.REGIONS, *(r for o in others for r in o.regions))}
    assert not {code for code, _, _ in people.regions} & codes
    assert not set(people.streets) & set(data.STREETS).union(*(o.streets for o in others))
    regions = set(data.INVOICE_REGIONS).union(*(o.invoice_regions for o in others))
    assert not set(people.invoice_regions) & regions


def test_the_eighth_held_out_family_fills_its_documents_from_its_own_pools():
    people = data.HELD_OUT_8_PEOPLE
    surnames = (*people.compound_surnames, *people.surnames)
    codes = {code for code, _, _ in people.regions}
    issuers = {*people.hospitals, *people.private_hospitals, *people.pharmacies}
    for index in range(12):  # every document type, twice
        fields = make_sample(3, index, families.HELD_OUT_8).fields
        for key in ("payer_name", "patient_name", "name"):
            if key in fields:
                assert fields[key].startswith(surnames), fields[key]
                assert all(char in people.given for char in fields[key][-1])
        if "hospital" in fields:
            assert fields["hospital"] in issuers
        if "id_number" in fields:
            assert fields["id_number"][:6] in codes
            assert fields["id_number"][-1] == id_check_char(fields["id_number"][:17])
        if "issuing_authority" in fields:
            assert fields["issuing_authority"] in {office for _, _, office in people.regions}
        if "total_amount" in fields:
            paid = Decimal(fields["insurance_paid"]) + Decimal(fields["self_paid"])
            assert paid == Decimal(fields["total_amount"])


def test_each_paper_of_the_eighth_family_comes_from_its_kind_of_issuer():
    people = data.HELD_OUT_8_PEOPLE
    slip, receipt, settlement = families.HELD_OUT_8_INVOICE_WORDINGS
    local, bilingual = families.HELD_OUT_8_RECORD_WORDINGS
    for seed in range(8):
        style = families.style_for(families.HELD_OUT_8, random.Random(seed))
        for wording, issuers in (
            (slip, people.pharmacies),
            (receipt, people.private_hospitals),
            (settlement, people.hospitals),
        ):
            rendered = STYLED["medical_invoice"](
                random.Random(seed), replace(style, invoice=wording), date(2025, 12, 31)
            )
            assert rendered.fields["hospital"] in issuers
            assert "invoice_code" not in rendered.fields
            if wording is slip:  # a pharmacy sells to out-patients
                assert rendered.fields["visit_type"] == "outpatient"
        for wording, issuers in ((local, people.hospitals), (bilingual, people.private_hospitals)):
            rendered = STYLED["diagnosis_certificate"](
                random.Random(seed), replace(style, record=wording), date(2025, 12, 31)
            )
            assert rendered.fields["hospital"] in issuers


def test_the_eighth_held_out_family_prints_dates_and_amounts_in_forms_of_its_own():
    day, rng = date(2025, 5, 7), random.Random(1)
    stamped = date_text(day, "dot_minute", rng)
    assert stamped.startswith("2025.05.07 ") and len(stamped) == len("2025.05.07 14:03")
    stamped = date_text(day, "cn_tight_minute", rng)
    assert stamped.startswith("2025年5月7日") and len(stamped) == len("2025年5月7日14:03")
    stamped = date_text(day, "slash_bare_seconds", rng)
    assert stamped.startswith("2025/5/7 ") and stamped.count(":") == 2
    value = Decimal("1234.5")
    assert amount_text(value, "grouped_yuan_spaced", rng) == "1,234.50 元"
    assert amount_text(value, "trimmed", rng) == "1234.5"
    assert amount_text(Decimal("56.00"), "trimmed", rng) == "56"
    assert amount_text(Decimal("0.08"), "trimmed", rng) == "0.08"


def _sheet_8(layout: str, colon: bool = True) -> tuple[StyledSheet, Printer]:
    style = replace(families.style_for(families.HELD_OUT_8, random.Random(1)), layout=layout)
    sheet = StyledSheet((1200, 700), style)
    return sheet, Printer(sheet, 28, random.Random(1), colon=colon)


def test_a_form_lines_up_its_columns_and_rules_a_line_between_its_rows():
    sheet, printer = _sheet_8("form")
    y = printer.rows(40, [Pair("参保人", "褚佩"), Pair("性别", "女")], 1200)
    printer.rows(y, [Pair("医保编号", "123456"), Pair("病案号", "654321")], 1200)
    name_label, name, sex_label, _, number_label, number, case_label, _ = sheet.boxes
    assert name_label[0] == number_label[0] and sex_label[0] == case_label[0]
    assert name[0] == number[0]  # values start at one line: the label cells are one width
    rows = np.asarray(sheet.image.convert("L"))[name[3] : number[1], name[0] : name[2]]
    assert rows.min() < 110  # the rule between the two rows


def test_right_labels_end_at_one_line_and_a_long_one_starts_at_the_margin():
    sheet, printer = _sheet_8("right_labels")
    y = printer.rows(40, [Pair("参保人", "褚佩")], 1200)
    y = printer.rows(y, [Pair("清单流水号", "123")], 1200)
    printer.rows(y, [Pair("入院日期 Date of Admission", "2025.05.07 14:03")], 1200)
    short, short_value, longer, longer_value, longest, longest_value = sheet.boxes
    assert abs(short[2] - longer[2]) <= 2 and short[0] > longer[0]  # flush right
    assert short_value[0] == longer_value[0]
    assert longest[0] == 40 and longest_value[0] > longest[2]


def test_clogged_nozzles_leave_hairlines_and_a_low_ribbon_a_faint_top():
    style = families.style_for(families.HELD_OUT_8, random.Random(1))

    def ink(effect: str) -> np.ndarray:
        sheet = StyledSheet((400, 120), replace(style, paper=(255, 255, 255)))
        x0, y0, x1, y1 = sheet.put(10, 20, "国国国", 48, effect=effect)
        return 255 - np.asarray(sheet.image.convert("L"), np.float32)[y0:y1, x0:x1]

    plain, clogged, low = ink("none"), ink("clogged"), ink("ribbon_low")
    inked = plain.mean(axis=1) > 40  # rows the glyphs' strokes cross
    assert (clogged.mean(axis=1)[inked] < plain.mean(axis=1)[inked] * 0.3).any()
    half = low.shape[0] // 2
    assert low[:half].sum() < plain[:half].sum() * 0.6
    assert low[half:].sum() > plain[half:].sum() * 0.75


def test_the_eighth_family_prints_bank_cards_upright_with_the_number_in_rows():
    style = families.style_for(families.HELD_OUT_8, random.Random(1))
    for seed in range(4):
        card = STYLED["bank_card"](random.Random(seed), style, date(2025, 12, 31))
        height, width = card.image.shape[:2]
        assert height > width
        groups = -(-len(card.fields["card_number"]) // 4)
        rows = [box for box in card.text_boxes if 400 < box[1] < 420 + 62 * 3]
        assert len(rows) == -(-groups // 2)  # two groups of four a row


def _photo_8(doc_type: str) -> Rendered:
    style = families.style_for(families.HELD_OUT_8, random.Random(2))
    rendered = STYLED[doc_type](random.Random(2), style, date(2025, 12, 31))
    return photograph_with(rendered, random.Random(2), style.camera)


def test_the_eighth_held_out_family_spoils_photos_past_reading():
    photo = _photo_8("medical_invoice")
    faults = spoilers.HELD_OUT_8_SPOILERS
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    sharpness = cv2.Laplacian(grey, cv2.CV_64F).var()

    frosted, verdict = faults["blurry"][0](photo, random.Random(4)), faults["blurry"][1]
    assert verdict == "reject:blurry"
    frosted_grey = cv2.cvtColor(frosted, cv2.COLOR_BGR2GRAY)
    assert cv2.Laplacian(frosted_grey, cv2.CV_64F).var() < sharpness / 20
    assert np.percentile(frosted_grey, 2) > np.percentile(grey, 2) + 40  # no black left

    dark, verdict = faults["dark"][0](photo, random.Random(4)), faults["dark"][1]
    assert verdict == "reject:dark" and dark.mean() < photo.image.mean() * 0.16
    blue, _, red = (dark[:, :, channel].mean() for channel in range(3))
    assert blue < red * 0.35  # all of it one orange
    height = dark.shape[0]
    assert dark[: height // 5].mean() > dark[-height // 5 :].mean()  # the lamp is above

    lit, verdict = faults["glare"][0](photo, random.Random(4)), faults["glare"][1]
    assert verdict == "reject:glare"
    blown = (lit.min(axis=2) >= 250) & (photo.image.min(axis=2) < 250)
    assert blown.mean() > 0.03
    ys, xs = np.nonzero(blown)
    cy, cx = ys.mean(), xs.mean()
    # A ring: blown pixels lie around their middle, not on it.
    assert np.hypot(ys - cy, xs - cx).min() > 10

    for doc_type in ("medical_invoice", "id_card_front", "bank_card"):
        photo = _photo_8(doc_type)
        cut, verdict = faults["cut_off"][0](photo, random.Random(4)), faults["cut_off"][1]
        assert verdict == "reject:cut_off" and cut.shape == photo.image.shape
        turn = spoilers.turned_frame(photo.image.shape, random.Random(4))
        height, width = photo.image.shape[:2]
        corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float64)
        moved = np.hstack([corners, np.ones((4, 1))]) @ turn.T
        outside = (moved[:, 0] < 0) | (moved[:, 0] > width) | (moved[:, 1] < 0)
        outside |= moved[:, 1] > height
        assert outside.all()  # all four corners of the photo out of the frame
        # Text at the edges cut through: some box partly in the frame and partly out of it.
        partly = 0
        for x0, y0, x1, y1 in photo.text_boxes:
            box = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]]) @ turn.T
            inside = (box[:, 0] >= 0) & (box[:, 0] < width) & (box[:, 1] >= 0)
            inside &= box[:, 1] < height
            partly += bool(inside.any() and not inside.all())
        assert partly >= 2


def test_the_ninth_held_out_family_draws_every_axis_from_pools_of_its_own():
    ninth = families.POOLS[families.HELD_OUT_9]
    others = [pools for family, pools in families.POOLS.items() if family != families.HELD_OUT_9]
    axes = ("invoices", "records", "layouts", "dates", "amounts", "papers", "label_inks")
    for axis in (*axes, "cameras", "card_colours"):
        seen = {value for pools in others for value in getattr(pools, axis)}
        assert not set(getattr(ninth, axis)) & seen, axis
    seen_effects = {effect for pools in others for effect in pools.effects}
    assert set(ninth.effects) & seen_effects == {"none"}

    # Not one label or title another family prints, on its invoices or its doctors' papers.
    printed = {label for pools in others for w in pools.invoices for label in _invoice_labels(w)}
    assert not {label for w in ninth.invoices for label in _invoice_labels(w)} & printed
    written = {label for pools in others for w in pools.records for label in _record_labels(w)}
    assert not {label for w in ninth.records for label in _record_labels(w)} & written
    faces = {
        face
        for family, make in families.FACES.items()
        if family != families.HELD_OUT_9
        for face in make()
    }
    assert len(set(families.held_out_9_faces())) == 3
    assert not set(families.held_out_9_faces()) & faces


def test_the_ninth_held_out_family_has_people_and_places_no_other_family_prints():
    people = data.HELD_OUT_9_PEOPLE
    others = (data.HELD_OUT_4_PEOPLE, data.HELD_OUT_5_PEOPLE, data.HELD_OUT_6_PEOPLE)
    others += (data.HELD_OUT_7_PEOPLE, data.HELD_OUT_8_PEOPLE)
    assert not set(people.surnames) & set(data.SURNAMES).union(*(o.surnames for o in others))
    assert not set(people.given) & set(data.GIVEN).union(*(o.given for o in others))
    compound = set(data.COMPOUND_SURNAMES).union(*(o.compound_surnames for o in others))
    assert not set(people.compound_surnames) & compound
    issuers = set(data.HOSPITALS) | set(data.HELD_OUT_HOSPITALS)
    for other in others:
        issuers |= {*other.hospitals, *other.private_hospitals, *other.pharmacies}
    own = (people.hospitals, people.private_hospitals)
    assert all(not set(pool) & issuers for pool in own)
    assert not set(people.hospitals) & set(people.private_hospitals)
    codes = {code for code, _, _ in (*data.REGIONS, *(r for o in others for r in o.regions))}
    assert not {code for code, _, _ in people.regions} & codes
    assert not set(people.streets) & set(data.STREETS).union(*(o.streets for o in others))
    regions = set(data.INVOICE_REGIONS).union(*(o.invoice_regions for o in others))
    assert not set(people.invoice_regions) & regions


def test_the_ninth_held_out_family_fills_its_documents_from_its_own_pools():
    people = data.HELD_OUT_9_PEOPLE
    surnames = (*people.compound_surnames, *people.surnames)
    codes = {code for code, _, _ in people.regions}
    issuers = {*people.hospitals, *people.private_hospitals}
    for index in range(12):  # every document type, twice
        fields = make_sample(3, index, families.HELD_OUT_9).fields
        for key in ("payer_name", "patient_name", "name"):
            if key in fields:
                assert fields[key].startswith(surnames), fields[key]
                assert all(char in people.given for char in fields[key][-1])
        if "hospital" in fields:
            assert fields["hospital"] in issuers
        if "id_number" in fields:
            assert fields["id_number"][:6] in codes
            assert fields["id_number"][-1] == id_check_char(fields["id_number"][:17])
        if "issuing_authority" in fields:
            assert fields["issuing_authority"] in {office for _, _, office in people.regions}
        if "total_amount" in fields:
            paid = Decimal(fields["insurance_paid"]) + Decimal(fields["self_paid"])
            assert paid == Decimal(fields["total_amount"])


def test_each_paper_of_the_ninth_family_comes_from_its_kind_of_issuer():
    people = data.HELD_OUT_9_PEOPLE
    receipt, settlement = families.HELD_OUT_9_INVOICE_WORDINGS
    general, chinese_medicine = families.HELD_OUT_9_RECORD_WORDINGS
    for seed in range(8):
        style = families.style_for(families.HELD_OUT_9, random.Random(seed))
        papers = ((receipt, people.private_hospitals), (settlement, people.hospitals))
        for wording, issuers in papers:
            rendered = STYLED["medical_invoice"](
                random.Random(seed), replace(style, invoice=wording), date(2025, 12, 31)
            )
            assert rendered.fields["hospital"] in issuers
            assert "invoice_code" not in rendered.fields  # neither prints one
        for wording in (general, chinese_medicine):
            rendered = STYLED["diagnosis_certificate"](
                random.Random(seed), replace(style, record=wording), date(2025, 12, 31)
            )
            assert rendered.fields["hospital"] in people.hospitals
            if wording is chinese_medicine:
                assert "中医" in rendered.fields["hospital"]


def test_the_ninth_held_out_family_prints_dates_and_amounts_in_forms_of_its_own():
    day, rng = date(2025, 5, 7), random.Random(1)
    stamped = date_text(day, "compact_seconds", rng)
    assert stamped.startswith("20250507 ") and stamped.count(":") == 2
    stamped = date_text(day, "dash_bare_minute", rng)
    assert stamped.startswith("2025-5-7 ") and stamped.count(":") == 1
    for _ in range(20):
        stamped = date_text(day, "slash_bare_ampm", rng)
        assert stamped.startswith(("2025/5/7 上午", "2025/5/7 下午")), stamped
        hour = int(stamped.split("午")[1].split(":")[0])
        assert 1 <= hour <= 12
    value = Decimal("1234.5")
    assert amount_text(value, "trimmed_yuan", rng) == "1234.5元"
    assert amount_text(Decimal("56.00"), "trimmed_yuan", rng) == "56元"
    assert amount_text(value, "rmb_tight", rng) == "RMB1234.50"


def _sheet_9(layout: str) -> tuple[StyledSheet, Printer]:
    style = replace(families.style_for(families.HELD_OUT_9, random.Random(1)), layout=layout)
    sheet = StyledSheet((1200, 700), style)
    return sheet, Printer(sheet, 28, random.Random(1))


def test_a_bracketed_label_is_followed_by_its_value():
    sheet, printer = _sheet_9("bracketed")
    printer.rows(40, [Pair("结算编号", "123456"), Pair("就医机构", "开滦总医院")], 1200)
    label, value, other_label, _ = sheet.boxes
    assert value[0] > label[2] and other_label[0] > value[2]


def test_barred_pairs_share_a_line_with_a_bar_between_them_and_wrap_when_full():
    sheet, printer = _sheet_9("barred")
    pairs = [Pair("今收到", "邝元"), Pair("性别", "男"), Pair("档案编号", "1" * 60)]
    printer.rows(40, pairs, 1200)
    name_label, name, sex_label, _, number_label, _ = sheet.boxes
    assert name_label[1] == sex_label[1] and number_label[1] > name_label[3]  # the third wraps
    grey = np.asarray(sheet.image.convert("L"))
    between = grey[name[1] : name[3], name[2] + 2 : sex_label[0] - 2]
    assert (between.min(axis=0) < 140).sum() >= 1  # the bar
    assert number_label[0] == name_label[0]  # a new line starts with no bar


def test_a_smudge_trails_below_the_strokes_and_sun_faded_print_is_pale():
    style = families.style_for(families.HELD_OUT_9, random.Random(1))

    def ink(effect: str) -> np.ndarray:
        sheet = StyledSheet((400, 140), replace(style, paper=(255, 255, 255)))
        x0, y0, x1, y1 = sheet.put(10, 20, "一一一", 48, effect=effect)
        return 255 - np.asarray(sheet.image.convert("L"), np.float32)[y0 : y1 + 20, x0:x1]

    plain, smudged, faded = ink("none"), ink("smudged"), ink("sun_faded")
    stroke = int(np.argmax(plain.mean(axis=1)))
    below = slice(stroke + 4, stroke + 9)
    assert smudged[below].mean() > plain[below].mean() + 10  # toner dragged down
    assert faded.max() < plain.max() * 0.65 and faded.sum() > plain.sum() * 0.25


def _photo_9(doc_type: str) -> Rendered:
    style = families.style_for(families.HELD_OUT_9, random.Random(2))
    rendered = STYLED[doc_type](random.Random(2), style, date(2025, 12, 31))
    return photograph_with(rendered, random.Random(2), style.camera)


def test_the_ninth_held_out_family_spoils_photos_past_reading():
    photo = _photo_9("medical_invoice")
    faults = spoilers.HELD_OUT_9_SPOILERS
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY).astype(np.float64)

    lowered, verdict = faults["blurry"][0](photo, random.Random(4)), faults["blurry"][1]
    assert verdict == "reject:blurry"
    smeared = cv2.cvtColor(lowered, cv2.COLOR_BGR2GRAY).astype(np.float64)
    # Smeared down, not across: the rows blur into each other, each row much as it was.
    assert np.abs(np.diff(smeared, axis=0)).mean() < np.abs(np.diff(grey, axis=0)).mean() / 4
    assert np.abs(np.diff(smeared, axis=1)).mean() > np.abs(np.diff(grey, axis=1)).mean() / 4

    night, verdict = faults["dark"][0](photo, random.Random(4)), faults["dark"][1]
    assert verdict == "reject:dark" and night.mean() < photo.image.mean() * 0.25

    def tint(image: np.ndarray) -> float:  # colour spread of the smoothed picture, per brightness
        smooth = cv2.GaussianBlur(image.astype(np.float32), (0, 0), 4)
        return float(smooth.std(axis=2).mean() / image.mean())

    assert tint(night) > tint(photo.image) * 1.5  # blotches of colour the page does not have

    sunny, verdict = faults["glare"][0](photo, random.Random(4)), faults["glare"][1]
    assert verdict == "reject:glare"
    blown = (sunny.min(axis=2) >= 245) & (photo.image.min(axis=2) < 200)
    assert blown.any()
    rows = np.nonzero(blown.any(axis=1))[0]
    assert rows.max() - rows.min() > photo.image.shape[0] * 0.1  # a band, not a spot

    for doc_type in ("medical_invoice", "id_card_front", "bank_card"):
        photo = _photo_9(doc_type)
        thumbed, verdict = faults["cut_off"][0](photo, random.Random(4)), faults["cut_off"][1]
        assert verdict == "reject:cut_off" and thumbed.shape == photo.image.shape
        changed = np.abs(thumbed.astype(np.int16) - photo.image.astype(np.int16)).max(axis=2) > 40
        # Printed text under the thumb: some box mostly covered.
        covered = [
            changed[max(y0, 0) : y1, max(x0, 0) : x1].mean()
            for x0, y0, x1, y1 in photo.text_boxes
            if x1 > max(x0, 0) and y1 > max(y0, 0)
        ]
        assert max(covered) > 0.6
        # The thumb reaches the frame's edge it comes from.
        assert changed[-1].any() or changed[:, 0].any()


@pytest.mark.parametrize(
    "family",
    [
        families.TUNED,
        families.HELD_OUT,
        families.HELD_OUT_2,
        families.HELD_OUT_3,
        families.HELD_OUT_4,
        families.HELD_OUT_5,
        families.HELD_OUT_6,
        families.HELD_OUT_7,
        families.HELD_OUT_8,
        families.HELD_OUT_9,
    ],
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

"""intake's domain rules, without HTTP or a database."""

from __future__ import annotations

import base64
import io
import json
import os
import struct
import subprocess
import sys
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from intake_service.domain.cards import luhn_valid, mask_name, mask_number
from intake_service.domain.checklist import DocumentState, build_checklist
from intake_service.domain.field_keys import FieldKeys, FieldKeysError
from intake_service.domain.guide import GUIDE_FILE, load_guide, parse_guide
from intake_service.domain.links import document_path, link_valid
from intake_service.domain.package import PackageDocument, build_package
from intake_service.domain.regions import area_prefix, containing_areas, region_covers
from intake_service.domain.signature import content_hash, signature_valid
from intake_service.domain.uploads import UploadRefused, check_file_name, check_upload, sniff
from lipei.clock import china_today
from lipei.keyring import KeyRing, KeyRingError
from lipei.paging import BadCursor, decode_cursor, encode_cursor, next_cursor
from lipei.sealing import generate_keypair, seal_json, unseal_json

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
ALL_CLAIM_TYPES = {"outpatient", "inpatient", "critical_illness", "accident", "auto", "pet"}


def _image(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


# --- the guide ---------------------------------------------------------------------------


def test_guide_covers_every_claim_type_with_required_materials_and_hints() -> None:
    guide = load_guide()
    assert {c.claim_type for c in guide.claim_types} == ALL_CLAIM_TYPES
    for claim_type in guide.claim_types:
        assert claim_type.required, claim_type.claim_type
        for material in claim_type.materials:
            assert material.doc_type in guide.doc_types
            assert material.title and material.hint
    outpatient = guide.get("outpatient")
    assert outpatient is not None
    assert {m.doc_type for m in outpatient.required} == {
        "medical_invoice",
        "id_card_front",
        "bank_card",
    }


def _guide_with(products: list[dict[str, object]]) -> dict[str, object]:
    return {**json.loads(GUIDE_FILE.read_text(encoding="utf-8")), "products": products}


def test_an_insurer_product_can_ask_for_other_materials() -> None:
    guide = parse_guide(
        _guide_with(
            [
                {
                    "insurer_code": "ins-a",
                    "product_name": "门诊险 Plus",
                    "claim_types": [
                        {
                            "claim_type": "outpatient",
                            "required": ["medical_invoice", "id_card_back"],
                        }
                    ],
                }
            ]
        )
    )
    plus = guide.get("outpatient", insurer_code="ins-a", product_name="门诊险 Plus")
    assert plus is not None and plus.title == "门急诊医疗"
    assert [(m.doc_type, m.required) for m in plus.materials] == [
        ("medical_invoice", True),
        ("id_card_back", True),
    ]
    assert guide.get("outpatient", insurer_code="ins-b", product_name="门诊险 Plus") == guide.get(
        "outpatient"
    )
    assert guide.get("pet", insurer_code="ins-a", product_name="门诊险 Plus") == guide.get("pet")
    assert [c.claim_type for c in guide.for_product("ins-a", "门诊险 Plus")] == [
        c.claim_type for c in guide.claim_types
    ]


@pytest.mark.parametrize(
    "claim_type",
    [
        {"claim_type": "space_travel", "required": ["other"]},
        {"claim_type": "outpatient", "required": ["selfie"]},
        {"claim_type": "outpatient", "required": [], "optional": ["other"]},
    ],
)
def test_a_product_guide_that_cannot_be_followed_is_refused(claim_type: dict[str, object]) -> None:
    product = {"insurer_code": "ins-a", "product_name": "x", "claim_types": [claim_type]}
    with pytest.raises(ValueError):
        parse_guide(_guide_with([product]))


# --- checklist ---------------------------------------------------------------------------


def _doc(doc_type: str, status: str, minutes: int = 0, **kw: object) -> DocumentState:
    return DocumentState(
        document_id=f"{doc_type}-{minutes}",
        doc_type=doc_type,
        status=status,
        uploaded_at=T0 + timedelta(minutes=minutes),
        **kw,  # type: ignore[arg-type]
    )


def test_checklist_names_every_missing_required_material_at_once() -> None:
    outpatient = load_guide().get("outpatient")
    assert outpatient is not None
    checklist = build_checklist(outpatient, [])
    assert checklist["complete"] is False
    assert [i["doc_type"] for i in checklist["still_needed"]] == [
        "medical_invoice",
        "id_card_front",
        "bank_card",
    ]
    assert all(i["state"] == "missing" for i in checklist["still_needed"])


def test_checklist_states_follow_the_documents() -> None:
    outpatient = load_guide().get("outpatient")
    assert outpatient is not None
    blurry = ({"code": "blurry", "message": "照片模糊，请重新拍摄"},)
    checklist = build_checklist(
        outpatient,
        [
            _doc("medical_invoice", "processing"),
            _doc("id_card_front", "rejected", reasons=blurry),
            _doc("bank_card", "accepted"),
        ],
    )
    states = {i["doc_type"]: i["state"] for i in checklist["materials"]}
    assert states["medical_invoice"] == "processing"
    assert states["id_card_front"] == "rejected"
    assert states["bank_card"] == "accepted"
    assert states["diagnosis_certificate"] == "missing"
    rejected = next(i for i in checklist["still_needed"] if i["doc_type"] == "id_card_front")
    assert rejected["reasons"] == list(blurry)
    assert checklist["complete"] is False


def test_a_retake_after_a_rejection_counts_and_optional_materials_do_not_block() -> None:
    outpatient = load_guide().get("outpatient")
    assert outpatient is not None
    checklist = build_checklist(
        outpatient,
        [
            _doc("medical_invoice", "accepted"),
            _doc("id_card_front", "rejected", minutes=1),
            _doc("id_card_front", "accepted", minutes=2),
            _doc("bank_card", "rejected", minutes=1),
            _doc("bank_card", "processing", minutes=3),
        ],
    )
    assert [i["doc_type"] for i in checklist["still_needed"]] == ["bank_card"]
    assert checklist["still_needed"][0]["state"] == "processing"
    done = build_checklist(
        outpatient,
        [_doc(t, "accepted") for t in ("medical_invoice", "id_card_front", "bank_card")],
    )
    assert done["complete"] is True and done["still_needed"] == []


# --- signature ---------------------------------------------------------------------------


def test_signature_hash_changes_with_any_content_and_ignores_document_order() -> None:
    form = {"claim_type": "outpatient", "claimed_amount": "484.50"}
    docs = [("d1", "aa"), ("d2", "bb")]
    signed = content_hash(form, docs)
    assert signed == content_hash(dict(form), list(reversed(docs)))
    assert signed != content_hash({**form, "claimed_amount": "484.51"}, docs)
    assert signed != content_hash(form, [*docs, ("d3", "cc")])
    assert signed != content_hash(form, [("d1", "aa"), ("d2", "bc")])
    assert signature_valid(signed, content_hash(form, docs))
    assert not signature_valid(signed, content_hash(form, docs[:1]))
    assert not signature_valid(None, signed)


# --- uploads -----------------------------------------------------------------------------


def test_uploads_are_judged_by_their_bytes() -> None:
    assert sniff(_image("JPEG")) == "image/jpeg"
    assert sniff(_image("PNG")) == "image/png"
    assert sniff(b"%PDF-1.7\n...") == "application/pdf"
    assert sniff(b"GIF89a....") is None
    assert sniff(b"just some text, named invoice.jpg") is None
    checked = check_upload(_image("PNG", (640, 480)), max_bytes=10**6, max_pixels=10**6)
    assert (checked.content_type, checked.width, checked.height) == ("image/png", 640, 480)


def test_uploads_refuse_wrong_types_large_files_and_pixel_bombs() -> None:
    cases = [
        (b"hello, this is text", 10**6, 10**6, 415, "unsupported-file-type"),
        (b"", 10**6, 10**6, 422, "empty-file"),
        (_image("JPEG"), 100, 10**6, 413, "file-too-large"),
        (_png_declaring(20000, 20000), 10**6, 40_000_000, 422, "image-too-large"),
        (_png_declaring(7000, 7000), 10**6, 40_000_000, 422, "image-too-large"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(40), 10**6, 10**6, 422, "unreadable-image"),
    ]
    for data, max_bytes, max_pixels, status, code in cases:
        with pytest.raises(UploadRefused) as refused:
            check_upload(data, max_bytes=max_bytes, max_pixels=max_pixels)
        assert (refused.value.status, refused.value.code) == (status, code)


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd",
        "a/../../b.jpg",
        "..",
        "..\\..\\windows\\win.ini",
        "/etc/passwd",
        "\\\\server\\share\\x.jpg",
        "C:\\Users\\x.jpg",
        "photo\x00.jpg",
        "photo\n.jpg",
    ],
)
def test_file_names_that_point_somewhere_are_refused(name: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        check_file_name(name)
    assert (refused.value.status, refused.value.code) == (422, "unsafe-file-name")


@pytest.mark.parametrize(
    "name", ["photo.jpg", "发票 (1).jpg", "wxfile://tmp_5f3a.jpg", "a..b.png", "..jpg", ""]
)
def test_ordinary_file_names_pass(name: str) -> None:
    check_file_name(name)


# --- regions -----------------------------------------------------------------------------


def test_region_matching_by_administrative_area() -> None:
    assert area_prefix("310000") == "31"
    assert area_prefix("310100") == "3101"
    assert area_prefix("310104") == "310104"
    assert containing_areas("310104") == ["310100", "310000"]
    assert region_covers("310000", "310104")  # a Shanghai alert reaches a Xuhui policy
    assert region_covers("310104", "310000")  # a Shanghai-wide policy hears of Xuhui
    assert region_covers("310104", "310104")
    assert not region_covers("310104", "310105")  # neighbouring districts
    assert not region_covers("310000", "320100")
    assert not region_covers("110000", "311000")  # prefix of digits, not of areas


# --- key ring ----------------------------------------------------------------------------


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_key_rotation_keeps_old_values_readable_and_encrypts_with_the_new_key() -> None:
    old = KeyRing.parse(f"k1:{(k1 := _key())}")
    stored = old.encrypt("6222021234567890128")
    assert old.key_id_of(stored) == "k1"
    assert "6222021234567890128" not in stored
    rotated = KeyRing.parse(f"k2:{_key()},k1:{k1}")
    assert rotated.decrypt(stored) == "6222021234567890128"
    fresh = rotated.encrypt("6222021234567890128")
    assert rotated.key_id_of(fresh) == "k2"
    assert fresh != rotated.encrypt("6222021234567890128")  # a fresh nonce every time
    with pytest.raises(KeyRingError):
        old.decrypt(fresh)
    with pytest.raises(KeyRingError):
        KeyRing.parse("k1:c2hvcnQ=")


def test_encrypted_values_are_bound_to_their_record() -> None:
    ring = KeyRing.parse(f"k1:{_key()}")
    stored = ring.encrypt("110101199003071234", context="P-1")
    assert ring.decrypt(stored, context="P-1") == "110101199003071234"
    with pytest.raises(Exception):  # noqa: B017 (cryptography's InvalidTag)
        ring.decrypt(stored, context="P-2")


def test_field_keys_rotate_without_losing_sealed_fields() -> None:
    old, old_public = generate_keypair()
    new, _ = generate_keypair()
    sealed = seal_json(old_public, {"id_number": "110101199003071234"})
    ring = FieldKeys.parse(f"{new}, {old}")
    assert ring.open(sealed) == {"id_number": "110101199003071234"}
    fresh = ring.reseal(sealed)
    assert fresh is not None and ring.reseal(fresh) is None
    assert FieldKeys.parse(new).open(fresh) == {"id_number": "110101199003071234"}
    with pytest.raises(FieldKeysError):
        FieldKeys.parse(new).open(sealed)
    with pytest.raises(FieldKeysError):
        ring.open("not a sealed box")
    with pytest.raises(FieldKeysError):
        FieldKeys.parse("c2hvcnQ=")


# --- cards -------------------------------------------------------------------------------


def test_card_numbers_are_luhn_checked_and_masked() -> None:
    assert luhn_valid("6222021234567890128")
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("6222021234567890123")
    assert not luhn_valid("62220212345678901a8")
    assert not luhn_valid("42")
    assert mask_number("6222021234567890128") == "6222***********0128"
    assert mask_name("张三") == "张*"


# --- links and paging --------------------------------------------------------------------


def test_download_links_expire_and_name_their_insurer() -> None:
    path = document_path("s3cret", "ins-a", "c1", "d1", 1_000)
    signature = path.rsplit("signature=", 1)[1]
    assert path.startswith("/partner/v1/claims/c1/documents/d1?expires=1000&signature=")
    assert link_valid("s3cret", "ins-a", "c1", "d1", 1_000, signature, now=999)
    assert not link_valid("s3cret", "ins-a", "c1", "d1", 1_000, signature, now=1_001)
    assert not link_valid("s3cret", "ins-b", "c1", "d1", 1_000, signature, now=999)
    assert not link_valid("s3cret", "ins-a", "c1", "d2", 1_000, signature, now=999)
    assert not link_valid("s3cret", "ins-a", "c1", "d1", 2_000, signature, now=999)


def test_cursors_round_trip_and_refuse_forgeries() -> None:
    assert decode_cursor(encode_cursor(40)) == 40
    assert decode_cursor(None) == 0
    assert next_cursor(0, 20, 21) == encode_cursor(20)
    assert next_cursor(0, 20, 20) is None
    for bad in ("!!", "bm9wZQ", "eDox", "bzotMQ"):  # garbage, "nope", "x:1", "o:-1"
        with pytest.raises(BadCursor):
            decode_cursor(bad)


# --- package -----------------------------------------------------------------------------


def test_the_package_seals_every_sensitive_value_for_the_insurer() -> None:
    private, public = generate_keypair()
    package = build_package(
        claim={
            "claim_id": "c1",
            "insurer_code": "ins-a",
            "claim_type": "outpatient",
            "incident_date": "2026-11-01",
            "description": "急性肠胃炎",
            "claimed_amount": "484.50",
        },
        policy={
            "policy_id": "P-1",
            "product_name": "门急诊医疗险",
            "region_code": "310104",
            "coverage": ["outpatient"],
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "sum_insured": "20000.00",
            "deductible": None,
            "reimbursement_ratio": None,
            "insured_name": "张三",
            "insured_id_number": "110101199003071234",
        },
        payee={"account_name": "张三", "bank_card_number": "6222021234567890128"},
        documents=[
            PackageDocument(
                document_id="d1",
                doc_type="id_card_front",
                sha256="ab" * 32,
                content_type="image/jpeg",
                size_bytes=1234,
                masked_fields={"name": "张*", "id_number": "110***********1234"},
                fields={"name": "张三", "id_number": "110101199003071234", "address": "上海市"},
            )
        ],
        insurer_public_key=public,
        make_link=lambda doc_id: (f"/partner/v1/claims/c1/documents/{doc_id}?x", 99),
        submitted_at=T0,
    )
    raw = package.model_dump_json()
    for secret in ("张三", "110101199003071234", "6222021234567890128", "急性肠胃炎", "上海市"):
        assert secret not in raw
    assert unseal_json(private, package.policy["sealed"]) == {
        "insured_name": "张三",
        "insured_id_number": "110101199003071234",
    }
    assert unseal_json(private, package.payee["sealed"])["bank_card_number"] == (  # type: ignore[index]
        "6222021234567890128"
    )
    assert unseal_json(private, package.documents[0]["sealed_fields"])["address"] == "上海市"
    assert unseal_json(private, package.form["sealed"]) == {"description": "急性肠胃炎"}
    assert package.documents[0]["download_url"].startswith("/partner/v1/claims/c1/documents/d1")


# --- properties --------------------------------------------------------------------------


def _check_digit(body: str) -> str:
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return digit
    raise AssertionError("some check digit always completes a Luhn number")


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.data())
def test_luhn_catches_every_single_digit_typo(body: str, data: st.DataObject) -> None:
    number = body + _check_digit(body)
    assert luhn_valid(number)
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert not luhn_valid(number[:position] + wrong + number[position + 1 :])


region_codes = st.from_regex(r"\A[1-6][0-9](00|[0-9]{2})(00|[0-9]{2})\Z")


@given(region_codes, region_codes)
def test_region_matching_is_symmetric_and_agrees_with_containment(a: str, b: str) -> None:
    assert region_covers(a, b) == region_covers(b, a)
    assert region_covers(a, a)
    if b in containing_areas(a):
        assert region_covers(a, b)
    if a[:2] != b[:2]:
        assert not region_covers(a, b)


@given(st.text(max_size=40), st.text(max_size=10))
def test_the_key_ring_round_trips_any_text(plaintext: str, context: str) -> None:
    ring = KeyRing.parse(f"k1:{base64.b64encode(b'k' * 32).decode()}")
    assert ring.decrypt(ring.encrypt(plaintext, context=context), context=context) == plaintext


def test_today_is_the_calendar_day_in_china() -> None:
    # 23:30 UTC is already the next morning in Beijing: an accident "today" is not in the future.
    assert china_today(datetime(2026, 11, 9, 23, 30, tzinfo=UTC)) == date(2026, 11, 10)
    assert china_today(datetime(2026, 11, 9, 15, 59, tzinfo=UTC)) == date(2026, 11, 9)


DOMAIN_MODULES = (
    "amounts",
    "cards",
    "checklist",
    "errors",
    "field_keys",
    "guide",
    "lifecycle",
    "links",
    "package",
    "records",
    "regions",
    "rules",
    "signature",
    "submission",
    "uploads",
)


def test_the_domain_rules_load_without_the_web_framework_or_the_database_layer() -> None:
    imports = "; ".join(f"import intake_service.domain.{m}" for m in DOMAIN_MODULES)
    frameworks = "{'fastapi', 'starlette', 'sqlalchemy'}"
    probe = f"{imports}; import sys; print(sorted({frameworks} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"

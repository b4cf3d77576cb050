"""Masking in what ops reads: ID numbers by their check digit, card numbers by Luhn, phones."""

from __future__ import annotations

import pytest

from butler_service.domain.masking import id_number_valid, luhn_valid, mask

VALID_ID = "11010519491231002X"  # the standard's own example
VALID_ID_2 = "110101199003074477"
CARD = "6222021234567890128"  # 19 digits, Luhn-valid
CARD_16 = "4111111111111111"


def test_the_check_digit_rule() -> None:
    assert id_number_valid(VALID_ID)
    assert id_number_valid(VALID_ID.lower())
    assert id_number_valid(VALID_ID_2)
    assert not id_number_valid("110101199003074479")  # wrong check digit
    assert not id_number_valid("11010119900307447")  # 17 characters


def test_luhn() -> None:
    assert luhn_valid(CARD) and luhn_valid(CARD_16)
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("41111111x1111111")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"我的身份证号是{VALID_ID}，请核对", "我的身份证号是**************002X，请核对"),
        (f"身份证 {VALID_ID_2}", "身份证 **************4477"),
        (f"卡号{CARD}收款", "卡号***************0128收款"),
        ("卡号 4111 1111 1111 1111 收款", "卡号 ************1111 收款"),
        ("电话13800138000找我", "电话138****8000找我"),
        ("电话 +86 138-0013-8000", "电话 138****8000"),
        ("座机 010-62345678", "座机 010-****5678"),
    ],
)
def test_numbers_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_numbers_that_are_none_of_these_stay() -> None:
    # 18 digits with a wrong check digit and no Luhn: an order number, say.
    order = "110101199003074479"
    assert not luhn_valid(order)
    assert mask(f"订单号{order}") == f"订单号{order}"
    assert mask("发票金额484.50元，共3张") == "发票金额484.50元，共3张"
    assert mask("发票号码12345678") == "发票号码12345678"
    assert mask("12800138000") == "12800138000"  # not a mobile prefix


def test_several_numbers_in_one_text() -> None:
    text = f"身份证{VALID_ID}，卡号{CARD_16}，手机13912345678。"
    assert mask(text) == "身份证**************002X，卡号************1111，手机139****5678。"

"""The console's rules: CSRF tokens, reading a token for its role, the key-in and scorecard forms,
the attention order, and how times are written."""

from __future__ import annotations

import time

import jwt
import pytest
from console.domain import attention, claims_view, csrf, formatting, review
from console.session import read_token


def test_a_csrf_token_fits_only_its_own_nonce() -> None:
    nonce = csrf.new_nonce()
    token = csrf.token_for("s" * 32, nonce)
    assert csrf.is_valid("s" * 32, nonce, token)
    assert not csrf.is_valid("s" * 32, csrf.new_nonce(), token)  # after a new login
    assert not csrf.is_valid("t" * 32, nonce, token)
    assert not csrf.is_valid("s" * 32, None, token)
    assert not csrf.is_valid("s" * 32, nonce, "")


def test_a_token_is_read_for_its_role_and_expiry_only() -> None:
    exp = int(time.time()) + 60
    butler = read_token(jwt.encode({"sub": "b-1", "roles": ["butler"], "exp": exp}, "k" * 32))
    assert butler is not None and butler.role == "butler" and not butler.expired()
    user = read_token(jwt.encode({"sub": "dev-a", "roles": [], "exp": exp}, "k" * 32))
    assert user is not None and user.role is None
    old = read_token(jwt.encode({"sub": "o", "roles": ["ops"], "exp": 1}, "k" * 32))
    assert old is not None and old.expired()
    assert read_token("not-a-token") is None
    assert read_token(jwt.encode({"roles": ["ops"], "exp": exp}, "k" * 32)) is None


def test_the_key_in_form_sends_only_filled_fields() -> None:
    items = [
        ("csrf_token", "x"),
        ("field:hospital", " 上海市第一人民医院 "),
        ("field:issue_date", ""),
    ]
    assert claims_view.keyed_fields(items) == {"hospital": "上海市第一人民医院"}


def test_a_claim_card_offers_the_forms_that_apply() -> None:
    rejected = claims_view.claim_card(
        {
            "status": "rejected",
            "dispute": None,
            "documents": [
                {
                    "doc_type": "medical_invoice",
                    "status": "accepted",
                    "fields_to_review": ["hospital"],
                }
            ],
        }
    )
    assert rejected["dispute_open"] and rejected["status_label"] == "已拒赔"
    assert rejected["documents"][0]["to_key"] == ["hospital"]
    assert rejected["documents"][0]["type_label"] == "医疗发票"
    settled = claims_view.claim_card({"status": "rejected", "dispute": {"outcome": "upheld"}})
    assert not settled["dispute_open"]


def test_the_scorecard_needs_every_criterion_within_its_range() -> None:
    full = [(f"score:{c.key}", "4") for c in review.SCORECARD]
    scores = review.scores(full)
    assert [s["criterion"] for s in scores] == [c.title for c in review.SCORECARD]
    assert all(s["score"] == 4.0 and s["max"] == 5 for s in scores)
    with pytest.raises(review.ScoreRefused, match="回复及时"):
        review.scores(full[1:])
    with pytest.raises(review.ScoreRefused, match="0 到 5"):
        review.scores([(k, "9") for k, _ in full])
    with pytest.raises(review.ScoreRefused, match="不是数字"):
        review.scores([(k, "abc") for k, _ in full])


def test_attention_lists_the_nearest_open_deadline_first() -> None:
    items = [
        {
            "claim_id": "late",
            "deadlines": [
                {"kind": "decision", "due_at": "2026-03-09T10:00:00+08:00", "met": False}
            ],
        },
        {"claim_id": "none", "deadlines": []},
        {
            "claim_id": "soon",
            "deadlines": [
                {"kind": "payment", "due_at": "2026-03-01T10:00:00+08:00", "met": True},
                {"kind": "decision", "due_at": "2026-03-03T10:00:00+08:00", "met": False},
            ],
        },
    ]
    ordered = attention.by_deadline(items)
    assert [r["claim_id"] for r in ordered] == ["soon", "late", "none"]
    assert ordered[0]["deadline_label"] == "核定时限"


def test_times_are_written_in_china_time() -> None:
    assert formatting.when("2026-03-02T02:00:00+00:00") == "2026-03-02 10:00"
    assert formatting.when(None) == "—"
    assert formatting.when("soon") == "soon"
    assert formatting.share(0.5) == "50%"
    assert formatting.minutes(90) == "1.5 分钟"

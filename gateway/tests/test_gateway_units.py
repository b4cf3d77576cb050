"""The gateway's pure parts: partner signatures, budgets, token keys, the merged document."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import pytest

from gateway.limits import LocalCounter, RateLimiter
from gateway.login import dev_login, user_id_for_openid
from gateway.openapi_doc import merge
from gateway.partner import PartnerRefused, ReplayStore, check_timestamp, signature
from gateway.routing import ROUTES, get_route, match
from gateway.tokens import Identity, InvalidToken, TokenIssuer, parse_keys


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_signature_covers_method_path_timestamp_and_exact_body() -> None:
    body = b'{"type":"claim.decision.approved"}'
    expected = hmac.new(
        b"s3cret", b"POST\n/partner/v1/decisions\n1700000000\n" + body, hashlib.sha256
    ).hexdigest()
    assert signature("s3cret", "post", "/partner/v1/decisions", "1700000000", body) == expected
    assert signature("s3cret", "POST", "/partner/v1/decisions", "1700000000", body + b" ") != (
        expected
    )


@pytest.mark.parametrize("stamp", ["1699999700", "1700000300", "1700000000"])
def test_timestamps_within_300_seconds_pass(stamp: str) -> None:
    check_timestamp(stamp, 1_700_000_000, 300)


@pytest.mark.parametrize("stamp", ["1699999699", "1700000301", "-5", "1.5", "", "9" * 20])
def test_timestamps_outside_the_window_or_malformed_are_refused(stamp: str) -> None:
    with pytest.raises(PartnerRefused):
        check_timestamp(stamp, 1_700_000_000, 300)


async def test_a_signature_is_accepted_once_until_it_ages_out() -> None:
    clock = Clock(1000.0)
    store = ReplayStore(None, clock=clock)
    assert await store.first_use("abc", 600)
    assert not await store.first_use("abc", 600)
    assert await store.first_use("def", 600)
    clock.now += 601
    assert await store.first_use("abc", 600)


async def test_budgets_count_per_key_and_reset_each_window() -> None:
    clock = Clock(60_000.0)
    limiter = RateLimiter(LocalCounter(clock=clock), clock=clock)
    assert [await limiter.check("user:a", 2) for _ in range(2)] == [None, None]
    clock.now += 15
    assert await limiter.check("user:a", 2) == 45
    assert await limiter.check("user:b", 2) is None
    clock.now += 45
    assert await limiter.check("user:a", 2) is None
    assert await limiter.check("user:a", 0) is None  # 0 turns the budget off


def test_previous_keys_parse_and_verify_but_only_the_current_key_signs() -> None:
    assert parse_keys(" k1:aaa , bad, k2:b:c,") == {"k1": "aaa", "k2": "b:c"}
    old = TokenIssuer(secret="o" * 32, issuer="i", audience="a", ttl_seconds=60, kid="k1")
    new = TokenIssuer(
        secret="n" * 32,
        issuer="i",
        audience="a",
        ttl_seconds=60,
        kid="k2",
        previous_keys={"k1": "o" * 32},
    )
    token = old.issue(Identity("dev-a", ("ops",)))
    assert new.verify(token) == Identity("dev-a", ("ops",))
    with pytest.raises(InvalidToken):
        old.verify(new.issue(Identity("dev-a")))


def test_dev_codes_and_openid_ids() -> None:
    alice = dev_login("dev:alice")
    assert alice is not None and alice.identity == Identity("dev-alice")
    olivia = dev_login("dev-ops:olivia")
    assert olivia is not None and olivia.identity.roles == ("ops",)
    for code in ("dev:", "dev:a b", "dev:../x", "root:alice", "dev:" + "a" * 65):
        assert dev_login(code) is None
    one = user_id_for_openid("oABC", "key-0123456789abcdef")
    assert one == user_id_for_openid("oABC", "key-0123456789abcdef")
    assert one != user_id_for_openid("oABD", "key-0123456789abcdef")
    assert one != user_id_for_openid("oABC", "other-key-0123456789")
    assert one.startswith("wx-") and "oABC" not in one


def test_the_route_table_matches_specific_paths() -> None:
    assert [r.upstream for r in match("/api/v1/claims/C1/progress")] == ["tracking"]
    assert [r.audience for r in match("/partner/v1/claims/C1/documents/D1")] == ["link"]
    assert match("/api/v1/claims/C1/documents/D1/extra") == []
    assert match("/internal/v1/insurers/x/partner-secret") == []


def _service_doc(schema_name: str, schema: dict[str, Any]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema_name}"}
    operation = {
        "parameters": [
            {"name": "X-Lipei-User-Id", "in": "header", "schema": {"type": "string"}},
            {"name": "claim_id", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": ref}}}
        },
    }
    return {
        "paths": {
            "/api/v1/claims/{claim_id}": {"get": operation},
            "/api/v1/claims/{claim_id}/progress": {"get": operation},
            "/internal/v1/contacts/{user_id}": {"put": operation},
            "/healthz": {"get": operation},
        },
        "components": {"schemas": {schema_name: schema}},
    }


def test_the_merged_document_keeps_public_paths_and_separates_clashing_schemas() -> None:
    gateway_doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    intake = _service_doc("Claim", {"type": "object", "title": "intake claim"})
    tracking = _service_doc("Claim", {"type": "object", "title": "tracking claim"})
    doc = merge(gateway_doc, {"intake": intake, "tracking": tracking, "ocr": None, "notify": None})

    assert not any(p.startswith("/internal") or p == "/healthz" for p in doc["paths"])
    assert {r.template for r in ROUTES} <= set(doc["paths"])
    claim = doc["paths"]["/api/v1/claims/{claim_id}"]["get"]
    progress = doc["paths"]["/api/v1/claims/{claim_id}/progress"]["get"]
    schemas = doc["components"]["schemas"]
    claim_ref = claim["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    progress_ref = progress["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schemas[claim_ref.rsplit("/", 1)[1]]["title"] == "intake claim"
    assert schemas[progress_ref.rsplit("/", 1)[1]]["title"] == "tracking claim"
    assert [p["name"] for p in claim["parameters"]] == ["claim_id"]
    assert claim["security"] == [{"bearer": []}]
    assert "application/problem+json" in claim["responses"]["404"]["content"]
    decisions = doc["paths"]["/partner/v1/decisions"]["post"]
    assert decisions["security"] == [
        {"partnerInsurer": [], "partnerTimestamp": [], "partnerSignature": []}
    ]


def test_a_get_finds_the_route_the_full_match_would_choose() -> None:
    paths = [re.sub(r"\{[a-z_]+\}", "x-1", route.template) for route in ROUTES]
    paths += ["/api/v1/claims/progress", "/api/v1/nothing", "/api/v1/claims/a/b/c", "/"]
    for path in paths:
        listed = next((r for r in match(path) if "GET" in r.methods), None)
        assert get_route(path) == listed, path

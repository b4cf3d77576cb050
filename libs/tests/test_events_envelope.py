"""The Kafka contract in code: event data, money, and the CloudEvents binary-mode envelope."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from lipei.events import (
    AlertIssued,
    ClaimDrafted,
    ClaimStatusChanged,
    DecisionApproved,
    UnknownEventType,
    parse_event,
)
from lipei.messaging import Envelope

AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def _drafted() -> ClaimDrafted:
    return ClaimDrafted(
        claim_id="c-1",
        user_id="u-1",
        policy_id="p-1",
        insurer_code="ins",
        claim_type="outpatient",
        incident_date=date(2026, 10, 30),
        claimed_amount=Decimal("484.5"),
        drafted_at=AT,
    )


def test_money_travels_as_a_two_decimal_string() -> None:
    data = _drafted().model_dump(mode="json")
    assert data["claimed_amount"] == "484.50"
    approved = DecisionApproved(
        claim_id="c", insurer_code="i", decided_at=AT, approved_amount="1200"
    )
    assert approved.model_dump(mode="json")["approved_amount"] == "1200.00"


def test_envelope_round_trips_through_kafka_headers_and_value() -> None:
    envelope = Envelope.wrap(
        _drafted(),
        source="/lipei/intake-service",
        time=AT,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    headers = dict(envelope.headers())
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"claim.drafted"
    assert headers["ce_subject"] == b"c-1"
    assert headers["content-type"] == b"application/json"
    assert envelope.key == "c-1"

    read = Envelope.from_kafka(envelope.headers(), envelope.value())
    assert read.id == envelope.id
    assert read.time == AT
    assert parse_event(read.type, read.data) == _drafted()


def test_status_change_uses_the_contract_field_name_from() -> None:
    event = ClaimStatusChanged(claim_id="c", to="under_review", at=AT, **{"from": "submitted"})
    data = json.loads(Envelope.wrap(event, source="/t").value())
    assert data["from"] == "submitted"
    assert parse_event("claim.status.changed", data).from_ == "submitted"  # type: ignore[attr-defined]


def test_alerts_are_keyed_by_region() -> None:
    alert = AlertIssued(
        alert_id="a",
        region_codes=["310000", "320000"],
        kind="typhoon",
        title="台风预警",
        body="请做好防范",
        valid_until=AT,
        issued_at=AT,
    )
    assert Envelope.wrap(alert, source="/t").key == "310000"


def test_a_message_without_cloudevents_headers_is_refused() -> None:
    with pytest.raises(ValueError, match="ce_id"):
        Envelope.from_kafka([("ce_type", b"claim.drafted")], b"{}")
    with pytest.raises(ValueError, match="JSON object"):
        Envelope.from_kafka(
            [("ce_id", b"1"), ("ce_type", b"x"), ("ce_source", b"/t"), ("ce_specversion", b"1.0")],
            b"[1]",
        )


def test_unknown_types_and_bad_data_are_rejected() -> None:
    with pytest.raises(UnknownEventType):
        parse_event("claim.exploded", {})
    with pytest.raises(ValidationError):
        parse_event(
            "claim.decision.approved",
            {
                "claim_id": "c",
                "insurer_code": "i",
                "decided_at": AT.isoformat(),
                "approved_amount": "lots",
            },
        )

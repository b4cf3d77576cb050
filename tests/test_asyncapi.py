"""docs/asyncapi.yaml is the published Kafka contract: it must match lipei.events, and real
events and their CloudEvents headers must validate against it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lipei import events
from lipei.asyncapi import build_document, main
from lipei.messaging.envelope import Envelope

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs/asyncapi.yaml"
NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def _published() -> dict[str, Any]:
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _validate(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    root = {**schema, "components": document["components"]}
    jsonschema.Draft202012Validator(root).validate(instance)


def test_the_checked_in_document_matches_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(DOCUMENT)]) == 0
    assert "matches" in capsys.readouterr().out


def test_check_fails_when_the_document_is_stale_or_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "asyncapi.yaml"
    stale.write_text(DOCUMENT.read_text().replace("approved_amount", "amount"))
    assert main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["--check", str(tmp_path / "missing.yaml")]) == 1


def test_output_writes_what_check_accepts(tmp_path: Path) -> None:
    target = tmp_path / "docs/asyncapi.yaml"
    assert main(["--output", str(target)]) == 0
    assert main(["--check", str(target)]) == 0


def test_every_event_type_is_a_message_on_its_topic() -> None:
    document = _published()
    assert document["asyncapi"] == "3.0.0"
    addresses = {c["address"]: c for c in document["channels"].values()}
    for event_type, model in events.EVENT_MODELS.items():
        channel = addresses[model.topic]
        assert event_type in channel["messages"], event_type
        message = _resolve(document, channel["messages"][event_type]["$ref"])
        assert message["payload"]["$ref"] == f"#/components/schemas/{model.__name__}"
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
    insurer = addresses["lipei.insurer.{insurer_code}.v1"]
    assert set(insurer["parameters"]) == {"insurer_code"}


def test_every_reference_resolves() -> None:
    document = _published()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                _resolve(document, node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    for operation in document["operations"].values():
        assert operation["action"] in ("send", "receive")
        channel = _resolve(document, operation["channel"]["$ref"])
        for ref in operation["messages"]:
            assert _resolve(document, ref["$ref"]) in channel["messages"].values()


SAMPLES: list[events.Event] = [
    events.ClaimDrafted(
        claim_id="clm_1",
        user_id="dev-alice",
        policy_id="pol_1",
        insurer_code="demo-insurer",
        claim_type="outpatient",
        incident_date=date(2026, 3, 1),
        claimed_amount=Decimal("484.5"),
        drafted_at=NOW,
    ),
    events.ClaimStatusChanged.model_validate(
        {"claim_id": "clm_1", "from": "submitted", "to": "under_review", "at": NOW}
    ),
    events.DecisionApproved(
        claim_id="clm_1", insurer_code="demo-insurer", decided_at=NOW, approved_amount=Decimal(400)
    ),
    events.DocumentRejected(
        claim_id="clm_1",
        document_id="doc_1",
        doc_type="invoice",
        reasons=[events.Reason(code="blurry", message="照片模糊，请重新拍摄")],
        rejected_at=NOW,
    ),
    events.AlertIssued(
        alert_id="al_1",
        region_codes=["310000"],
        kind="typhoon",
        title="台风预警",
        body="请注意防范",
        valid_until=NOW,
        issued_at=NOW,
    ),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.event_type)
def test_real_events_and_headers_validate_against_their_message(event: events.Event) -> None:
    document = build_document()
    message = document["components"]["messages"][event.event_type]
    envelope = Envelope.wrap(event, source="/lipei/test", time=NOW)
    _validate(document, message["payload"], envelope.data)
    headers = {k: v.decode() for k, v in envelope.headers()}
    _validate(document, message["headers"], headers)
    assert envelope.key == (
        event.region_codes[0] if isinstance(event, events.AlertIssued) else "clm_1"
    )


def test_a_wrong_payload_or_header_is_rejected() -> None:
    document = build_document()
    message = document["components"]["messages"]["claim.decision.approved"]
    envelope = Envelope.wrap(SAMPLES[2], source="/lipei/test", time=NOW)
    with pytest.raises(jsonschema.ValidationError):
        _validate(document, message["payload"], {**envelope.data, "approved_amount": 400.0})
    headers = {k: v.decode() for k, v in envelope.headers()}
    with pytest.raises(jsonschema.ValidationError):
        _validate(document, message["headers"], {**headers, "ce_type": "claim.decision.paid"})

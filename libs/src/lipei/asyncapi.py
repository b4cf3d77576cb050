"""The Kafka contract as an AsyncAPI 3.0 document, generated from the models in `lipei.events`.

`lipei-asyncapi --output docs/asyncapi.yaml` writes it; `lipei-asyncapi --check docs/asyncapi.yaml`
exits 1 when the checked-in document no longer matches the models.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from lipei import events
from lipei.messaging.envelope import CONTENT_TYPE, SPEC_VERSION

KAFKA_BINDING_VERSION = "0.5.0"
INSURER_CHANNEL = "insurer"
# Published on their own topic and, as a copy, on the claim's insurer's topic.
COPIED_TO_INSURER: tuple[type[events.Event], ...] = (events.ClaimAssessed,)

# channel id → (topic, what the platform does with it, who writes it and what it carries)
CHANNELS: dict[str, tuple[str, str, str]] = {
    "claims": (events.CLAIMS_TOPIC, "send", "intake-service: a claim's life before a decision"),
    "documents": (events.DOCUMENTS_TOPIC, "send", "ocr-service: each uploaded document's verdict"),
    INSURER_CHANNEL: (
        "lipei.insurer.{insurer_code}.v1",
        "send",
        "intake-service: one insurer's full claim packages, sensitive values sealed to its key",
    ),
    "decisions": (
        events.DECISIONS_TOPIC,
        "receive",
        "insurers (or the gateway's partner API): decisions on submitted claims; "
        "assessment-service's instant approvals, in the insurer's name",
    ),
    "assessments": (
        events.ASSESSMENTS_TOPIC,
        "send",
        "assessment-service: each submitted claim's instant assessment (a copy goes to the "
        "insurer's own topic)",
    ),
    "claimStatus": (
        events.CLAIM_STATUS_TOPIC,
        "send",
        "tracking-service: status changes and breached legal deadlines",
    ),
    "notifications": (
        events.NOTIFICATIONS_TOPIC,
        "send",
        "notify-service: reminders sent, failed or escalated",
    ),
    "alerts": (events.ALERTS_TOPIC, "send", "gateway ops API: regional alerts (key = region code)"),
    "conversations": (
        events.CONVERSATIONS_TOPIC,
        "send",
        "butler-service: messages posted and complaints opened (key = user id), never the text",
    ),
    "disputes": (
        events.DISPUTES_TOPIC,
        "send",
        "butler-service: the outcome of a disputed rejection taken up with the insurer",
    ),
}

DESCRIPTION = """\
Every event Lipei publishes or consumes. Messages are CloudEvents 1.0 in Kafka binary mode: the
`ce_*` headers carry the envelope, the value is the event's data as JSON. The key is the claim id
(one claim's events keep their order within a topic), the region code for alerts, or the user id
for a conversation's events. Delivery is at least once: consumers apply each `ce_id` at most
once. A message that cannot be handled after retries goes to the topic's dead-letter topic,
`<topic>.dlq`. Fields may be added; the names here never change. Money travels as a decimal
string in yuan ("484.50")."""


def _channel_of(model: type[events.Event]) -> str:
    for channel, (topic, _action, _summary) in CHANNELS.items():
        if model.topic == topic:
            return channel
    raise ValueError(f"{model.__name__} is published on {model.topic}, which has no channel")


def _headers_schema() -> dict[str, Any]:
    def header(description: str, **extra: Any) -> dict[str, Any]:
        return {"type": "string", "description": description, **extra}

    return {
        "type": "object",
        "description": "CloudEvents 1.0 binary-mode attributes (Kafka protocol binding).",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
        "properties": {
            "ce_specversion": header("CloudEvents version", const=SPEC_VERSION),
            "ce_id": header("unique per event: the consumers' deduplication key"),
            "ce_source": header("the publishing service", examples=["/lipei/intake-service"]),
            "ce_type": header("the event type: the message's name"),
            "ce_time": header("when it happened (RFC 3339)", format="date-time"),
            "ce_subject": header("the claim id, where there is one; a conversation's user id"),
            "content-type": header("the value's media type", const=CONTENT_TYPE),
            "traceparent": header("W3C trace context of the request that caused the event"),
        },
    }


def _key_schema(model: type[events.Event]) -> dict[str, Any]:
    if model is events.AlertIssued:
        return {"type": "string", "description": "the alert's first region code"}
    if issubclass(model, events.ConversationEvent):
        return {"type": "string", "description": "the user id (same as ce_subject)"}
    return {"type": "string", "description": "the claim id (same as ce_subject)"}


def build_document() -> dict[str, Any]:
    """The whole AsyncAPI document as plain data, in a stable order."""
    models = list(events.EVENT_MODELS.values())
    _, schema = models_json_schema(
        [(m, "serialization") for m in models], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = {"CloudEventsHeaders": _headers_schema()}
    schemas.update(sorted(schema.get("$defs", {}).items()))

    messages: dict[str, Any] = {}
    channel_messages: dict[str, dict[str, Any]] = {channel: {} for channel in CHANNELS}
    for event_type, model in events.EVENT_MODELS.items():
        message_id = event_type
        headers = {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEventsHeaders"},
                {"type": "object", "properties": {"ce_type": {"const": event_type}}},
            ]
        }
        message: dict[str, Any] = {"name": event_type, "title": event_type}
        if model.__doc__:
            message["summary"] = model.__doc__.strip().splitlines()[0]
        messages[message_id] = {
            **message,
            "contentType": CONTENT_TYPE,
            "headers": headers,
            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
            "bindings": {
                "kafka": {"key": _key_schema(model), "bindingVersion": KAFKA_BINDING_VERSION}
            },
        }
        channel_messages[_channel_of(model)][message_id] = {
            "$ref": f"#/components/messages/{message_id}"
        }
        if model in COPIED_TO_INSURER:
            channel_messages[INSURER_CHANNEL][message_id] = {
                "$ref": f"#/components/messages/{message_id}"
            }

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for channel, (topic, action, summary) in CHANNELS.items():
        channels[channel] = {
            "address": topic,
            "title": topic,
            "description": f"Written by {summary}.",
            "messages": channel_messages[channel],
            "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        if channel == INSURER_CHANNEL:
            channels[channel]["parameters"] = {
                "insurer_code": {
                    "description": "the insurer's code; each insurer reads only its own topic",
                    "examples": ["demo-insurer"],
                }
            }
            del channels[channel]["bindings"]
        operations[f"{action}{channel[0].upper()}{channel[1:]}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [
                {"$ref": f"#/channels/{channel}/messages/{message_id}"}
                for message_id in channel_messages[channel]
            ],
        }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Lipei events",
            "version": "1.0.0",
            "description": " ".join(DESCRIPTION.split()),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "the broker `make run` and docker compose start",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render() -> str:
    return yaml.safe_dump(build_document(), sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lipei-asyncapi", description="Write or check the AsyncAPI document of Lipei's events."
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--output", type=Path, help="write the document here (default: stdout)")
    group.add_argument(
        "--check", type=Path, metavar="FILE", help="exit 1 when FILE differs from the models"
    )
    args = parser.parse_args(argv)
    document = render()
    if args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != document:
            print(
                f"{args.check} is out of date: run `lipei-asyncapi --output {args.check}`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.check} matches lipei.events")
        return 0
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(document, encoding="utf-8")
        return 0
    sys.stdout.write(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CloudEvents 1.0 in Kafka binary mode: `ce_*` headers, the event data as the JSON value."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lipei.events import Event

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


def new_event_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    time: datetime
    data: dict[str, Any]
    subject: str | None = None
    traceparent: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        source: str,
        time: datetime | None = None,
        traceparent: str | None = None,
    ) -> Envelope:
        return cls(
            id=new_event_id(),
            source=source,
            type=event.event_type,
            time=time or datetime.now(UTC),
            data=event.model_dump(mode="json", by_alias=True),
            subject=event.subject(),
            traceparent=traceparent,
        )

    @property
    def key(self) -> str | None:
        return self.subject

    def headers(self) -> list[tuple[str, bytes]]:
        headers = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat(),
            "content-type": CONTENT_TYPE,
        }
        if self.subject is not None:
            headers["ce_subject"] = self.subject
        if self.traceparent:
            headers["traceparent"] = self.traceparent
        headers.update(self.extra_headers)
        return [(k, v.encode()) for k, v in headers.items()]

    def value(self) -> bytes:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_kafka(
        cls, headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...], value: bytes | None
    ) -> Envelope:
        """Read a binary-mode CloudEvent; raises ValueError when it is not one."""
        h = {k: v.decode() for k, v in headers}
        missing = [k for k in ("ce_id", "ce_type", "ce_source", "ce_specversion") if k not in h]
        if missing:
            raise ValueError(f"not a CloudEvent: missing {', '.join(missing)}")
        if h["ce_specversion"] != SPEC_VERSION:
            raise ValueError(f"unsupported CloudEvents version {h['ce_specversion']}")
        data = json.loads(value) if value else {}
        if not isinstance(data, dict):
            raise ValueError("event data is not a JSON object")
        time = datetime.fromisoformat(h["ce_time"]) if "ce_time" in h else datetime.now(UTC)
        known = {
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_time",
            "ce_subject",
            "content-type",
            "traceparent",
        }
        return cls(
            id=h["ce_id"],
            source=h["ce_source"],
            type=h["ce_type"],
            time=time,
            data=data,
            subject=h.get("ce_subject"),
            traceparent=h.get("traceparent"),
            extra_headers={k: v for k, v in h.items() if k not in known},
        )

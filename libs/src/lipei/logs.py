"""One log format for every service: a JSON object per line (`LOG_FORMAT=text` for a person at a
terminal) carrying the service, the trace and span of the work in hand, and its claim id.

Log lines never carry names, ID numbers, card or phone numbers, or message text: a claim id is how
an operator finds a claim's lines, and the trace id how they follow it across services.
"""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

from opentelemetry import trace

LogFormat = Literal["json", "text"]

# Which service does the work in hand: several share one process in tests.
current_service: ContextVar[str | None] = ContextVar("lipei_service", default=None)
current_claim: ContextVar[str | None] = ContextVar("lipei_claim_id", default=None)


@contextmanager
def claim_context(claim_id: str | None) -> Iterator[None]:
    """Log lines written inside carry `claim_id` (None leaves the outer claim in place)."""
    if claim_id is None:
        yield
        return
    token = current_claim.set(claim_id)
    try:
        yield
    finally:
        current_claim.reset(token)


def bind_claim(claim_id: str) -> None:
    """The rest of the current request or event handling is about this claim."""
    current_claim.set(claim_id)


def trace_ids() -> tuple[str | None, str | None]:
    """The current trace and span ids as lowercase hex, or None outside any trace."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        trace_id, span_id = trace_ids()
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": current_service.get() or self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": trace_id,
            "span_id": span_id,
        }
        claim_id = current_claim.get()
        if claim_id is not None:
            line["claim_id"] = claim_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(service)s %(name)s: %(message)s%(claim)s")
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        record.service = current_service.get() or self.service
        claim_id = current_claim.get()
        record.claim = f" claim={claim_id}" if claim_id else ""
        return super().format(record)


def configure_logging(level: str, service: str, fmt: LogFormat = "json") -> None:
    logging.config.dictConfig(logging_config(level, service, fmt))


def logging_config(level: str, service: str, fmt: LogFormat = "json") -> dict[str, Any]:
    """The logging set-up as a `dictConfig` document: uvicorn applies it again in each worker
    process it spawns, which start with Python's defaults (nothing below WARNING, no format)."""
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"lipei": {"()": f"{__name__}.{formatter.__name__}", "service": service}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "lipei",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        # The Kafka client logs every reconnect at INFO; warnings are what operators need.
        "loggers": {"aiokafka": {"level": "WARNING"}},
    }

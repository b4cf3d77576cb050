"""One log format for every service: a JSON object per line (`LOG_FORMAT=text` for a person at a
terminal) carrying the service, the trace and span of the work in hand, and its claim id.

Log lines never carry names, ID numbers, card or phone numbers, or message text: a claim id is how
an operator finds a claim's lines, and the trace id how they follow it across services.
"""

from __future__ import annotations

import asyncio
import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any, Literal

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


class TurnWriter(logging.StreamHandler):
    """Lines logged on an event loop are written once per turn of the loop, together: a busy
    service logs a line per request, and a write per line was a good part of a read's cost.
    Elsewhere (threads, start-up, shutdown) each line is written at once, as before.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self._lines: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or loop.is_closed():
            self._write([line])
            return
        self._lines.append(line)
        if self._loop is None:
            self._loop = loop
            loop.call_soon(self._write_turn)

    def flush(self) -> None:
        self._write_turn()
        super().flush()

    def _write_turn(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._loop = None
            lines, self._lines = self._lines, []
        if lines:
            self._write(lines)

    def _write(self, lines: list[str]) -> None:
        with self.lock:  # type: ignore[union-attr]
            try:
                self.stream.write("".join(lines))
                self.stream.flush()
            except Exception:
                self.handleError(logging.makeLogRecord({"msg": "could not write log lines"}))


def service_handler(stream: IO[str]) -> TurnWriter:
    """A service's handler. Its records are made without what no line of ours shows (the
    caller's file and line, the thread and process names): finding the caller walks the stack
    on every line."""
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    return TurnWriter(stream)


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
                "()": f"{__name__}.{service_handler.__name__}",
                "formatter": "lipei",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        # The Kafka client logs every reconnect at INFO; warnings are what operators need.
        "loggers": {"aiokafka": {"level": "WARNING"}},
    }

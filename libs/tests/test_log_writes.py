"""Log lines reach stderr whole and in order: together once per turn of the event loop, at once
anywhere else, and none left behind at shutdown."""

from __future__ import annotations

import asyncio
import json
import logging

from lipei.logs import JsonFormatter, TurnWriter


class Recording:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> None:
        self.writes.append(text)

    def flush(self) -> None:
        pass


def _logger(stream: Recording) -> tuple[logging.Logger, TurnWriter]:
    handler = TurnWriter(stream)  # type: ignore[arg-type]
    handler.setFormatter(JsonFormatter("intake"))
    logger = logging.getLogger(f"test.turns.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, handler


async def test_lines_of_one_loop_turn_are_written_together_in_order() -> None:
    stream = Recording()
    logger, _ = _logger(stream)
    for n in range(3):
        logger.info("read %s", n)
    assert stream.writes == []  # not before the turn ends
    await asyncio.sleep(0)
    logger.info("read 3")
    await asyncio.sleep(0)
    assert len(stream.writes) == 2
    lines = "".join(stream.writes).splitlines()
    assert [json.loads(line)["message"] for line in lines] == [f"read {n}" for n in range(4)]
    assert all(json.loads(line)["service"] == "intake" for line in lines)


def test_lines_outside_a_loop_are_written_at_once() -> None:
    stream = Recording()
    logger, _ = _logger(stream)
    logger.warning("starting")
    assert len(stream.writes) == 1 and json.loads(stream.writes[0])["level"] == "WARNING"


async def test_a_flush_writes_what_the_turn_holds() -> None:
    stream = Recording()
    logger, handler = _logger(stream)
    logger.info("last words")
    handler.flush()  # as logging.shutdown() does
    assert json.loads(stream.writes[0])["message"] == "last words"
    await asyncio.sleep(0)
    assert len(stream.writes) == 1

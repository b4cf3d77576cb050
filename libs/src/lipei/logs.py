"""One log format for every service: time, level, service, logger, message (claim ids inline)."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: str, service: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The Kafka client logs every reconnect at INFO; warnings are what operators need.
    logging.getLogger("aiokafka").setLevel(logging.WARNING)

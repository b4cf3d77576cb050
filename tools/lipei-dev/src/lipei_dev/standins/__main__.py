"""Serve the provider stand-ins for local runs:
`python -m lipei_dev.standins --wechat-port 8010 --tencentcloud-port 8011`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from datetime import UTC, datetime

import uvicorn

from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn


class _JsonLines(logging.Formatter):
    """The services' log line shape (this image carries no Lipei package to import it from)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": "standins",
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": None,
            "span_id": None,
        }
        return json.dumps(line, ensure_ascii=False)


def _configure_logging() -> None:
    """JSON lines unless LOG_FORMAT=text, as the services write them."""
    handler = logging.StreamHandler()
    if os.environ.get("LOG_FORMAT", "json").lower() != "text":
        handler.setFormatter(_JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(), handlers=[handler])


async def _serve(host: str, wechat_port: int, tencentcloud_port: int, wechat_rate: float) -> None:
    wechat = WeChatStandIn(rate_limit_per_second=wechat_rate)
    apps = [(wechat.app, wechat_port), (TencentCloudStandIn().app, tencentcloud_port)]
    servers = [
        uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_config=None))
        for app, port in apps
    ]
    await asyncio.gather(*(server.serve() for server in servers))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m lipei_dev.standins", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--wechat-port", type=int, default=8010)
    parser.add_argument("--tencentcloud-port", type=int, default=8011)
    parser.add_argument(
        "--wechat-rate-limit",
        type=float,
        default=float(os.environ.get("WECHAT_STANDIN_RATE_LIMIT", "0")),
        help="subscription messages accepted per second, then errcode 45011 "
        "(env WECHAT_STANDIN_RATE_LIMIT; 0: no limit)",
    )
    args = parser.parse_args()
    _configure_logging()
    asyncio.run(_serve(args.host, args.wechat_port, args.tencentcloud_port, args.wechat_rate_limit))


if __name__ == "__main__":
    main()

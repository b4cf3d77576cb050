"""Serve the provider stand-ins for local runs:
`python -m lipei_dev.standins --wechat-port 8010 --tencentcloud-port 8011`."""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn


async def _serve(host: str, wechat_port: int, tencentcloud_port: int) -> None:
    servers = [
        uvicorn.Server(uvicorn.Config(WeChatStandIn().app, host=host, port=wechat_port)),
        uvicorn.Server(
            uvicorn.Config(TencentCloudStandIn().app, host=host, port=tencentcloud_port)
        ),
    ]
    await asyncio.gather(*(server.serve() for server in servers))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m lipei_dev.standins", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--wechat-port", type=int, default=8010)
    parser.add_argument("--tencentcloud-port", type=int, default=8011)
    args = parser.parse_args()
    asyncio.run(_serve(args.host, args.wechat_port, args.tencentcloud_port))


if __name__ == "__main__":
    main()

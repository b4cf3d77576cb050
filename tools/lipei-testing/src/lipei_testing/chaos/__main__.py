"""`make chaos`: `python -m lipei_testing.chaos [--only 1,2] [--claims N] ...`.

Each scenario starts a platform of its own (real broker, real processes, its own databases and
ports from LIPEI_CHAOS_PORT_BASE, default 18500), injects its fault, prints its row, and
removes what it made (LIPEI_CHAOS_KEEP=1 keeps its folder of logs). Exits non-zero when a
scenario loses, doubles, or answers a 500 it should not have.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from lipei_dev.ports import Ports
from lipei_testing.chaos import claims, reminders, replay, stall, uploads
from lipei_testing.chaos.proxy import StallingProxy
from lipei_testing.chaos.report import Row, markdown
from lipei_testing.chaos.setup import platform
from lipei_testing.processes import ProcessPlatform

CLAIMS = ["intake_service", "tracking_service"]


@dataclass
class Scenario:
    services: list[str]
    database: str
    run: Callable[[ProcessPlatform, argparse.Namespace, StallingProxy | None], Awaitable[Row]]
    replicas: dict[str, str] = field(default_factory=dict)
    standins: bool = False
    proxied: bool = False  # intake reaches PostgreSQL through a stalling proxy


SCENARIOS = {
    "1": Scenario(
        CLAIMS, "sqlite", lambda p, a, _: claims.broker_outage(p, n=a.claims, outage=a.outage)
    ),
    "2": Scenario(CLAIMS, "postgresql", lambda p, a, _: claims.relay_killed(p, n=a.claims)),
    "3": Scenario(
        CLAIMS,
        "postgresql",
        lambda p, a, _: claims.replica_churn(p, n=a.claims, period=a.period, duration=a.churn),
        replicas={"tracking_service_2": "tracking_service"},
    ),
    "4": Scenario(
        [*CLAIMS, "notify_service"],
        "sqlite",
        lambda p, a, _: replay.replayed_day(p, n=a.day_claims),
        standins=True,
    ),
    "5": Scenario(
        CLAIMS,
        "postgresql",
        lambda p, a, proxy: stall.database_stall(p, _given(proxy), stall=a.stall),
        proxied=True,
    ),
    "6": Scenario(
        ["notify_service"],
        "sqlite",
        lambda p, a, _: reminders.flaky_providers(p, n=a.reminders),
        standins=True,
    ),
    "7": Scenario(
        ["intake_service"],
        "postgresql",
        lambda p, a, _: uploads.sigterm_during_uploads(p, n=a.uploads),
    ),
}


def _given(proxy: StallingProxy | None) -> StallingProxy:
    assert proxy is not None
    return proxy


async def run_one(key: str, ports: Ports, args: argparse.Namespace) -> Row:
    scenario = SCENARIOS[key]
    var = Path(tempfile.mkdtemp(prefix=f"lipei-chaos-{key}-"))
    proxy = await StallingProxy(5432).start() if scenario.proxied else None
    try:
        async with platform(
            ports=ports,
            var=var,
            services=scenario.services,
            backend="postgresql" if proxy else args.database or scenario.database,
            replicas=scenario.replicas,
            service_env={"notify_service": reminders.NOTIFY_ENV},
            standins=scenario.standins,
            proxies={"intake_service": proxy.port} if proxy else None,
        ) as running:
            return await scenario.run(running, args, proxy)
    finally:
        if proxy is not None:
            await proxy.close()
        if os.environ.get("LIPEI_CHAOS_KEEP"):
            print(f"kept {var}", flush=True)
        else:
            shutil.rmtree(var, ignore_errors=True)


async def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    base = int(os.environ.get("LIPEI_CHAOS_PORT_BASE", "18500"))
    ports = Ports(base=base, broker=base + 90)
    for key in args.only.split(","):
        started = time.monotonic()
        row = await run_one(key.strip(), ports, args)
        rows.append(row)
        print(markdown([row]).splitlines()[-1], f"({time.monotonic() - started:.0f} s)", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="make chaos", description=__doc__)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, e.g. 1,2")
    parser.add_argument("--claims", type=int, default=1000, help="claims drafted in 1, 2, 3")
    parser.add_argument("--outage", type=float, default=30.0, help="broker outage (s) in 1")
    parser.add_argument("--period", type=float, default=10.0, help="kill/start period (s) in 3")
    parser.add_argument("--churn", type=float, default=120.0, help="how long 3 churns (s)")
    parser.add_argument("--day-claims", type=int, default=300, help="claims of the day in 4")
    parser.add_argument("--stall", type=float, default=15.0, help="database stall (s) in 5")
    parser.add_argument("--reminders", type=int, default=500, help="reminders in 6")
    parser.add_argument("--uploads", type=int, default=50, help="uploads in flight in 7")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], help="for every scenario")
    args = parser.parse_args()
    print(markdown([]), flush=True)
    rows = asyncio.run(run(args))
    print(f"\n{markdown(rows)}\n\nmachine: {os.cpu_count()} cores")
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

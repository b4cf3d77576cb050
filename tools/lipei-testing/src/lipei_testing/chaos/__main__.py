"""`make chaos`: `python -m lipei_testing.chaos [--only 1,2] [--claims N] ...`.

Each scenario starts a platform of its own (real broker, real processes, its own databases and
ports from LIPEI_CHAOS_PORT_BASE, default 18500), injects its fault, prints its row, and
removes what it made. Exits non-zero when a scenario loses, doubles, or answers a 500 it
should not have.
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
from pathlib import Path

from lipei_dev.ports import Ports
from lipei_testing.chaos import claims, reminders
from lipei_testing.chaos.report import Row, markdown
from lipei_testing.chaos.setup import platform
from lipei_testing.processes import ProcessPlatform

Scenario = Callable[[ProcessPlatform, argparse.Namespace], Awaitable[Row]]

# scenario: (services, database, how to run it); "tracking_service_2" is a second replica.
SCENARIOS: dict[str, tuple[list[str], str, Scenario]] = {
    "1": (
        ["intake_service", "tracking_service"],
        "sqlite",
        lambda p, a: claims.broker_outage(p, n=a.claims, outage=a.outage),
    ),
    "2": (
        ["intake_service", "tracking_service"],
        "postgresql",
        lambda p, a: claims.relay_killed(p, n=a.claims, kills=3),
    ),
    "3": (
        ["intake_service", "tracking_service", "tracking_service_2"],
        "postgresql",
        lambda p, a: claims.replica_churn(p, n=a.claims, period=a.period, duration=a.churn),
    ),
    "6": (
        ["notify_service"],
        "sqlite",
        lambda p, a: reminders.flaky_providers(p, n=a.reminders),
    ),
}
REPLICAS = {"tracking_service_2": "tracking_service"}


async def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    base = int(os.environ.get("LIPEI_CHAOS_PORT_BASE", "18500"))
    ports = Ports(base=base, broker=base + 90)
    for key in args.only.split(","):
        services, backend, scenario = SCENARIOS[key]
        var = Path(tempfile.mkdtemp(prefix=f"lipei-chaos-{key}-"))
        started = time.monotonic()
        try:
            async with platform(
                ports=ports,
                var=var,
                services=[s for s in services if s not in REPLICAS],
                backend=args.database or backend,
                replicas={r: REPLICAS[r] for r in services if r in REPLICAS},
                service_env={"notify_service": reminders.NOTIFY_ENV},
                standins="notify_service" in services,
            ) as running:
                row = await scenario(running, args)
        finally:
            shutil.rmtree(var, ignore_errors=True)
        rows.append(row)
        print(markdown([row]).splitlines()[-1], f"({time.monotonic() - started:.0f} s)", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="make chaos", description=__doc__)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, e.g. 1,2")
    parser.add_argument("--claims", type=int, default=1000, help="claims drafted in 1 and 2")
    parser.add_argument("--outage", type=float, default=30.0, help="broker outage (s) in 1")
    parser.add_argument("--reminders", type=int, default=500, help="reminders in 6")
    parser.add_argument("--period", type=float, default=10.0, help="kill/start period (s) in 3")
    parser.add_argument("--churn", type=float, default=120.0, help="how long 3 churns (s)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], help="for every scenario")
    args = parser.parse_args()
    print(markdown([]), flush=True)
    rows = asyncio.run(run(args))
    print(f"\n{markdown(rows)}\n\nmachine: {os.cpu_count()} cores")
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

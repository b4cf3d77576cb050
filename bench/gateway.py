"""What the gateway's instrumentation costs on a claim read (`GET /api/v1/claims/{id}`): the same
gateway without HTTP metrics, as deployed (metrics, trace context carried), and recording traces
exported over OTLP (to a local sink that accepts them), as CPU per request. (bench/reads.py compares
the gateway with nginx and the service itself.)

The platform (local broker, intake-service) runs in a child process so the load generator does not
share its interpreter; each gateway runs in a process of its own (`python -m gateway`), as deployed.
Everything is loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

# This file is named like the gateway package: keep its folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

REQUESTS = int(os.environ.get("LIPEI_BENCH_REQUESTS", "2000"))
CONCURRENCY = 20
WARMUP = 100


# --- the platform, in the child process ------------------------------------------------------


async def _serve(out: Path) -> None:
    from lipei_dev.broker import LocalBroker, free_port
    from lipei_testing.platform import running_platform

    tmp = out.parent
    with LocalBroker(port=free_port(), log_path=tmp / "broker.log") as broker:
        async with running_platform(
            bootstrap_servers=broker.bootstrap_servers,
            tmp_dir=tmp,
            services=("intake",),
            overrides={"gateway": {"rate_limit_user_per_minute": 0, "rate_limit_ip_per_minute": 0}},
        ) as platform:
            client = platform.client
            ops = await platform.login("dev-ops:bench")
            await client.put("/ops/v1/insurers/bench-insurer", json={"name": "Bench"}, headers=ops)
            policy = {
                "holder_user_id": "dev-bench",
                "insurer_code": "bench-insurer",
                "product_name": "门急诊医疗险",
                "insured_name": "张三",
                "insured_id_number": "110101199003071234",
                "coverage": ["outpatient"],
                "region_code": "310000",
                "valid_from": "2026-01-01",
                "valid_to": "2026-12-31",
                "sum_insured": "20000.00",
            }
            answer = await client.put("/ops/v1/policies/P-BENCH", json=policy, headers=ops)
            answer.raise_for_status()
            user = await platform.login("dev:bench")
            draft = {
                "policy_id": "P-BENCH",
                "claim_type": "outpatient",
                "incident_date": "2026-11-01",
                "description": "门诊",
            }
            created = await client.post("/api/v1/claims", json=draft, headers=user)
            created.raise_for_status()
            out.write_text(  # noqa: ASYNC240 - once, before any load
                json.dumps(
                    {
                        "gateway": platform.gateway_url,
                        "intake": platform.service_urls["intake"],
                        "claim_id": created.json()["claim_id"],
                        "authorization": user["Authorization"],
                    }
                )
            )
            stop = asyncio.Event()
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
            await stop.wait()


def _start_gateway(
    port: int, intake_url: str, internal_token: str, **extra: str
) -> subprocess.Popen[bytes]:
    """The gateway as deployed: its own process, in front of the platform's intake-service. It
    shares the platform's default signing key, so the platform's access token works here too."""
    from lipei_dev.broker import free_port

    env = {
        **os.environ,
        **extra,
        "METRICS_PORT": str(free_port()),
        "PORT": str(port),
        "INTAKE_URL": intake_url,
        "LIPEI_INTERNAL_TOKEN": internal_token,
        "RATE_LIMIT_USER_PER_MINUTE": "0",
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "gateway"], env=env)


# --- load ---------------------------------------------------------------------------------


async def _load(url: str, headers: dict[str, str]) -> dict[str, float]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        for _ in range(WARMUP):
            (await client.get(url, headers=headers)).raise_for_status()
        latencies: list[float] = []
        errors = 0
        queue = iter(range(REQUESTS))

        async def worker() -> None:
            nonlocal errors
            for _ in queue:
                started = time.perf_counter()
                answer = await client.get(url, headers=headers)
                latencies.append(time.perf_counter() - started)
                errors += answer.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        wall = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": REQUESTS / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
    }


_SINK = """
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
"""


def _start_sink(port: int) -> subprocess.Popen[bytes]:
    """Accepts OTLP exports and drops them: the cost measured is the gateway's own."""
    return subprocess.Popen([sys.executable, "-c", _SINK, str(port)])


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used (user + system), from /proc: unlike throughput, it does not
    depend on what else the machine runs meanwhile."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _instrumentation(
    info: dict[str, Any], token: str, bearer: dict[str, str]
) -> dict[str, dict[str, float]]:
    """The same gateway three ways, each measured twice in turn (the best run counts), with the
    gateway process's CPU time per request."""
    from lipei_dev.broker import free_port

    sink_port = free_port()
    variants = {
        "no HTTP metrics": {"METRICS_ENABLED": "false"},
        "as deployed (metrics, trace context)": {},
        "metrics + traces exported (OTLP)": {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{sink_port}"
        },
    }
    children: list[subprocess.Popen[bytes]] = [_start_sink(sink_port)]
    gateways = {}
    try:
        for label, env in variants.items():
            port = free_port()
            child = _start_gateway(port, info["intake"], token, **env)
            children.append(child)
            gateways[label] = (f"http://127.0.0.1:{port}", child.pid)
            _ready(gateways[label][0])
        path = f"/api/v1/claims/{info['claim_id']}"
        best: dict[str, dict[str, float]] = {}
        for _ in range(2):
            for label, (url, pid) in gateways.items():
                before = _cpu_seconds(pid)
                run = asyncio.run(_load(url + path, bearer))
                run["cpu_us"] = (_cpu_seconds(pid) - before) / (REQUESTS + WARMUP) * 1e6
                kept = best.setdefault(label, run)
                kept["rps"] = max(kept["rps"], run["rps"])
                kept["cpu_us"] = min(kept["cpu_us"], run["cpu_us"])
        return best
    finally:
        for child in children:
            child.terminate()
            child.wait(10)


def _wait_for(path: Path, process: subprocess.Popen[bytes], seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            return dict(json.loads(path.read_text()))
        if process.poll() is not None:
            raise RuntimeError("the platform stopped during start-up")
        time.sleep(0.2)
    raise RuntimeError("the platform did not start in time")


def _ready(url: str) -> None:
    for _ in range(100):
        try:
            httpx.get(url + "/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lipei-bench-gw-") as name:
        tmp = Path(name)
        info_path = tmp / "platform.json"
        platform = subprocess.Popen([sys.executable, __file__, "--serve", str(info_path)])
        try:
            info = _wait_for(info_path, platform, 120)
            from lipei_testing.platform import INTERNAL_TOKEN

            bearer = {"Authorization": info["authorization"]}
            instrumented = _instrumentation(info, INTERNAL_TOKEN, bearer)
        finally:
            platform.terminate()
            platform.wait(30)
    bare = instrumented["no HTTP metrics"]
    print(f"{REQUESTS} claim reads per run, concurrency {CONCURRENCY}, loopback")
    print("What instrumentation costs the gateway (own process; best of two runs each).")
    print("CPU per request is the gateway's own and holds on a busy machine; req/s does not.\n")
    print("| gateway | req/s | CPU µs/request | throughput on its CPU vs no metrics |")
    print("| --- | ---: | ---: | ---: |")
    for label, r in instrumented.items():
        print(
            f"| {label} | {r['rps']:.0f} | {r['cpu_us']:.0f} "
            f"| {bare['cpu_us'] / r['cpu_us']:.3f}× |"
        )
    return 0 if all(r["errors"] == 0 for r in instrumented.values()) else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        asyncio.run(_serve(Path(sys.argv[2])))
        sys.exit(0)
    sys.exit(main())

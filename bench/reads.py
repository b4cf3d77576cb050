"""The reads every policyholder makes, `GET /api/v1/claims/{id}` and its `/progress`, straight to
the service, through nginx and through the gateway, in one run, measured with `wrk`.

The services run as deployed: intake-service, tracking-service and the gateway each in processes
of their own (`python -m ...`, `WORKERS` uvicorn workers each), logging at INFO to files, nginx
(Debian's package) routing the same two paths to the same services. wrk (Debian's package, a C
load generator) costs little of the CPU it measures. Each path is read plain (200) and again with
the ETag it was given (`If-None-Match`: 304, no body). SQLite always; PostgreSQL too when
`LIPEI_BENCH_POSTGRES_URL` (default: postgres on 127.0.0.1:5432) answers, in databases of its own.

`LIPEI_BENCH_SECONDS` (per row, default 5), `LIPEI_BENCH_CONNECTIONS` (default "20,100"),
`LIPEI_BENCH_WORKERS` (default 2), `LIPEI_BENCH_PROFILE=DIR` (py-spy records the gateway and
intake during the claim reads at the highest concurrency, and prints their top frames).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

ROOT = _HERE.parent
SECONDS = float(os.environ.get("LIPEI_BENCH_SECONDS", "5"))
CONNECTIONS = [int(c) for c in os.environ.get("LIPEI_BENCH_CONNECTIONS", "20,100").split(",")]
WORKERS = int(os.environ.get("LIPEI_BENCH_WORKERS", "2"))
POSTGRES = os.environ.get(
    "LIPEI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PROFILE_DIR = os.environ.get("LIPEI_BENCH_PROFILE", "")
TOKEN = "bench-internal-token"
USER = "dev-bench"


@dataclass
class Row:
    database: str
    path: str
    status: int
    connections: int
    target: str
    rps: float
    p50: float
    p99: float
    errors: int
    cpu_us: float
    answer_bytes: float = 0.0  # what the client read per request, head and body
    proxy_cpu_us: float | None = None  # the gateway's or nginx's own share


# --- processes ----------------------------------------------------------------------------


class Children:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes]] = []
        self.pids: dict[str, int] = {}

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> int:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child)
        proc = subprocess.Popen(
            args, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        self.pids[name] = proc.pid
        return proc.pid

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


def _free_port() -> int:
    from lipei_dev.broker import free_port

    return free_port()


def _wait_ready(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(httpx.HTTPError):
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def _service(children: Children, package: str, database_url: str, broker: str, tmp: Path) -> str:
    """Migrated once, then served by WORKERS processes (none of them migrates again)."""
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": broker,
        "LIPEI_INTERNAL_TOKEN": TOKEN,
        "STORAGE_URL": str(tmp / "storage"),
        "LOG_LEVEL": "INFO",
    }
    subprocess.run(
        [sys.executable, "-m", package, "migrate"],
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = _free_port()
    serve_env = {**env, "MIGRATE_ON_START": "false", "WORKERS": str(WORKERS)}
    children.start(
        package, [sys.executable, "-m", package, "serve", "--port", str(port)], serve_env
    )
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url)
    return url


def _gateway(children: Children, intake: str, tracking: str) -> tuple[str, int]:
    """The gateway as deployed, less the per-user and per-IP budgets: one user reads here
    thousands of times a second, which the budgets exist to refuse."""
    port = _free_port()
    env = {
        "PORT": str(port),
        "METRICS_PORT": "0",
        "INTAKE_URL": intake,
        "TRACKING_URL": tracking,
        "LIPEI_INTERNAL_TOKEN": TOKEN,
        "RATE_LIMIT_USER_PER_MINUTE": "0",
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "LOG_LEVEL": "INFO",
        "WORKERS": str(WORKERS),
    }
    pid = children.start("gateway", [sys.executable, "-m", "gateway"], env)
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url)
    return url, pid


def _nginx(children: Children, tmp: Path, intake: str, tracking: str) -> str:
    """nginx routing the two paths as the gateway does, with keep-alive pools to the services."""
    port = _free_port()
    strip = "http://"
    config = f"""
worker_processes {WORKERS};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream intake {{ server {intake.removeprefix(strip)}; keepalive 64; }}
    upstream tracking {{ server {tracking.removeprefix(strip)}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location ~ ^/api/v1/claims/[^/]+/progress$ {{ proxy_pass http://tracking; }}
        location / {{ proxy_pass http://intake; }}
    }}
}}
"""
    (tmp / "nginx.conf").write_text(config)
    children.start(
        "nginx", [_tool("nginx", "/usr/sbin/nginx"), "-c", str(tmp / "nginx.conf"), "-p", str(tmp)]
    )
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url)
    return url


def _tool(name: str, fallback: str) -> str:
    found = shutil.which(name) or (fallback if Path(fallback).exists() else "")
    if not found:
        raise SystemExit(f"{name} is missing: run `bash scripts/ensure-tools.sh` (apt-get)")
    return found


# --- data -----------------------------------------------------------------------------------


async def _seed(gateway: str) -> tuple[str, str]:
    """One insurer, one policy, one claim (through the gateway, as a user would make it); waits
    until tracking has heard of the claim. Returns (claim id, bearer token)."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:

        async def login(code: str) -> dict[str, str]:
            answer = await client.post("/api/v1/session", json={"code": code})
            answer.raise_for_status()
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        ops = await login("dev-ops:bench")
        insurer = await client.put(
            "/ops/v1/insurers/bench-insurer", json={"name": "Bench"}, headers=ops
        )
        insurer.raise_for_status()
        policy = {
            "holder_user_id": USER,
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
        (await client.put("/ops/v1/policies/P-BENCH", json=policy, headers=ops)).raise_for_status()
        user = await login("dev:bench")
        draft = {
            "policy_id": "P-BENCH",
            "claim_type": "outpatient",
            "incident_date": "2026-11-01",
            "description": "门诊",
        }
        created = await client.post("/api/v1/claims", json=draft, headers=user)
        created.raise_for_status()
        claim_id = created.json()["claim_id"]
        for _ in range(3000):
            if (await client.get(f"/api/v1/claims/{claim_id}/progress", headers=user)).is_success:
                return claim_id, user["Authorization"]
            await asyncio.sleep(0.1)
    raise RuntimeError("tracking never heard of the claim")


@contextmanager
def _databases(kind: str, tmp: Path) -> Iterator[dict[str, str] | None]:
    """Database URLs for intake and tracking: SQLite files, or new PostgreSQL databases."""
    if kind == "SQLite":
        yield {s: f"sqlite+aiosqlite:///{tmp / f'{s}.db'}" for s in ("intake", "tracking")}
        return
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES)
    names = {s: f"lipei_bench_{s}_{os.getpid()}" for s in ("intake", "tracking")}
    try:
        for name in names.values():
            _psql(admin, f'CREATE DATABASE "{name}"')
    except (OSError, RuntimeError) as exc:
        print(f"PostgreSQL at {admin.host}:{admin.port} unavailable ({exc}); skipped\n")
        yield None
        return
    try:
        yield {
            s: admin.set(drivername="postgresql+asyncpg", database=n).render_as_string(
                hide_password=False
            )
            for s, n in names.items()
        }
    finally:
        for name in names.values():
            with suppress(OSError, RuntimeError):
                _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(admin: object, statement: str) -> None:
    import asyncpg

    async def run() -> None:
        url = admin
        conn = await asyncpg.connect(
            host=url.host or "127.0.0.1",  # type: ignore[attr-defined]
            port=url.port or 5432,  # type: ignore[attr-defined]
            user=url.username or "postgres",  # type: ignore[attr-defined]
            password=url.password,  # type: ignore[attr-defined]
            database=url.database or "postgres",  # type: ignore[attr-defined]
            timeout=5,
        )
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    try:
        asyncio.run(run())
    except Exception as exc:
        raise RuntimeError(type(exc).__name__) from exc


# --- load ------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, headers: dict[str, str], connections: int, seconds: float) -> dict[str, float]:
    args = [
        _tool("wrk", "/usr/bin/wrk"),
        "-t2",
        f"-c{connections}",
        f"-d{round(seconds)}s",
        "--latency",
        # a slow answer on a busy machine is slow, not an error (wrk gives up after 2 s)
        "--timeout",
        "10s",
    ]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    percentiles = {
        p: float(v) * _UNITS[u]
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"wrk {url}: no latency figures in\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    read = re.search(r"(\d+) requests in [^,]+, ([\d.]+)(B|KB|MB|GB) read", out)
    size = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
    answer_bytes = (
        float(read.group(2)) * size[read.group(3)] / max(int(read.group(1)), 1) if read else 0.0
    )
    return {
        "answer_bytes": answer_bytes,
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": percentiles["50"],
        "p99": percentiles["99"],
        "errors": errors + (int(non_ok.group(1)) if non_ok else 0),
    }


def _cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) used so far by `roots` and every process they started: unlike
    throughput, it hardly depends on what else the machine runs meanwhile."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    wanted, total, grew = set(roots), 0.0, True
    while grew:
        more = {pid for pid, (parent, _) in stats.items() if parent in wanted} - wanted
        wanted |= more
        grew = bool(more)
    total = sum(stats[pid][1] for pid in wanted if pid in stats)
    return total / os.sysconf("SC_CLK_TCK")


def _etag(url: str, headers: dict[str, str]) -> str | None:
    answer = httpx.get(url, headers=headers, timeout=10)
    answer.raise_for_status()
    return answer.headers.get("etag")


def _check_status(url: str, headers: dict[str, str], expected: int) -> None:
    status = httpx.get(url, headers=headers, timeout=10).status_code
    if status != expected:
        raise RuntimeError(f"{url} answered {status}, not {expected}")


@contextmanager
def _profiling(pids: dict[str, int], label: str) -> Iterator[None]:
    """py-spy records each process (and its workers) while the block runs."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not PROFILE_DIR or not Path(spy).exists():
        yield
        return
    out = Path(PROFILE_DIR)
    out.mkdir(parents=True, exist_ok=True)
    recorders = {
        name: subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--nonblocking",
                "--format",
                "raw",
                "--rate",
                "250",
                "--output",
                str(out / f"{label}-{name}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    }
    time.sleep(1)
    try:
        yield
    finally:
        for recorder in recorders.values():
            recorder.send_signal(2)
            recorder.wait(30)
        for name in pids:
            _print_top(out / f"{label}-{name}.txt", f"{label}: {name}")


# Frames under which every request runs (the interpreter, the server's loop): they say nothing.
_OUTER_FRAMES = re.compile(
    r"^(process|thread|\s)|\((<frozen runpy>|<string>|[^)]*(uvicorn/(main|server|_compat"
    r"|_subprocess|supervisors/\w+)|lipei/cli|asyncio/(runners|base_events|events)|__main__"
    r"|threading|multiprocessing/\w+)\.py)"
)


def _print_top(path: Path, title: str, count: int = 12) -> None:
    """The frames the process spent most samples in, on their own and with what they called."""
    if not path.exists():
        return
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = [f for f in stack.split(";") if not _OUTER_FRAMES.search(f)]
        if not frames:
            continue
        samples += int(n)
        own[frames[-1]] = own.get(frames[-1], 0) + int(n)
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + int(n)
    print(f"\nTop frames, {title} ({samples} samples): own time, then with callees\n")
    for name, table in (("own", own), ("with callees", total)):
        print(f"| {name} % | frame |\n| ---: | --- |")
        for frame, n in sorted(table.items(), key=lambda kv: -kv[1])[:count]:
            print(f"| {100 * n / samples:.1f} | `{frame}` |")
        print()


# --- the run -------------------------------------------------------------------------------


def _measure(
    kind: str,
    targets: dict[str, str],
    profiled: dict[str, int],
    servers: dict[str, int],
    claim_id: str,
    bearer: str,
    rows: list[Row],
) -> None:
    """Each row's figures from wrk, and the CPU every server process (services, gateway, nginx
    and their workers) spent per request meanwhile."""
    from lipei.web import INTERNAL_TOKEN_HEADER, USER_HEADER

    identity = {INTERNAL_TOKEN_HEADER: TOKEN, USER_HEADER: USER}
    auth = {"direct": identity, "nginx": identity, "gateway": {"Authorization": bearer}}
    paths = {
        "/api/v1/claims/{id}": (f"/api/v1/claims/{claim_id}", "intake_service"),
        "/api/v1/claims/{id}/progress": (f"/api/v1/claims/{claim_id}/progress", "tracking_service"),
    }
    for template, (path, service) in paths.items():
        urls = {
            "direct": targets[service],
            "nginx": targets["nginx"],
            "gateway": targets["gateway"],
        }
        etag = _etag(urls["direct"] + path, identity)
        variants = [(200, {})] + ([(304, {"If-None-Match": etag})] if etag else [])
        for status, extra in variants:
            for target, base in urls.items():
                _check_status(base + path, {**auth[target], **extra}, status)
            for connections in CONNECTIONS:
                for target, base in urls.items():
                    profile = (
                        PROFILE_DIR
                        and target == "gateway"
                        and status == 200
                        and template == "/api/v1/claims/{id}"
                        and connections == max(CONNECTIONS)
                    )
                    headers = {**auth[target], **extra}
                    _wrk(base + path, headers, connections, 1)  # warm the pools
                    proxy = [servers[target]] if target in servers else []
                    used = _cpu_seconds(list(servers.values()))
                    proxy_used = _cpu_seconds(proxy)
                    result = _wrk(base + path, headers, connections, SECONDS)
                    spent = _cpu_seconds(list(servers.values())) - used
                    proxy_spent = _cpu_seconds(proxy) - proxy_used
                    requests = max(result.pop("requests"), 1)
                    rows.append(
                        Row(
                            kind,
                            template,
                            status,
                            connections,
                            target,
                            **result,
                            cpu_us=spent / requests * 1e6,
                            proxy_cpu_us=proxy_spent / requests * 1e6 if proxy else None,
                        )
                    )
                    if profile:  # a run of its own: the sampling costs a little CPU
                        with _profiling(profiled, f"{kind}-claim-c{connections}"):
                            _wrk(base + path, headers, connections, SECONDS)
        if not etag:
            print(f"({template} sends no ETag: no 304 rows)")


def _run_database(kind: str, tmp: Path, broker: str, rows: list[Row]) -> None:
    """Adds the database's rows to `rows` as they are measured."""
    with _databases(kind, tmp) as urls:
        if urls is None:
            return
        children = Children(tmp)
        try:
            intake = _service(children, "intake_service", urls["intake"], broker, tmp)
            tracking = _service(children, "tracking_service", urls["tracking"], broker, tmp)
            gateway, gateway_pid = _gateway(children, intake, tracking)
            nginx = _nginx(children, tmp, intake, tracking)
            claim_id, bearer = asyncio.run(_seed(gateway))
            targets = {
                "intake_service": intake,
                "tracking_service": tracking,
                "nginx": nginx,
                "gateway": gateway,
            }
            profiled = {"gateway": gateway_pid, "intake": children.pids["intake_service"]}
            _measure(kind, targets, profiled, children.pids, claim_id, bearer, rows)
        finally:
            children.stop()


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else "–"


def _print(rows: list[Row]) -> None:
    print(
        f"wrk, {SECONDS:g} s a row, {WORKERS} worker process(es) per service and gateway, "
        f"nginx with {WORKERS} workers; loopback, 2 cores shared with whatever else runs. "
        "Server CPU: what the services, the gateway and nginx used per request, together; "
        "proxy CPU: the gateway's or nginx's own part of it.\n"
    )
    print(
        "| db | path | answer | conns | target | req/s | p50 ms | p99 ms | errors "
        "| req/s vs direct | p50 vs direct | p99 vs direct | bytes/answer | server CPU µs/req "
        "| proxy CPU µs/req |"
    )
    print(
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |"
    )
    verdicts = []
    for row in rows:
        direct = next(
            r
            for r in rows
            if (r.database, r.path, r.status, r.connections, r.target)
            == (row.database, row.path, row.status, row.connections, "direct")
        )
        print(
            f"| {row.database} | {row.path} | {row.status} | {row.connections} | {row.target} "
            f"| {row.rps:.0f} | {row.p50:.2f} | {row.p99:.2f} | {row.errors} "
            f"| {_ratio(row.rps, direct.rps)} | {_ratio(row.p50, direct.p50)} "
            f"| {_ratio(row.p99, direct.p99)} | {row.answer_bytes:.0f} | {row.cpu_us:.0f} "
            f"| {'' if row.proxy_cpu_us is None else f'{row.proxy_cpu_us:.0f}'} |"
        )
        if row.target == "gateway":
            nginx = next(
                r
                for r in rows
                if (r.database, r.path, r.status, r.connections, r.target)
                == (row.database, row.path, row.status, row.connections, "nginx")
            )
            verdicts.append(
                f"| {row.database} | {row.path} | {row.status} | {row.connections} "
                f"| {_ratio(row.rps, nginx.rps)} | {row.p50 - nginx.p50:+.2f} |"
            )
    print("\nThe gateway beside nginx (targets: ≥ 0.95× the throughput, ≤ +2 ms at p50)\n")
    print("| db | path | answer | conns | gateway req/s vs nginx | gateway p50 − nginx p50 ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    print("\n".join(verdicts))


def main() -> int:
    from lipei_dev.broker import LocalBroker

    with tempfile.TemporaryDirectory(prefix="lipei-bench-reads-") as name:
        tmp = Path(name)
        rows: list[Row] = []
        failed = False
        with LocalBroker(port=_free_port(), log_path=tmp / "broker.log") as broker:
            for kind in ("SQLite", "PostgreSQL"):
                part = tmp / kind
                part.mkdir()
                try:
                    _run_database(kind, part, broker.bootstrap_servers, rows)
                except (RuntimeError, subprocess.CalledProcessError, httpx.HTTPError) as exc:
                    print(f"{kind}: the run failed ({exc}); its rows are missing\n")
                    failed = True
    _print(rows)
    return 0 if rows and not failed and all(r.errors == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

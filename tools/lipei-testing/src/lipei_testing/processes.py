"""The platform as `make run` runs it, for fault tests: the real broker and each service in a
process of its own, under `make run`'s supervisor, on ports of the caller's choosing.

A thread polls the supervisor, so a killed service comes back by itself while the caller's
event loop drives traffic; `hold`/`resume` keep one down on purpose (a broker outage).
"""

from __future__ import annotations

import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from lipei_dev.broker import broker_command, free_port, port_open, wait_for_port
from lipei_dev.outbox_replay import replay_outboxes
from lipei_dev.ports import Ports
from lipei_dev.supervisor import ChildSpec, RestartPolicy, Supervisor, process_launcher

ROOT = Path(__file__).resolve().parents[4]


@dataclass
class ProcessPlatform:
    ports: Ports
    var: Path
    database_urls: dict[str, str]  # service package: its database
    supervisor: Supervisor
    said: list[str] = field(default_factory=list)
    replica_ports: dict[str, int] = field(default_factory=dict)  # a second replica: its port

    @property
    def gateway_url(self) -> str:
        return self.ports.gateway_url

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.ports.broker}"

    def url(self, package: str) -> str:
        return self.ports.url(self.ports.services[package])

    def log(self, name: str) -> Path:
        return self.var / "logs" / f"{name}.log"

    def restarts(self, name: str) -> int:
        return self.supervisor.starts(name) - 1

    def wait_healthy(self, name: str, timeout: float = 120.0) -> float:
        """Seconds until `name` (a service package, `gateway` or `broker`) answers again."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if name == "broker":
                if port_open("127.0.0.1", self.ports.broker):
                    return time.monotonic() - started
            elif _healthy(self._health_url(name)):
                return time.monotonic() - started
            time.sleep(0.1)
        raise TimeoutError(f"{name} not healthy within {timeout:.0f} s; see {self.log(name)}")

    def _health_url(self, name: str) -> str:
        if name == "gateway":
            port = self.ports.gateway
        else:
            port = self.replica_ports.get(name) or self.ports.services[name]
        return f"{self.ports.url(port)}/healthz"


def free_ports() -> Ports:
    """A port base whose twelve ports are free, and a free port for the broker."""
    for _ in range(50):
        base = free_port()
        if base <= 65535 - 11 and not any(port_open("127.0.0.1", base + i) for i in range(12)):
            return Ports(base=base, broker=free_port())
    raise RuntimeError("no free range of ports")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def running_processes(
    *,
    ports: Ports,
    var: Path,
    database_urls: dict[str, str],
    env: dict[str, str] | None = None,
    service_env: dict[str, dict[str, str]] | None = None,
    standins: bool = False,
    policy: RestartPolicy | None = None,
) -> Iterator[ProcessPlatform]:
    """Start the broker, the stand-ins (when asked), each service of `database_urls` and the
    gateway; stop them all on leaving. `service_env[name]` adds settings for one child (a
    second replica is a name of its own with `PACKAGE` set to the service it runs)."""
    (var / "logs").mkdir(parents=True, exist_ok=True)
    for port in [ports.broker, ports.gateway, *ports.services.values()]:
        if port_open("127.0.0.1", port):
            raise RuntimeError(f"port {port} is taken: choose another LIPEI_PORT_BASE")
    said: list[str] = []
    supervisor = Supervisor(
        process_launcher(ROOT, var / "logs"),
        policy=policy or RestartPolicy(),
        say=said.append,
    )
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports.broker}",
        "STORAGE_URL": str(var / "documents"),
        "OUTBOX_POLL_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
        **ports.provider_env(),
        **(env or {}),
    }
    children = _service_children(ports, database_urls, common, service_env or {})
    # One replay per database: replicas share theirs.
    databases = {spec.env["DATABASE_URL"]: spec for spec in children}
    replay = partial(
        replay_outboxes,
        {spec.name: spec.env for spec in databases.values()},
        broker_port=ports.broker,
        say=said.append,
    )
    replicas = {
        spec.name: int(spec.env["PORT"]) for spec in children if spec.name not in ports.services
    }
    platform = ProcessPlatform(ports, var, database_urls, supervisor, said, replicas)
    stop = threading.Event()
    watcher = threading.Thread(target=_supervise, args=(supervisor, stop), daemon=True)
    try:
        supervisor.start(ChildSpec("broker", broker_command(ports.broker), after_restart=replay))
        if not wait_for_port(ports.broker):
            raise RuntimeError(f"the broker did not listen; see {platform.log('broker')}")
        if standins:
            args = [
                "--wechat-port",
                str(ports.wechat),
                "--tencentcloud-port",
                str(ports.tencentcloud),
            ]
            supervisor.start(
                ChildSpec("standins", [sys.executable, "-m", "lipei_dev.standins", *args], common)
            )
        for spec in children:
            supervisor.start(spec)
        gateway_env = {**common, **ports.gateway_env(), **(service_env or {}).get("gateway", {})}
        supervisor.start(ChildSpec("gateway", [sys.executable, "-m", "gateway"], gateway_env))
        watcher.start()
        for spec in children:
            platform.wait_healthy(spec.name)
        platform.wait_healthy("gateway")
        yield platform
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
        supervisor.stop_all()


def _service_children(
    ports: Ports,
    database_urls: dict[str, str],
    common: dict[str, str],
    service_env: dict[str, dict[str, str]],
) -> list[ChildSpec]:
    children = []
    for name, url in database_urls.items():
        extra = service_env.get(name, {})
        package = extra.get("PACKAGE", name)
        env = {**common, "PORT": str(ports.services.get(name, 0)), "DATABASE_URL": url, **extra}
        children.append(ChildSpec(name, [sys.executable, "-m", package, "serve"], env))
    return children


def _standins_command(ports: Ports) -> list[str]:
    return [
        *(sys.executable, "-m", "lipei_dev.standins"),
        *("--wechat-port", str(ports.wechat), "--tencentcloud-port", str(ports.tencentcloud)),
    ]


def _supervise(supervisor: Supervisor, stop: threading.Event) -> None:
    while not stop.wait(0.2):
        supervisor.poll()

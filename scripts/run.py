"""`make run`: the whole platform on one machine, supervised.

Starts the local broker (unless KAFKA_BOOTSTRAP_SERVERS names one), the provider stand-ins, the
services on SQLite and local storage under ./var, the gateway and the web console, seeds the dev
insurer, and prints the gateway's and the console's URLs. A child that dies is started again
after a backoff (lipei_dev.supervisor); after the broker restarts, every service's outbox
retention window is published again. Ctrl-C stops every child, and so does a child that fails at
once five times in a row; a second run finds its data again in ./var.

LIPEI_PORT_BASE (default 8000) moves every port, LIPEI_BROKER_PORT (default 9092) the broker's,
and LIPEI_VAR_DIR (default ./var) the data: several platforms can run side by side.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

from lipei_dev.ports import Ports
from lipei_dev.supervisor import (
    ChildSpec,
    GaveUp,
    Process,
    RestartPolicy,
    Supervisor,
    process_launcher,
)

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("LIPEI_VAR_DIR") or ROOT / "var").resolve()
PYTHON = sys.executable
PORTS = Ports.from_env()
GATEWAY_URL = PORTS.gateway_url


def dev_keys() -> dict[str, str]:
    """The dev key pair OCR seals document fields with; made once, kept in ./var."""
    from lipei.sealing import generate_keypair

    path = VAR / "dev-keys.json"
    if not path.exists():
        private, public = generate_keypair()
        path.write_text(json.dumps({"fields_private_key": private, "fields_public_key": public}))
        path.chmod(0o600)
    keys: dict[str, str] = json.loads(path.read_text())
    return keys


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_once(name: str, args: list[str], env: dict[str, str]) -> None:
    env = {**os.environ, **env}
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stdout}{result.stderr}")


def wait_healthy(url: str, supervisor: Supervisor, timeout: float = 90) -> None:
    """Poll `url` while supervising: a child that dies during start-up is restarted too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        supervisor.poll()
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s; see {VAR / 'logs'}")


def service_specs(common: dict[str, str]) -> list[ChildSpec]:
    """Each service on its SQLite database in VAR; intake migrated and seeded first."""
    specs = []
    for package, port in PORTS.services.items():
        env = {
            **common,
            "PORT": str(port),
            "DATABASE_URL": f"sqlite+aiosqlite:///{VAR / package.split('_')[0]}.db",
        }
        if package == "intake_service" and has_module("intake_service.seed"):
            run_once("intake migrate", [PYTHON, "-m", package, "migrate"], env)
            run_once("seed", [PYTHON, "-m", "intake_service.seed"], env)
        specs.append(ChildSpec(package, [PYTHON, "-m", package, "serve"], env))
    return specs


def broker_spec(services: list[ChildSpec]) -> ChildSpec:
    from lipei_dev.broker import broker_command, port_open
    from lipei_dev.outbox_replay import replay_outboxes

    if port_open("127.0.0.1", PORTS.broker):
        raise SystemExit(
            f"port {PORTS.broker} is taken: stop what uses it, set LIPEI_BROKER_PORT, "
            "or set KAFKA_BOOTSTRAP_SERVERS to use that Kafka"
        )
    replay = partial(
        replay_outboxes,
        {spec.name: spec.env for spec in services},
        broker_port=PORTS.broker,
    )
    return ChildSpec("broker", broker_command(PORTS.broker), after_restart=replay)


def start_platform(supervisor: Supervisor) -> None:
    from lipei_dev.broker import wait_for_port

    keys = dev_keys()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap or f"127.0.0.1:{PORTS.broker}",
        "STORAGE_URL": str(VAR / "documents"),
        "FIELDS_PRIVATE_KEY": keys["fields_private_key"],
        "FIELDS_PUBLIC_KEY": keys["fields_public_key"],
        **PORTS.provider_env(),
    }
    services = service_specs(common)
    if not bootstrap:
        supervisor.start(broker_spec(services))
        if not wait_for_port(PORTS.broker):
            raise SystemExit(f"the broker did not listen on {PORTS.broker}; see {VAR / 'logs'}")
    if has_module("lipei_dev.standins.__main__"):
        args = ["--wechat-port", str(PORTS.wechat), "--tencentcloud-port", str(PORTS.tencentcloud)]
        supervisor.start(ChildSpec("standins", [PYTHON, "-m", "lipei_dev.standins", *args]))
    for spec in services:
        supervisor.start(spec)
    gateway_env = {**common, **PORTS.gateway_env()}
    supervisor.start(ChildSpec("gateway", [PYTHON, "-m", "gateway"], gateway_env))
    # the console keeps no data: it calls the gateway with the logged-in person's token
    console_env = {"PORT": str(PORTS.console), "GATEWAY_URL": GATEWAY_URL}
    supervisor.start(ChildSpec("console", [PYTHON, "-m", "console", "serve"], console_env))
    for port in (*PORTS.services.values(), PORTS.console):
        wait_healthy(f"http://127.0.0.1:{port}/healthz", supervisor)
    wait_healthy(f"{GATEWAY_URL}/healthz", supervisor)


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    launch = process_launcher(ROOT, VAR / "logs")

    def launch_and_say(spec: ChildSpec) -> Process:
        process = launch(spec)
        print(f"  started {spec.name} (pid {process.pid}, log {VAR / 'logs' / spec.name}.log)")
        return process

    supervisor = Supervisor(launch_and_say, policy=RestartPolicy())

    def _terminate(*_: object) -> None:
        raise KeyboardInterrupt

    # A closed terminal (SIGHUP) or a kill stops the platform as Ctrl-C does.
    for signum in STOP_SIGNALS[1:]:
        signal.signal(signum, _terminate)
    try:
        start_platform(supervisor)
        print(f"\nLipei is up: {GATEWAY_URL}  (OpenAPI: {GATEWAY_URL}/openapi.json)")
        print(
            f"Console: {GATEWAY_URL}/console/  (butlers log in with dev-butler:<butler_id>, "
            "ops with dev-ops:<name>)"
        )
        print('Log in with POST /api/v1/session {"code": "dev:alice"}. Ctrl-C stops everything.')
        print(
            "Metrics: http://127.0.0.1:<port>/metrics of each service, the gateway's on "
            f":{PORTS.gateway_metrics}; JSON log lines in {VAR / 'logs'} (LOG_FORMAT=text for "
            "plain ones)."
        )
        while True:
            supervisor.poll()
            time.sleep(0.5)
    except GaveUp as exc:
        print(f"{exc}; see {VAR / 'logs'}")
        return 1
    except KeyboardInterrupt:
        print("\nstopping…")
        return 0
    finally:
        for signum in STOP_SIGNALS:  # a second Ctrl-C must not cut the clean-up short
            signal.signal(signum, signal.SIG_IGN)
        supervisor.stop_all()


if __name__ == "__main__":
    sys.exit(main())

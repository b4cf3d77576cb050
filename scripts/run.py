"""`make run`: the whole platform on one machine.

Starts the local broker (unless KAFKA_BOOTSTRAP_SERVERS names one), the provider stand-ins, the
services on SQLite and local storage under ./var, the gateway and the web console, seeds the dev
insurer, and prints the gateway's and the console's URLs. Ctrl-C stops every child; a second run finds its data again in ./var.

LIPEI_PORT_BASE (default 8000) moves every port, LIPEI_BROKER_PORT (default 9092) the broker's,
and LIPEI_VAR_DIR (default ./var) the data: several platforms can run side by side.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from lipei_dev.ports import Ports

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


def die_with_parent(parent: int) -> None:
    """In a child before exec (Linux): SIGTERM it if this script dies without stopping it."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the script was already gone
        os._exit(1)


class Children:
    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = open(VAR / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child)
        parent = os.getpid()
        # Own session: a Ctrl-C reaches this script alone, which stops the children in order.
        proc = subprocess.Popen(
            args,
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: die_with_parent(parent),
        )
        self.procs.append((name, proc))
        print(f"  started {name} (pid {proc.pid}, log {VAR / 'logs' / name}.log)")

    def run_once(self, name: str, args: list[str], env: dict[str, str]) -> None:
        result = subprocess.run(
            args, env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"{name} failed:\n{result.stdout}{result.stderr}")

    def exited(self) -> list[str]:
        return [name for name, proc in self.procs if proc.poll() is not None]

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_healthy(url: str, children: Children, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = children.exited()
        if dead:
            raise SystemExit(f"{', '.join(dead)} stopped during start-up; see {VAR / 'logs'}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s; see {VAR / 'logs'}")


def main() -> int:
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    keys = dev_keys()
    children = Children()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")

    def _terminate(*_: object) -> None:
        raise KeyboardInterrupt

    # A closed terminal (SIGHUP) or a kill stops the platform as Ctrl-C does.
    for signum in STOP_SIGNALS[1:]:
        signal.signal(signum, _terminate)
    try:
        if not bootstrap:
            from lipei_dev.broker import port_open

            if port_open("127.0.0.1", PORTS.broker):
                raise SystemExit(
                    f"port {PORTS.broker} is taken: stop what uses it, set LIPEI_BROKER_PORT, "
                    "or set KAFKA_BOOTSTRAP_SERVERS to use that Kafka"
                )
            bootstrap = f"127.0.0.1:{PORTS.broker}"
            children.start(
                "broker", [PYTHON, "-m", "lipei_dev.broker", "--port", str(PORTS.broker)], {}
            )
        common = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "STORAGE_URL": str(VAR / "documents"),
            "FIELDS_PRIVATE_KEY": keys["fields_private_key"],
            "FIELDS_PUBLIC_KEY": keys["fields_public_key"],
            **PORTS.provider_env(),
        }
        if has_module("lipei_dev.standins.__main__"):
            children.start(
                "standins",
                [
                    PYTHON,
                    "-m",
                    "lipei_dev.standins",
                    "--wechat-port",
                    str(PORTS.wechat),
                    "--tencentcloud-port",
                    str(PORTS.tencentcloud),
                ],
                {},
            )
        for package, port in PORTS.services.items():
            env = {
                **common,
                "PORT": str(port),
                "DATABASE_URL": f"sqlite+aiosqlite:///{VAR / package.split('_')[0]}.db",
            }
            if package == "intake_service" and has_module("intake_service.seed"):
                children.run_once("intake migrate", [PYTHON, "-m", package, "migrate"], env)
                children.run_once("seed", [PYTHON, "-m", "intake_service.seed"], env)
            children.start(package, [PYTHON, "-m", package, "serve"], env)
        gateway_env = {**common, **PORTS.gateway_env()}
        children.start("gateway", [PYTHON, "-m", "gateway"], gateway_env)
        # the console keeps no data: it calls the gateway with the logged-in person's token
        console_env = {"PORT": str(PORTS.console), "GATEWAY_URL": GATEWAY_URL}
        children.start("console", [PYTHON, "-m", "console", "serve"], console_env)
        for port in (*PORTS.services.values(), PORTS.console):
            wait_healthy(f"http://127.0.0.1:{port}/healthz", children)
        wait_healthy(f"{GATEWAY_URL}/healthz", children)
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
            dead = children.exited()
            if dead:
                print(f"{', '.join(dead)} stopped unexpectedly; see {VAR / 'logs'}. Stopping.")
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping…")
        return 0
    finally:
        for signum in STOP_SIGNALS:  # a second Ctrl-C must not cut the clean-up short
            signal.signal(signum, signal.SIG_IGN)
        children.stop()


if __name__ == "__main__":
    sys.exit(main())

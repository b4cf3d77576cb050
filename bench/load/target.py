"""The platform under load: `scripts/run.py` (what `make run` starts) on ports and a data folder
of the bench's own, or one already running (`LOAD_ATTACH=1`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from lipei_dev.ports import Ports

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Platform:
    ports: Ports
    var: Path
    run_pid: int | None  # scripts/run.py, whose children are the platform's processes

    @property
    def gateway(self) -> str:
        return self.ports.gateway_url

    def service_url(self, package: str) -> str:
        return self.ports.url(self.ports.services[package])

    @property
    def wechat(self) -> str:
        return self.ports.url(self.ports.wechat)

    @property
    def tencentcloud(self) -> str:
        return self.ports.url(self.ports.tencentcloud)

    @property
    def bootstrap(self) -> str:
        return os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or f"127.0.0.1:{self.ports.broker}"


def platform_env(wechat_rate: float) -> dict[str, str]:
    """What the bench changes of `make run`'s settings: a load from one address must not meet
    the per-IP rate limit, and notify keeps to the pace the WeChat stand-in allows."""
    return {
        "RATE_LIMIT_USER_PER_MINUTE": "100000",
        "RATE_LIMIT_IP_PER_MINUTE": "10000000",
        "LOG_LEVEL": "WARNING",
        "WECHAT_STANDIN_RATE_LIMIT": str(wechat_rate),
        "WECHAT_RATE_PER_SECOND": str(wechat_rate),
        "UPSTREAM_TIMEOUT_SECONDS": "30",
    }


def _wait(url: str, proc: subprocess.Popen[bytes] | None, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"scripts/run.py stopped (exit {proc.returncode}); see its logs")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def platform(var: Path, wechat_rate: float) -> Iterator[Platform]:
    ports = Ports.from_env(
        {
            **os.environ,
            "LIPEI_PORT_BASE": os.environ.get("LIPEI_PORT_BASE", "18000"),
            "LIPEI_BROKER_PORT": os.environ.get("LIPEI_BROKER_PORT", "19092"),
        }
    )
    if os.environ.get("LOAD_ATTACH") == "1":
        _wait(ports.gateway_url, None)
        yield Platform(ports, Path(os.environ.get("LIPEI_VAR_DIR") or ROOT / "var"), None)
        return
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LIPEI_PORT_BASE": str(ports.base),
        "LIPEI_BROKER_PORT": str(ports.broker),
        "LIPEI_VAR_DIR": str(var),
        **platform_env(wechat_rate),
    }
    log = (var / "run.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run.py")],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait(ports.gateway_url, proc)
        yield Platform(ports, var, proc.pid)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # as Ctrl-C: run.py stops its children in order
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()

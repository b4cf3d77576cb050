"""The local broker says plainly why it cannot start."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from lipei_dev.broker import BrokerUnavailable, LocalBroker, free_port


def test_a_missing_broker_binary_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIPEI_TANSU_BIN", str(tmp_path / "no-such-tansu"))
    with pytest.raises(BrokerUnavailable, match="cannot run the Tansu broker"):
        LocalBroker(port=free_port()).start(timeout=2)


def test_a_taken_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BrokerUnavailable, match=f"port {port} is already in use"):
            LocalBroker(port=port).start(timeout=2)

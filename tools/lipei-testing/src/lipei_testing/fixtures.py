"""pytest fixtures shared by every test suite of the project (loaded from the root conftest)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from lipei_dev.broker import LocalBroker, free_port
from lipei_testing.databases import create_database, drop_database
from lipei_testing.platform import Platform, running_platform


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalBroker]:
    """A fresh, empty local broker per test (Tansu, memory only), so tests never share topics."""
    local = LocalBroker(port=free_port(), log_path=tmp_path / "broker.log")
    with local:
        yield local


@pytest.fixture
def bootstrap_servers(request: pytest.FixtureRequest) -> str:
    """KAFKA_BOOTSTRAP_SERVERS when the suite is pointed at another Kafka, else a local broker."""
    external = os.environ.get("LIPEI_TEST_KAFKA_BOOTSTRAP_SERVERS")
    if external:
        return external
    local: LocalBroker = request.getfixturevalue("broker")
    return local.bootstrap_servers


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    url = await create_database("db", tmp_path)
    yield url
    await drop_database(url)


@pytest.fixture
async def platform(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[Platform]:
    async with running_platform(bootstrap_servers=bootstrap_servers, tmp_dir=tmp_path) as p:
        yield p

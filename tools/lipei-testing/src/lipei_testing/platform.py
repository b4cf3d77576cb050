"""The whole platform in one event loop: the services, the gateway and the web console over real
HTTP on loopback, each service with its own fresh database, all talking through a real
Kafka-protocol broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from lipei.clock import MovableClock
from lipei_dev.broker import free_port
from lipei_testing.databases import create_database, drop_database
from lipei_testing.servers import serving

INTERNAL_TOKEN = "test-internal-token"
SERVICES = ("intake", "ocr", "tracking", "notify", "butler", "assessment")


@dataclass
class Platform:
    gateway_url: str
    service_urls: dict[str, str]
    apps: dict[str, Any]
    clock: MovableClock
    database_urls: dict[str, str]
    client: httpx.AsyncClient
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def console_url(self) -> str:
        """The console's pages through the gateway, as a browser reaches them."""
        return f"{self.gateway_url}/console/"

    @property
    def gateway_metrics_url(self) -> str:
        """Where the gateway serves `/metrics` (a port of its own, never the public one)."""
        url: str = self.apps["gateway"].state.metrics_url
        return url

    def runtime(self, service: str) -> Any:
        return self.apps[service].state.runtime

    async def login(self, code: str) -> dict[str, str]:
        """Sign in through the gateway; returns headers carrying the bearer token."""
        response = await self.client.post("/api/v1/session", json={"code": code})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def wait_until(
    predicate: Callable[[], Any],
    *,
    timeout: float = 30.0,  # noqa: ASYNC109 (a polling deadline, not a cancellation scope)
    interval: float = 0.1,
) -> Any:
    """Poll an (async or sync) predicate until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)


def _settings(service: str, **values: Any) -> Any:
    if service == "intake":
        from intake_service.settings import Settings as IntakeSettings

        return IntakeSettings(**values)
    if service == "ocr":
        from ocr_service.settings import Settings as OcrSettings

        return OcrSettings(**values)
    if service == "tracking":
        from tracking_service.settings import Settings as TrackingSettings

        return TrackingSettings(**values)
    if service == "butler":
        from butler_service.settings import Settings as ButlerSettings

        return ButlerSettings(**values)
    if service == "assessment":
        from assessment_service.settings import Settings as AssessmentSettings

        return AssessmentSettings(**values)
    from notify_service.settings import Settings as NotifySettings

    return NotifySettings(**values)


def _create_app(service: str, settings: Any, clock: MovableClock) -> Any:
    if service == "intake":
        from intake_service.app import create_app as intake_app

        return intake_app(settings, clock=clock)
    if service == "ocr":
        from ocr_service.app import create_app as ocr_app

        return ocr_app(settings, clock=clock)
    if service == "tracking":
        from tracking_service.app import create_app as tracking_app

        return tracking_app(settings, clock=clock)
    if service == "butler":
        from butler_service.app import create_app as butler_app

        return butler_app(settings, clock=clock)
    if service == "assessment":
        from assessment_service.app import create_app as assessment_app

        return assessment_app(settings, clock=clock)
    from notify_service.app import create_app as notify_app

    return notify_app(settings, clock=clock)


def _console_app(gateway_url: str, values: dict[str, Any]) -> Any:
    from console.app import create_app as console_app
    from console.settings import Settings as ConsoleSettings

    return console_app(ConsoleSettings(**{"gateway_url": gateway_url, **values}))


@asynccontextmanager
async def running_platform(
    *,
    bootstrap_servers: str,
    tmp_dir: Path,
    clock: MovableClock | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    services: tuple[str, ...] = SERVICES,
) -> AsyncIterator[Platform]:
    """Start `services` and the gateway; `overrides[service]` adds settings for one service."""
    from gateway.app import create_app as gateway_app
    from gateway.express_protocol import GatewayHttpProtocol
    from gateway.settings import Settings as GatewaySettings

    clock = clock or MovableClock()
    overrides = overrides or {}
    common = {
        "kafka_bootstrap_servers": bootstrap_servers,
        "internal_token": INTERNAL_TOKEN,
        "outbox_poll_seconds": 0.2,
    }
    database_urls: dict[str, str] = {}
    async with AsyncExitStack() as stack:
        apps: dict[str, Any] = {}
        urls: dict[str, str] = {}
        for service in services:
            database_urls[service] = await create_database(service, tmp_dir)
            stack.push_async_callback(drop_database, database_urls[service])
            settings = _settings(
                service,
                **{
                    **common,
                    "database_url": database_urls[service],
                    # notify looks policyholders up in intake (started before it), and the
                    # butler service keys document fields in through it.
                    **(
                        {"intake_url": urls["intake"]}
                        if service in ("notify", "butler") and "intake" in urls
                        else {}
                    ),
                    **overrides.get(service, {}),
                },
            )
            apps[service] = _create_app(service, settings, clock)
            urls[service] = await stack.enter_async_context(serving(apps[service]))
        # The gateway and the console each call the other: the console's port comes first.
        console_port = free_port()
        gateway_settings = GatewaySettings(
            **{
                **common,
                "metrics_port": 0,  # any free port: tests run side by side
                **{f"{name}_url": url for name, url in urls.items()},
                "console_url": f"http://127.0.0.1:{console_port}",
                **overrides.get("gateway", {}),
            }
        )
        apps["gateway"] = gateway_app(gateway_settings)
        gateway_url = await stack.enter_async_context(
            serving(apps["gateway"], http=GatewayHttpProtocol)
        )
        apps["console"] = _console_app(gateway_url, overrides.get("console", {}))
        urls["console"] = await stack.enter_async_context(
            serving(apps["console"], port=console_port)
        )
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=gateway_url, timeout=30.0)
        )
        yield Platform(
            gateway_url=gateway_url,
            service_urls=urls,
            apps=apps,
            clock=clock,
            database_urls=database_urls,
            client=client,
        )


async def upload(platform: Platform, headers: dict[str, str], claim_id: str, sample: Any) -> str:
    """Uploads a generated document (an `ocr_synth.Sample`) to the claim; returns its id."""
    answer = await platform.client.post(
        f"/api/v1/claims/{claim_id}/documents",
        headers=headers,
        data={"doc_type": sample.doc_type},
        files={"file": (sample.file, sample.data, "application/octet-stream")},
    )
    assert answer.status_code == 202, answer.text
    document_id: str = answer.json()["document_id"]
    return document_id

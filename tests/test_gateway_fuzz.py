"""Property-based tests of the whole public API through the gateway's merged OpenAPI document.

schemathesis generates requests for every operation (authenticated as a dev ops user, who may
call both the policyholder and the ops API) and runs its default checks: no server errors, status
codes, content types, headers and bodies as documented, schema-violating requests refused.
`LIPEI_FUZZ_EXAMPLES` sets the examples per operation (`make fuzz` runs a deeper pass).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.routing import ROUTES
from lipei.testing.platform import running_platform

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LIPEI_FUZZ_EXAMPLES", "10"))


@pytest.fixture
def platform_url(bootstrap_servers: str, tmp_path: Path) -> Iterator[str]:
    """The platform in its own thread and event loop, so a blocking client can drive it."""
    ready: dict[str, str] = {}
    started = threading.Event()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve() -> None:
        overrides = {"gateway": {"rate_limit_user_per_minute": 0, "rate_limit_ip_per_minute": 0}}
        try:
            async with running_platform(
                bootstrap_servers=bootstrap_servers, tmp_dir=tmp_path, overrides=overrides
            ) as platform:
                ready["url"] = platform.gateway_url
                started.set()
                await stop.wait()
        finally:
            started.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    started.wait(120)
    assert "url" in ready, "the platform did not start"
    try:
        yield ready["url"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(60)


def _own_draft(platform_url: str, headers: dict[str, str]) -> str:
    policy = {
        "holder_user_id": "ops-fuzz",
        "insurer_code": "demo-insurer",
        "product_name": "门急诊医疗险",
        "insured_name": "张三",
        "insured_id_number": "110101199003071234",
        "coverage": ["outpatient"],
        "region_code": "310000",
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "sum_insured": "20000.00",
    }
    put = httpx.put(f"{platform_url}/ops/v1/policies/P-FUZZ", json=policy, headers=headers)
    assert put.status_code == 200, put.text
    draft = {
        "policy_id": "P-FUZZ",
        "claim_type": "outpatient",
        "incident_date": "2026-11-01",
        "description": "门诊",
    }
    created = httpx.post(f"{platform_url}/api/v1/claims", json=draft, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["claim_id"])


@pytest.mark.timeout(3600)
def test_the_public_api_keeps_its_openapi_promises(platform_url: str, tmp_path: Path) -> None:
    login = httpx.post(f"{platform_url}/api/v1/session", json={"code": "dev-ops:fuzz"})
    token = login.json()["access_token"]
    document = httpx.get(f"{platform_url}/openapi.json").json()
    assert {"bearer", "partnerSignature"} <= set(document["components"]["securitySchemes"])
    assert {route.template for route in ROUTES} <= set(document["paths"])
    assert not [path for path in document["paths"] if path.startswith("/internal")]
    # A claim of the fuzzing user's own, so the claim routes are exercised past their 404.
    claim_id = _own_draft(platform_url, {"Authorization": f"Bearer {token}"})
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\nclaim_id = "{claim_id}"\n')

    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{platform_url}/openapi.json",
            "--url",
            platform_url,
            "-H",
            f"Authorization: Bearer {token}",
            "--max-examples",
            str(EXAMPLES),
            # A schema cannot say "a policy of yours", "a cursor we issued" or "agreed must be
            # true": valid-looking requests refused for such reasons are not findings.
            "--exclude-checks",
            "positive_data_acceptance",
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "20261122",
            "--request-timeout",
            "30",
            "--generation-database",
            "none",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=3000,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]

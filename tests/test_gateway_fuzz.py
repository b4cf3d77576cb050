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
from lipei_testing.platform import running_platform

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


# Signs each partner request as API.md says, over the exact bytes sent.
PARTNER_HOOKS = """
import hashlib, hmac, itertools, json, os, time
from urllib.parse import unquote

import schemathesis
from schemathesis.core import NotSet

# Each request a timestamp of its own within the window, so no two signatures repeat (a repeat
# is refused as a replay).
AGES = itertools.cycle(range(250))


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    if not case.path.startswith("/partner/") or "X-Lipei-Signature" not in headers:
        return  # not a partner call, or one testing a missing signature: left as generated
    if isinstance(case.body, dict) and "claim_id" in case.body:
        case.body["claim_id"] = os.environ["FUZZ_CLAIM_ID"]  # decide the insurer's own claim
    if isinstance(case.body, NotSet):
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    else:  # the bytes the transport will send (requests' own JSON serialisation)
        body = json.dumps(case.body, allow_nan=False).encode()
    stamp = str(int(time.time()) - next(AGES))
    message = b"\\n".join(
        [case.method.upper().encode(), unquote(case.formatted_path).encode(), stamp.encode(), body]
    )
    secret = os.environ["FUZZ_PARTNER_SECRET"].encode()
    signed = {"X-Lipei-Insurer": "fuzz-insurer", "X-Lipei-Timestamp": stamp}
    signed["X-Lipei-Signature"] = hmac.new(secret, message, hashlib.sha256).hexdigest()
    # A header the case left out on purpose stays out.
    case.headers = {**headers, **{k: v for k, v in signed.items() if k in headers}}
"""


def _fuzz_insurer(platform_url: str, headers: dict[str, str]) -> str:
    """Registers the insurer the partner requests are signed for; returns its secret."""
    put = httpx.put(
        f"{platform_url}/ops/v1/insurers/fuzz-insurer", json={"name": "Fuzz"}, headers=headers
    )
    assert put.status_code == 201, put.text
    return str(put.json()["partner_secret"])


def _own_draft(platform_url: str, headers: dict[str, str]) -> str:
    policy = {
        "holder_user_id": "ops-fuzz",
        "insurer_code": "fuzz-insurer",
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


def _butler_on_duty(platform_url: str, headers: dict[str, str]) -> None:
    """A butler for the fuzzing user, so the conversation routes get past "no butler yet"."""
    account = {"display_name": "测试管家", "capacity": 1000, "active": True}
    put = httpx.put(f"{platform_url}/ops/v1/butlers/fuzz-butler", json=account, headers=headers)
    assert put.status_code == 200, put.text


@pytest.mark.timeout(3600)
def test_the_public_api_keeps_its_openapi_promises(platform_url: str, tmp_path: Path) -> None:
    login = httpx.post(f"{platform_url}/api/v1/session", json={"code": "dev-ops:fuzz"})
    token = login.json()["access_token"]
    # The first merge asks every service for its document: allow for a busy machine.
    document = httpx.get(f"{platform_url}/openapi.json", timeout=60).json()
    assert {"bearer", "partnerSignature"} <= set(document["components"]["securitySchemes"])
    assert {route.template for route in ROUTES} <= set(document["paths"])
    assert not [path for path in document["paths"] if path.startswith("/internal")]
    # A claim of the fuzzing user's own, with an insurer whose partner requests the hook signs,
    # so the claim and partner routes are exercised past their 404 and 401.
    ops = {"Authorization": f"Bearer {token}"}
    partner_secret = _fuzz_insurer(platform_url, ops)
    claim_id = _own_draft(platform_url, ops)
    _butler_on_duty(platform_url, ops)
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\nclaim_id = "{claim_id}"\n')
    (tmp_path / "partner_signing.py").write_text(PARTNER_HOOKS)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "partner_signing",
        "PYTHONPATH": str(tmp_path),
        "FUZZ_PARTNER_SECRET": partner_secret,
        "FUZZ_CLAIM_ID": claim_id,
    }

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
        env=env,
        check=False,
    )
    assert "Authentication failed" not in run.stdout, run.stdout[-6000:]
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]

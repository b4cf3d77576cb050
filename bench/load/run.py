"""`make load`: the whole platform as `make run` starts it, under rising load until the knee,
then a disaster alert to a whole region.

Policyholders (one asyncio task each) log in, read the guide and their policies, file an
outpatient claim end to end with generated photos (read by the real OCR), follow it until it is
decided and read their inbox, then start again; an insurer reads its Kafka topic and decides
over Kafka. Concurrency rises step by step (LOAD_STEPS, e.g. "1,2,4,8") for LOAD_STEP_SECONDS
each (stopping early only when errors pass 5%); the knee is the last step before the first one
whose claims per minute grow by less than 10% while p95 latency grows (or errors pass 1%).

Sizes: LOAD_STEPS, LOAD_STEP_SECONDS, LOAD_INVOICES (distinct invoices in the photo pool),
LOAD_FANOUT_USERS (policyholders in the alert's region; 0 skips the alert; 100000 for the full
size), LOAD_FANOUT_PHONE_EVERY, LOAD_FANOUT_PATIENCE (seconds the alert may take before what
arrived is reported), LOAD_WECHAT_RATE (what the WeChat stand-in accepts per second, and
notify's pace). The platform runs on LIPEI_PORT_BASE (default here 18000) and
LIPEI_BROKER_PORT (19092) with its data in LOAD_VAR_DIR (default ./var/load, emptied first);
LOAD_ATTACH=1 measures a platform already running there instead (CPU per process needs
LOAD_RUN_PID then).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer

sys.path.insert(0, str(Path(__file__).resolve().parent))

import documents
import fanout
import insurer
import report
from journey import Visit
from record import Recorder
from sampler import Sampler
from target import ROOT, Platform, platform

from lipei.sealing import generate_keypair

INSURER = "load-insurer"
REGION = "310104"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


STEPS = [int(s) for s in os.environ.get("LOAD_STEPS", "1,2,4").split(",") if s.strip()]
STEP_SECONDS = float(os.environ.get("LOAD_STEP_SECONDS", "100"))
INVOICES = _env_int("LOAD_INVOICES", 24)
FANOUT_USERS = _env_int("LOAD_FANOUT_USERS", 10_000)
PHONE_EVERY = _env_int("LOAD_FANOUT_PHONE_EVERY", 10)
WECHAT_RATE = float(os.environ.get("LOAD_WECHAT_RATE", "50"))
# How long the alert may take before the bench reports what arrived by then.
PATIENCE = float(os.environ.get("LOAD_FANOUT_PATIENCE", "1800"))
VAR = Path(os.environ.get("LOAD_VAR_DIR") or ROOT / "var" / "load")


async def setup(client: httpx.AsyncClient, users: int) -> None:
    """The insurer (delegating outpatient claims up to ¥2,000) and one policy per user."""
    ops_login = await client.post("/api/v1/session", json={"code": "dev-ops:load"})
    ops = {"Authorization": f"Bearer {ops_login.json()['access_token']}"}
    _, public = generate_keypair()
    body = {
        "name": "压测保险",
        "public_key": public,
        "instant_claims": {"claim_types": ["outpatient"], "max_amount": "2000.00"},
    }
    (await client.put(f"/ops/v1/insurers/{INSURER}", json=body, headers=ops)).raise_for_status()
    for n in range(users):
        policy = {
            "holder_user_id": f"dev-load{n}",
            "insurer_code": INSURER,
            "product_name": "门急诊医疗险",
            "insured_name": documents.INSURED,
            "insured_id_number": "110101199003071234",
            "coverage": ["outpatient"],
            "region_code": REGION,
            "valid_from": "2025-01-01",
            "valid_to": "2027-12-31",
            "sum_insured": "2000000.00",
            "deductible": "0.00",
            "reimbursement_ratio": "0.9000",
        }
        answer = await client.put(f"/ops/v1/policies/LOAD-{n}", json=policy, headers=ops)
        answer.raise_for_status()


class Load:
    def __init__(self, target: Platform, pool: documents.Pool, packages: dict[str, float]) -> None:
        self.target = target
        self.pool = pool
        self.packages = packages
        self.claims_started = 0

    async def step(self, concurrency: int, client: httpx.AsyncClient) -> Recorder:
        recorder = Recorder()
        deadline = time.monotonic() + STEP_SECONDS

        async def user(n: int) -> None:
            visit = Visit(client, recorder, self.pool, self.packages)
            while time.monotonic() < deadline:
                self.claims_started += 1
                await visit.run(f"load{n}", f"LOAD-{n}", self.claims_started)

        await asyncio.gather(*(user(n) for n in range(concurrency)))
        return recorder


async def claims_bench(
    target: Platform, sampler: Sampler, http: httpx.AsyncClient
) -> list[report.Step]:
    pool = documents.pool(ROOT / "var" / "load-documents", INVOICES)
    async with httpx.AsyncClient(base_url=target.gateway, timeout=60) as client:
        await setup(client, max(STEPS))
        the_insurer, task = await insurer.start(target.bootstrap, INSURER)
        load = Load(target, pool, the_insurer.packages)
        steps: list[report.Step] = []
        try:
            for concurrency in STEPS:
                sampler.begin()
                recorder = await load.step(concurrency, client)
                window = sampler.end()
                steps.append(report.Step(concurrency, recorder, window))
                print(report.step_line(steps[-1]), flush=True)
                if report.broken(steps):
                    break
        finally:
            task.cancel()
    return steps


async def alert_bench(target: Platform, sampler: Sampler) -> fanout.AlertResult:
    population = fanout.Population(FANOUT_USERS, PHONE_EVERY)
    seconds = fanout.seed(target.var, population)
    print(f"seeded {FANOUT_USERS} policyholders in {seconds:.1f} s", flush=True)
    producer = AIOKafkaProducer(bootstrap_servers=target.bootstrap)
    await producer.start()
    try:
        async with (
            httpx.AsyncClient(base_url=target.gateway, timeout=60) as gateway,
            httpx.AsyncClient(base_url=target.wechat, timeout=60) as wechat,
            httpx.AsyncClient(base_url=target.tencentcloud, timeout=60) as tencent,
        ):
            sampler.begin()
            result = await fanout.alert(
                gateway,
                wechat,
                tencent,
                producer,
                target.var,
                population,
                seconds,
                patience=PATIENCE,
            )
            result_window = sampler.end()
    finally:
        await producer.stop()
    result.window = result_window  # type: ignore[attr-defined]
    return result


async def main_async() -> int:
    if os.environ.get("LOAD_ATTACH") != "1":
        shutil.rmtree(VAR, ignore_errors=True)
    with platform(VAR, WECHAT_RATE) as target:
        root = target.run_pid or (
            int(os.environ["LOAD_RUN_PID"]) if "LOAD_RUN_PID" in os.environ else None
        )
        metrics = {
            package: f"{target.service_url(package)}/metrics" for package in target.ports.services
        }
        sampler = Sampler(root, metrics)
        async with httpx.AsyncClient() as http:
            sampling = asyncio.create_task(sampler.run(http))
            try:
                steps = await claims_bench(target, sampler, http) if STEPS else []
                alert = await alert_bench(target, sampler) if FANOUT_USERS else None
            finally:
                sampling.cancel()
    print()
    print(report.render(steps, alert, WECHAT_RATE))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main_async()))

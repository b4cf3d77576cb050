"""Policyholders drafting claims through the gateway, as a client that retries would.

A request that meets a server error or a dropped connection is sent again with the same
`Idempotency-Key`, so a claim the service stored before it died is answered, not drafted twice.
Every server error is recorded with its time, to tell injected faults from real ones.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import httpx

INSURER = "demo-insurer"
USERS = 20


@dataclass
class Tally:
    claims: dict[str, str] = field(default_factory=dict)  # idempotency key: claim id
    drafted_at: dict[str, float] = field(default_factory=dict)  # claim id: monotonic time
    server_errors: list[tuple[float, int]] = field(default_factory=list)  # (time, status)
    transport_errors: list[float] = field(default_factory=list)
    retries: int = 0

    def errors_within(self, windows: list[tuple[float, float]]) -> int:
        """Server errors and dropped connections inside any of `windows` (start, end)."""
        times = [at for at, _ in self.server_errors] + self.transport_errors
        return sum(1 for at in times if any(start <= at <= end for start, end in windows))

    @property
    def errors(self) -> int:
        return len(self.server_errors) + len(self.transport_errors)


def policy(user: str, policy_id: str) -> dict[str, object]:
    return {
        "holder_user_id": f"dev-{user}",
        "insurer_code": INSURER,
        "product_name": "门急诊医疗险",
        "insured_name": "张三",
        "insured_id_number": "110101199003071234",
        "coverage": ["outpatient", "inpatient"],
        "region_code": "310000",
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "sum_insured": "20000.00",
    }


class Policyholders:
    """`USERS` policyholders of a run, each with a policy, logged in through the gateway."""

    def __init__(self, client: httpx.AsyncClient, run: str) -> None:
        self.client = client
        self.run = run
        self.headers: list[dict[str, str]] = []

    async def sign_up(self) -> None:
        ops = await self._login("dev-ops:chaos")
        for i in range(USERS):
            user = f"chaos{self.run}u{i}"
            response = await self.client.put(
                f"/ops/v1/policies/P-{user}", json=policy(user, f"P-{user}"), headers=ops
            )
            response.raise_for_status()
            self.headers.append(await self._login(f"dev:{user}"))

    async def _login(self, code: str) -> dict[str, str]:
        response = await self.client.post("/api/v1/session", json={"code": code})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def draft(self, n: int, *, concurrency: int, tally: Tally, pace: float = 0.0) -> None:
        """Draft `n` claims, `concurrency` at a time, each retried until it is stored."""
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(n):
            queue.put_nowait(i)

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                await self.draft_one(i, tally)
                if pace:
                    await asyncio.sleep(pace)

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    async def draft_one(self, i: int, tally: Tally, give_up_after: float = 180.0) -> str:
        user = i % len(self.headers)
        key = f"chaos-{self.run}-{i}-{uuid.uuid4().hex[:6]}"
        body = {
            "policy_id": f"P-chaos{self.run}u{user}",
            "claim_type": "outpatient",
            "incident_date": "2026-11-01",
            "description": f"门诊 {i}",
            "claimed_amount": "120.00",
        }
        headers = {**self.headers[user], "Idempotency-Key": key}
        deadline = time.monotonic() + give_up_after
        while True:
            try:
                response = await self.client.post("/api/v1/claims", json=body, headers=headers)
            except httpx.TransportError:
                tally.transport_errors.append(time.monotonic())
            else:
                if response.status_code == 201:
                    claim_id: str = response.json()["claim_id"]
                    tally.claims[key] = claim_id
                    tally.drafted_at.setdefault(claim_id, time.monotonic())
                    return claim_id
                if response.status_code < 500 and response.status_code != 429:
                    raise AssertionError(f"draft {i}: {response.status_code} {response.text}")
                if response.status_code >= 500:
                    tally.server_errors.append((time.monotonic(), response.status_code))
            if time.monotonic() > deadline:
                raise TimeoutError(f"draft {i} not stored within {give_up_after:.0f} s")
            tally.retries += 1
            await asyncio.sleep(0.5)

"""A policyholder's visit: log in, read the guide and their policies, file an outpatient claim
end to end (draft, three photos, OCR's verdicts, checklist, signature, submit), follow its
progress until it is decided, and read the inbox."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from documents import INCIDENT_DATE, INSURED, Pool
from record import Recorder

POLL_SECONDS = 0.5
PROGRESS_POLL_SECONDS = 0.25
# A claim not decided within this long counts as an error of the step it waits in.
PATIENCE_SECONDS = 300.0


class StepFailed(Exception):
    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step


class Visit:
    def __init__(
        self,
        client: httpx.AsyncClient,
        recorder: Recorder,
        pool: Pool,
        packages: dict[str, float],
    ) -> None:
        self.client = client
        self.recorder = recorder
        self.pool = pool
        self.packages = packages  # claim id → when the insurer's package arrived
        self.headers: dict[str, str] = {}

    async def call(self, method: str, route: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            answer = await self.client.request(method, path, headers=self.headers, **kwargs)
        except httpx.HTTPError as exc:
            self.recorder.request(route, time.perf_counter() - started, 599)
            raise StepFailed(route, f"{type(exc).__name__}") from exc
        self.recorder.request(route, time.perf_counter() - started, answer.status_code)
        return answer

    async def expect(self, step: str, answer: httpx.Response, *codes: int) -> Any:
        ok = answer.status_code in codes
        if not ok:
            raise StepFailed(step, f"HTTP {answer.status_code}: {answer.text[:200]}")
        return answer.json()

    async def run(self, user: str, policy_id: str, claim_number: int) -> None:
        """The whole visit; a failed step ends it and counts against that step."""
        try:
            await self.login(user)
            await self.guide()
            await self.claim(policy_id, claim_number)
            await self.inbox()
        except StepFailed as failed:
            self.recorder.step(failed.step, ok=False)

    async def login(self, user: str) -> None:
        self.headers = {}
        answer = await self.call(
            "POST", "POST /session", "/api/v1/session", json={"code": f"dev:{user}"}
        )
        body = await self.expect("login", answer, 200)
        self.headers = {"Authorization": f"Bearer {body['access_token']}"}
        self.recorder.step("login", ok=True)

    async def guide(self) -> None:
        await self.expect(
            "guide", await self.call("GET", "GET /claim-types", "/api/v1/claim-types"), 200
        )
        await self.expect("guide", await self.call("GET", "GET /policies", "/api/v1/policies"), 200)
        self.recorder.step("guide", ok=True)

    async def inbox(self) -> None:
        answer = await self.call("GET", "GET /me/notifications", "/api/v1/me/notifications")
        await self.expect("inbox", answer, 200)
        self.recorder.step("inbox", ok=True)

    async def claim(self, policy_id: str, claim_number: int) -> None:
        claim_id = await self._draft(policy_id)
        self.recorder.step("draft", ok=True)
        await asyncio.gather(
            *(self._upload(claim_id, p) for p in self.pool.documents(claim_number))
        )
        self.recorder.step("upload and verdict", ok=True)
        submitted = await self._sign_and_submit(claim_id)
        await self._until_decided(claim_id, submitted)

    async def _draft(self, policy_id: str) -> str:
        draft = {
            "policy_id": policy_id,
            "claim_type": "outpatient",
            "incident_date": INCIDENT_DATE,
            "description": "门诊",
            "payee": {"account_name": INSURED, "bank_card_number": self.pool.bank_card_number},
        }
        answer = await self.call("POST", "POST /claims", "/api/v1/claims", json=draft)
        body = await self.expect("draft", answer, 201)
        return str(body["claim_id"])

    async def _upload(self, claim_id: str, photo: Any) -> None:
        started = time.monotonic()
        answer = await self.call(
            "POST",
            "POST /claims/{id}/documents",
            f"/api/v1/claims/{claim_id}/documents",
            data={"doc_type": photo.doc_type},
            files={"file": (photo.file, photo.data, "application/octet-stream")},
        )
        document_id = (await self.expect("upload and verdict", answer, 202))["document_id"]
        while time.monotonic() - started < PATIENCE_SECONDS:
            await asyncio.sleep(POLL_SECONDS)
            answer = await self.call(
                "GET", "GET /claims/{id}/documents", f"/api/v1/claims/{claim_id}/documents"
            )
            items = (await self.expect("upload and verdict", answer, 200))["items"]
            status = next((d["status"] for d in items if d["document_id"] == document_id), None)
            if status == "accepted":
                self.recorder.upload_to_verdict.append(time.monotonic() - started)
                return
            if status == "rejected":
                raise StepFailed("upload and verdict", f"{photo.doc_type} rejected")
        raise StepFailed("upload and verdict", "no verdict in time")

    async def _sign_and_submit(self, claim_id: str) -> tuple[float, float]:
        """Returns when the submit request went (monotonic, wall clock)."""
        base = f"/api/v1/claims/{claim_id}"
        answer = await self.call("GET", "GET /claims/{id}/checklist", f"{base}/checklist")
        if not (await self.expect("sign and submit", answer, 200))["complete"]:
            raise StepFailed("sign and submit", "checklist not complete")
        answer = await self.call(
            "POST", "POST /claims/{id}/signature", f"{base}/signature", json={"agreed": True}
        )
        await self.expect("sign and submit", answer, 200, 201)
        submitted = time.monotonic(), time.time()
        answer = await self.call("POST", "POST /claims/{id}/submit", f"{base}/submit")
        await self.expect("sign and submit", answer, 200, 202)
        self.recorder.step("sign and submit", ok=True)
        return submitted

    async def _until_decided(self, claim_id: str, when: tuple[float, float]) -> None:
        submitted, submitted_wall = when
        while time.monotonic() - submitted < PATIENCE_SECONDS:
            await asyncio.sleep(PROGRESS_POLL_SECONDS)
            answer = await self.call(
                "GET", "GET /claims/{id}/progress", f"/api/v1/claims/{claim_id}/progress"
            )
            progress = await self.expect("decision", answer, 200)
            if progress["status"] in ("approved", "paid", "rejected"):
                break
        else:
            raise StepFailed("decision", "not decided in time")
        waited = time.monotonic() - submitted
        self.recorder.submit_to_decided.append(waited)
        if claim_id in self.packages:
            self.recorder.submit_to_package.append(self.packages[claim_id] - submitted_wall)
        if _decided_instantly(progress):
            self.recorder.submit_to_instant.append(waited)
            self.recorder.instant += 1
        else:
            self.recorder.referred += 1
        self.recorder.claims_done += 1
        self.recorder.step("decision", ok=True)


def _decided_instantly(progress: dict[str, Any]) -> bool:
    return any(
        "秒赔" in f"{entry.get('title') or ''}{entry.get('detail') or ''}"
        for entry in progress["timeline"]
    )

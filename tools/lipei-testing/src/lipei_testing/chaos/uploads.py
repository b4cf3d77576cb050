"""Scenario 7: intake stopped with SIGTERM while uploads are in flight. Each upload must be
stored with its event (the document row, its `claim.document.uploaded` outbox row, its file) or
not stored at all (no row, no event, no file left behind)."""

from __future__ import annotations

import asyncio
import io
import random
import signal
import time
import uuid
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import text

from lipei_testing.chaos.report import Row
from lipei_testing.chaos.state import Databases
from lipei_testing.chaos.traffic import Policyholders, Tally
from lipei_testing.processes import ProcessPlatform


def photo(seed: int) -> bytes:
    """A JPEG of a million pixels of noise: big enough to be in flight a while, never the same."""
    rng = random.Random(seed)
    image = Image.frombytes("L", (1200, 900), rng.randbytes(1200 * 900))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def _upload(
    client: httpx.AsyncClient, claim_id: str, headers: dict[str, str], data: bytes
) -> int | None:
    """The answer's status; None when the connection dropped."""
    try:
        response = await client.post(
            f"/api/v1/claims/{claim_id}/documents",
            files={"file": ("invoice.jpg", data, "image/jpeg")},
            data={"doc_type": "medical_invoice"},
            headers=headers,
        )
    except httpx.TransportError:
        return None
    return response.status_code


async def _stored(databases: Databases, claim_ids: list[str]) -> tuple[set[str], set[str]]:
    """Document keys intake holds for the claims, and the documents with an uploaded event."""
    async with databases.engines["intake_service"].connect() as conn:
        rows = await conn.execute(text("SELECT claim_id, storage_key FROM documents"))
        keys = {key for claim, key in rows if claim in set(claim_ids)}
        events = await conn.execute(
            text("SELECT payload FROM outbox WHERE event_type = 'claim.document.uploaded'")
        )
        payloads = list(events.scalars())
        with_event = {key for key in keys if any(key in payload for payload in payloads)}
    return keys, with_event


def _files(var: Path, claim_ids: list[str]) -> set[str]:
    root = var / "documents"
    return {
        str(path.relative_to(root))
        for claim in claim_ids
        for path in (root / "claims" / claim).glob("*")
    }


async def sigterm_during_uploads(platform: ProcessPlatform, *, n: int) -> Row:
    databases = Databases(platform.database_urls)
    run = uuid.uuid4().hex[:6]
    photos = [photo(i) for i in range(n)]
    try:
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=60) as client:
            holders = Policyholders(client, run)
            await holders.sign_up()
            tally = Tally()
            claim_ids = [await holders.draft_one(i, tally) for i in range(n)]
            owners = [holders.headers[i % len(holders.headers)] for i in range(n)]
            uploads = [
                asyncio.create_task(_upload(client, claim_ids[i], owners[i], photos[i]))
                for i in range(n)
            ]
            # Stop intake as soon as it stores the first: the others are on their way in.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if (await _stored(databases, claim_ids))[0]:
                    break
                await asyncio.sleep(0.05)
            stopped = time.monotonic()
            await asyncio.to_thread(platform.supervisor.kill, "intake_service", signal.SIGTERM)
            answers = await asyncio.gather(*uploads)
            await asyncio.to_thread(platform.wait_healthy, "intake_service", 120)
            recovered = time.monotonic() - stopped
        keys, with_event = await _stored(databases, claim_ids)
        files = _files(platform.var, claim_ids)
        accepted = sum(1 for status in answers if status == 202)
        refused = [s for s in answers if s != 202]
        # Half-written: a row without its event or its file, or a file without its row.
        no_event, no_file, no_row = keys - with_event, keys - files, files - keys
        half = len(no_event) + len(no_file) + len(no_row)
        return Row(
            scenario="7 SIGTERM during uploads",
            done=(
                f"intake SIGTERMed with {n} uploads in flight: {accepted} stored with their "
                f"event, {len(refused)} answered {sorted(set(map(str, refused)))}, none half"
                if not half
                else f"{half} half-written uploads: {len(no_event)} without their event, "
                f"{len(no_file)} without their file, {len(no_row)} files without a document"
            ),
            volume=f"{n} uploads",
            lost=max(0, accepted - len(keys)) + half,
            twice=max(0, len(keys) - accepted),
            # Refused because intake was stopping: 503 (try again). A 500 is a bug.
            errors_outside=sum(1 for s in refused if s is not None and s >= 500 and s != 503),
            errors_during=sum(1 for s in refused if s is None or s == 503),
            recover_seconds=recovered,
            database=_backend(platform),
        )
    finally:
        await databases.close()


def _backend(platform: ProcessPlatform) -> str:
    url = platform.database_urls["intake_service"]
    return "postgresql" if url.startswith("postgresql") else "sqlite"

"""Disputed rejections a butler took up with the insurer: what came of them and what was won
back. tracking closes the claim's dispute from `claim.dispute.resolved` and shows the outcome on
the user's timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Row

from butler_service import claims_store, store
from butler_service.context import Context
from butler_service.domain.errors import Conflict, Invalid, NotFound
from butler_service.scope import Viewer
from lipei.events import ClaimDisputeResolved


async def record(
    ctx: Context,
    *,
    who: Viewer,
    recorded_by: str,
    claim_id: str,
    outcome: str,
    recovered_amount: Decimal,
    note: str,
) -> Row[Any]:
    if outcome == "upheld" and recovered_amount != 0:
        raise Invalid("recovered_amount", "an upheld rejection recovers nothing")
    if outcome != "upheld" and recovered_amount <= 0:
        raise Invalid("recovered_amount", "an overturned rejection recovers an amount above 0")
    now = ctx.now()
    async with ctx.runtime.unit_of_work() as session:
        claim = await claims_store.view(session, claim_id, for_update=True)
        owner = await store.conversation(session, claim.user_id) if claim is not None else None
        if claim is None or owner is None or not who.may_see(owner.butler_id):
            raise NotFound("claim")
        if claim.status != "rejected":
            raise Conflict(
                f"only a rejected claim is disputed; this one is {claim.status}",
                kind="claim-not-rejected",
            )
        if await store.dispute(session, claim_id) is not None:
            raise Conflict("this dispute's outcome is already recorded", kind="dispute-recorded")
        butler_id = owner.butler_id
        await store.add_dispute(
            session,
            claim_id=claim_id,
            user_id=claim.user_id,
            butler_id=butler_id,
            outcome=outcome,
            recovered_amount=recovered_amount,
            note_enc=ctx.seal(note, row_id=claim_id) if note else None,
            recorded_by=recorded_by,
            at=now,
        )
        await ctx.runtime.outbox.add(
            session,
            ClaimDisputeResolved(
                claim_id=claim_id,
                user_id=claim.user_id,
                outcome=outcome,  # type: ignore[arg-type]
                recovered_amount=recovered_amount,
                resolved_at=now,
                butler_id=butler_id,
            ),
        )
        recorded = await store.dispute(session, claim_id)
    assert recorded is not None
    return recorded

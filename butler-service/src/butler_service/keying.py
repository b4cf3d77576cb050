"""A butler keys in fields of a user's document that OCR could not place: the user must be the
butler's own (another butler's is a 404); intake checks the claim is the user's and the values.
The claims read model takes the answer at once, so the claim assistance shows it."""

from __future__ import annotations

from typing import Any

from butler_service import claims_store
from butler_service.context import Context
from butler_service.intake_client import IntakeAnswer
from butler_service.scope import Viewer, visible_user


async def key_fields(
    ctx: Context,
    who: Viewer,
    person_id: str,
    *,
    user_id: str,
    claim_id: str,
    document_id: str,
    fields: dict[str, Any],
) -> IntakeAnswer:
    async with ctx.runtime.sessionmaker() as session:
        await visible_user(session, who, user_id)
    answer = await ctx.intake.key_fields(
        who, person_id, user_id=user_id, claim_id=claim_id, document_id=document_id, fields=fields
    )
    if answer.status == 200:
        async with ctx.runtime.unit_of_work() as session:
            await claims_store.document_keyed(
                session,
                document_id,
                fields=answer.body.get("fields") or {},
                fields_to_review=answer.body.get("fields_to_review") or [],
            )
    return answer

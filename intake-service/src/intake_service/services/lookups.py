"""Loading what a request names, or refusing it as not there."""

from __future__ import annotations

from intake_service import store
from intake_service.domain.errors import ClaimNotFound
from intake_service.domain.records import Claim
from lipei.reads import ReadSession


async def owned_claim(session: ReadSession, *, claim_id: str, user_id: str) -> Claim:
    """The user's own claim; someone else's does not exist for them."""
    claim = await store.owned_claim(session, claim_id=claim_id, user_id=user_id)
    if claim is None:
        raise ClaimNotFound()
    return claim

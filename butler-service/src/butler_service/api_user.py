"""The policyholder's routes: my butler, my conversation, my complaints."""

from __future__ import annotations

from fastapi import APIRouter

from butler_service import conversation, quality, schemas
from butler_service.dependencies import ContextDep
from butler_service.scope import policyholder
from lipei.paging import PageDep, encode_cursor
from lipei.timestamps import iso
from lipei.web import CallerDep

router = APIRouter(tags=["butler: policyholder"])


@router.get("/api/v1/butler")
async def my_butler(caller: CallerDep, ctx: ContextDep) -> schemas.ButlerCard:
    """My butler (assigned at the first call or message, kept after); 404 while no butler is
    on duty (messages written meanwhile wait for the first one)."""
    card = await conversation.my_butler(ctx, user_id=policyholder(caller))
    return schemas.ButlerCard(
        butler_id=card.butler_id, display_name=card.display_name, online=card.online
    )


@router.post("/api/v1/butler/messages", status_code=201)
async def write(body: schemas.MessageIn, caller: CallerDep, ctx: ContextDep) -> schemas.Posted:
    posted = await conversation.post_user_message(
        ctx, user_id=policyholder(caller), text=body.text, claim_id=body.claim_id
    )
    return schemas.Posted(message_id=posted.message_id, at=iso(posted.at) or "")


@router.get("/api/v1/butler/messages")
async def read(caller: CallerDep, ctx: ContextDep, page: PageDep) -> schemas.MessagePage:
    """My conversation, newest first."""
    user_id = policyholder(caller)
    async with ctx.runtime.sessionmaker() as session:
        shown, after = await conversation.messages(
            ctx, session, user_id=user_id, before_seq=page.start, limit=page.limit
        )
    return message_page(shown, after)


@router.post("/api/v1/butler/complaints", status_code=201)
async def complain(
    body: schemas.ComplaintIn, caller: CallerDep, ctx: ContextDep
) -> schemas.ComplaintCreated:
    """A complaint; it stays open until ops resolves it."""
    complaint_id = await quality.open_complaint(
        ctx, user_id=policyholder(caller), text=body.text, claim_id=body.claim_id
    )
    return schemas.ComplaintCreated(complaint_id=complaint_id)


def message_page(shown: list[conversation.Shown], after: int | None) -> schemas.MessagePage:
    return schemas.MessagePage(
        items=[
            schemas.Message(
                message_id=m.message_id, author=m.author, text=m.text, claim_id=m.claim_id, at=m.at
            )
            for m in shown
        ],
        next_cursor=encode_cursor(after) if after is not None else None,
    )

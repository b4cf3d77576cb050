"""The butler's routes (role `butler`; ops may read every user's): the inbox, a user's
conversation, claims and suggested answers, replies, and disputes taken up with insurers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from butler_service import assistance, conversation, disputes, keying, schemas
from butler_service.api_user import message_page
from butler_service.dependencies import ContextDep, ViewerDep
from butler_service.domain.errors import Forbidden, Unavailable
from butler_service.intake_client import IntakeUnavailable
from butler_service.scope import visible_user
from lipei.paging import PageDep
from lipei.timestamps import iso
from lipei.web import CallerDep, Problem

router = APIRouter(tags=["butler"])

# Ids as the gateway passes them: printable, one path segment.
UserPath = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f/]+$")]
ClaimPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f/]+$")]


@router.get("/butler/v1/inbox")
async def inbox(who: ViewerDep, ctx: ContextDep, page: PageDep) -> schemas.InboxPage:
    """Users waiting for a reply, the one nearest to breaching the reply time first; then
    users whose claims need the butler."""
    items, more = await assistance.inbox(ctx, who, page)
    return schemas.InboxPage(items=items, next_cursor=page.next_cursor(page.limit + more))


@router.get("/butler/v1/users/{user_id}/messages")
async def conversation_of(
    user_id: UserPath, who: ViewerDep, ctx: ContextDep, page: PageDep
) -> schemas.MessagePage:
    async with ctx.runtime.sessionmaker() as session:
        await visible_user(session, who, user_id)
        shown, after = await conversation.messages(
            ctx, session, user_id=user_id, before_seq=page.start, limit=page.limit
        )
    return message_page(shown, after)


@router.post("/butler/v1/users/{user_id}/messages", status_code=201)
async def reply(
    user_id: UserPath, body: schemas.MessageIn, who: ViewerDep, ctx: ContextDep
) -> schemas.Posted:
    """The user's butler replies: the user finds it in the conversation and gets a notice."""
    if who.butler_id is None:
        async with ctx.runtime.sessionmaker() as session:
            await visible_user(session, who, user_id)
        raise Forbidden("only the user's butler replies")
    posted, _waited = await conversation.post_reply(
        ctx, butler_id=who.butler_id, user_id=user_id, text=body.text, claim_id=body.claim_id
    )
    return schemas.Posted(message_id=posted.message_id, at=iso(posted.at) or "")


@router.get("/butler/v1/users/{user_id}/claims")
async def claims(user_id: UserPath, who: ViewerDep, ctx: ContextDep) -> schemas.ClaimAssistPage:
    """Everything about the user's claims: status, next action, each document's verdict,
    fields awaiting a person, deadlines, the assessment and any dispute."""
    items = await assistance.user_claims(ctx, who, user_id)
    return schemas.ClaimAssistPage(items=items, next_cursor=None)


@router.put(
    "/butler/v1/users/{user_id}/claims/{claim_id}/documents/{document_id}/fields",
    responses={
        404: {"description": "not your user, or not that user's claim or document"},
        409: {"description": "the document is not accepted, or the claim was withdrawn"},
        422: {"description": "a field not of the document's type, or a value failing its checks"},
        503: {"description": "intake could not be reached; nothing was keyed"},
    },
)
async def key_fields(
    user_id: UserPath,
    claim_id: ClaimPath,
    document_id: ClaimPath,
    body: schemas.FieldsIn,
    who: ViewerDep,
    caller: CallerDep,
    ctx: ContextDep,
) -> schemas.KeyedDocument:
    """Key in fields of the user's accepted document from its picture: those OCR could not place
    leave `fields_to_review` and join `keyed_fields`. Keying the same values again changes
    nothing."""
    try:
        answer = await keying.key_fields(
            ctx,
            who,
            caller.user_id or "ops",
            user_id=user_id,
            claim_id=claim_id,
            document_id=document_id,
            fields=body.fields,
        )
    except IntakeUnavailable:
        raise Unavailable("the claim service is not answering: nothing was keyed") from None
    if answer.status != 200:
        # intake's refusal as it gave it: the problem's type, detail and field errors
        refusal = answer.body
        kind = str(refusal.get("type", "")).rsplit("/", 1)[-1] or None
        extra = {"errors": refusal["errors"]} if "errors" in refusal else {}
        raise Problem(answer.status, str(refusal.get("detail", "")), type=kind, **extra)
    return schemas.KeyedDocument.model_validate(answer.body)


@router.get("/butler/v1/users/{user_id}/suggestions")
async def suggestions(user_id: UserPath, who: ViewerDep, ctx: ContextDep) -> schemas.Suggestions:
    """Up to three answers from the knowledge base for the user's latest question."""
    return await assistance.suggestions(ctx, who, user_id)


@router.post("/butler/v1/claims/{claim_id}/disputes", status_code=201)
async def dispute(
    claim_id: ClaimPath, body: schemas.DisputeIn, who: ViewerDep, caller: CallerDep, ctx: ContextDep
) -> schemas.DisputeView:
    """What came of a disputed rejection the butler took up with the insurer."""
    row = await disputes.record(
        ctx,
        who=who,
        recorded_by=caller.user_id or "",
        claim_id=claim_id,
        outcome=body.outcome,
        recovered_amount=body.recovered_amount,
        note=body.note,
    )
    return assistance.dispute_view(row)

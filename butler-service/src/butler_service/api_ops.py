"""Ops routes: butler accounts, the knowledge base, complaints, and the quality reading (QA
sample, reviews, scoreboard). Everything ops reads of what users wrote is masked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from butler_service import quality, schemas, staffing, store
from butler_service.dependencies import ContextDep
from butler_service.domain.scores import Criterion
from butler_service.knowledge_store import put as put_article
from lipei.paging import PageDep
from lipei.web import CallerDep, require_ops

router = APIRouter(tags=["butler: ops"])

PathId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


@router.put("/ops/v1/butlers/{butler_id}")
async def put_butler(
    butler_id: PathId, body: schemas.ButlerIn, caller: CallerDep, ctx: ContextDep
) -> schemas.ButlerAccount:
    """A butler account; new users go to the active butler with the most room. Making a
    butler inactive moves their users to the others."""
    require_ops(caller)
    account = await staffing.put_butler(
        ctx,
        butler_id=butler_id,
        display_name=body.display_name,
        capacity=body.capacity,
        active=body.active,
    )
    return schemas.ButlerAccount(**account.__dict__)


@router.put("/ops/v1/knowledge/{article_id}")
async def put_knowledge(
    article_id: PathId, body: schemas.ArticleIn, caller: CallerDep, ctx: ContextDep
) -> schemas.ArticleOut:
    """Create or replace an article; suggestions use it at once, on every replica within
    `KNOWLEDGE_REFRESH_SECONDS`."""
    require_ops(caller)
    async with ctx.runtime.unit_of_work() as session:
        revision, _created = await put_article(
            session,
            article_id=article_id,
            question=body.question,
            answer=body.answer,
            tags=body.tags,
            now=ctx.now(),
        )
    await ctx.knowledge.refresh()
    return schemas.ArticleOut(
        article_id=article_id,
        question=body.question,
        answer=body.answer,
        tags=body.tags,
        revision=revision,
    )


@router.get("/ops/v1/complaints")
async def complaints(
    caller: CallerDep,
    ctx: ContextDep,
    page: PageDep,
    status: Annotated[str, Query(pattern="^(open|all)$")] = "open",
) -> schemas.ComplaintPage:
    """Complaints, oldest first (open ones by default), masked."""
    require_ops(caller)
    async with ctx.runtime.sessionmaker() as session:
        rows = await store.complaints_page(
            session, open_only=status == "open", offset=page.start, limit=page.limit + 1
        )
    return schemas.ComplaintPage(
        items=[quality.complaint_view(ctx, r) for r in rows[: page.limit]],
        next_cursor=page.next_cursor(len(rows)),
    )


@router.post("/ops/v1/complaints/{complaint_id}/resolve")
async def resolve(
    complaint_id: PathId, body: schemas.ResolveIn, caller: CallerDep, ctx: ContextDep
) -> schemas.ComplaintView:
    require_ops(caller)
    return await quality.resolve_complaint(
        ctx, complaint_id=complaint_id, by=caller.user_id or "ops", note=body.note
    )


@router.get("/ops/v1/qa/sample")
async def qa_sample(
    caller: CallerDep,
    ctx: ContextDep,
    day: Annotated[schemas.IsoDate, Query(alias="date", description="China calendar day")],
    rate: Annotated[float, Query(ge=0, le=1)] = 0.05,
) -> schemas.QaSample:
    """The day's conversations to read: every one with a complaint, plus a random share that
    is the same for the same date and rate. ID, card and phone numbers are masked."""
    require_ops(caller)
    return await quality.sample(ctx, day=day, rate=rate)


@router.post("/ops/v1/qa/reviews", status_code=201)
async def qa_review(
    body: schemas.ReviewIn, caller: CallerDep, ctx: ContextDep
) -> schemas.ReviewOut:
    """A review of one day's conversation, scored against the butler who answered it."""
    require_ops(caller)
    return await quality.review(
        ctx,
        reviewer=caller.user_id or "ops",
        user_id=body.user_id,
        day=body.date,
        criteria=[Criterion(s.criterion, s.score, s.max) for s in body.scores],
        note=body.note,
    )


@router.get("/ops/v1/qa/butlers")
async def scoreboard(caller: CallerDep, ctx: ContextDep) -> schemas.Scoreboard:
    """Per butler: users, conversations, median first reply, share replied in time, reviews
    and mean normalized score, complaints, disputes overturned and amount recovered."""
    require_ops(caller)
    return schemas.Scoreboard(items=await quality.scoreboard(ctx))

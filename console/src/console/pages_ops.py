"""Ops pages: the attention queue, quality reading (sample, review form, scoreboard) and the
dashboard's plots."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from console.domain import attention, dashboard, review
from console.gateway_client import Refused
from console.web import ContextDep, CsrfChecked, OpsDep, render, to
from lipei.clock import china_today

router = APIRouter(prefix="/console", tags=["console"])

ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SAMPLE_RATE = 0.05


@router.get("/attention", response_class=HTMLResponse)
async def attention_queue(
    request: Request,
    person: OpsDep,
    ctx: ContextDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    page = await ctx.gateway.get(person.token, "/ops/v1/attention", limit=100, cursor=cursor)
    rows = attention.by_deadline(page["items"])
    return render(request, "attention.html", person, rows=rows, next_cursor=page["next_cursor"])


@router.get("/quality", response_class=HTMLResponse)
async def quality(
    request: Request,
    person: OpsDep,
    ctx: ContextDep,
    day: Annotated[date | None, Query(alias="date")] = None,
    reviewed: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    day = day or china_today(datetime.now(UTC))
    sample = await ctx.gateway.get(
        person.token, "/ops/v1/qa/sample", date=day.isoformat(), rate=SAMPLE_RATE
    )
    board = await ctx.gateway.get(person.token, "/ops/v1/qa/butlers")
    return render(
        request,
        "quality.html",
        person,
        day=day.isoformat(),
        sample=sample["items"],
        scoreboard=board["items"],
        scorecard=review.SCORECARD,
        reviewed=reviewed,
    )


@router.post("/quality/reviews", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def quality_review(
    request: Request,
    person: OpsDep,
    ctx: ContextDep,
    user_id: Annotated[str, Form(max_length=128)],
    day: Annotated[date, Form(alias="date")],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = await request.form()
    try:
        scores = review.scores(form.multi_items())
    except review.ScoreRefused as exc:
        raise Refused(422, str(exc)) from None
    body = {"user_id": user_id, "date": day.isoformat(), "scores": scores, "note": note}
    await ctx.gateway.send(person.token, "POST", "/ops/v1/qa/reviews", body)
    query = urlencode({"date": day.isoformat(), "reviewed": user_id})
    return to(f"/console/quality?{query}")


@router.get("/dashboard", response_class=HTMLResponse)
async def stats_dashboard(
    request: Request,
    person: OpsDep,
    ctx: ContextDep,
    first: Annotated[str | None, Query(alias="from", pattern=ISO_DATE)] = None,
    last: Annotated[str | None, Query(alias="to", pattern=ISO_DATE)] = None,
) -> Response:
    """The API chooses what is not given (the 30 days up to `to`, today by default) and
    refuses what it cannot take; the page shows the range it answered for."""
    if first is None and last is None:
        last = china_today(datetime.now(UTC)).isoformat()
    stats = await ctx.gateway.get(person.token, "/ops/v1/stats", **{"from": first, "to": last})
    return render(
        request,
        "dashboard.html",
        person,
        first=stats["from"],
        last=stats["to"],
        figures=dashboard.figures(stats),
    )

"""A butler's pages: the inbox (refreshing itself), and one user's conversation with the
suggestions, the user's claims, the key-in form and the dispute outcome form beside it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.domain import claims_view, labels
from console.web import ButlerDep, ContextDep, CsrfChecked, render, segment, to

router = APIRouter(prefix="/console", tags=["console"])


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, person: ButlerDep, ctx: ContextDep) -> Response:
    page = await ctx.gateway.get(person.token, "/butler/v1/inbox", limit=100)
    return render(request, "inbox.html", person, items=page["items"], refresh=True)


@router.get("/inbox/rows", response_class=HTMLResponse)
async def inbox_rows(request: Request, person: ButlerDep, ctx: ContextDep) -> Response:
    """The inbox's rows alone: what the page fetches every few seconds (HTMX)."""
    page = await ctx.gateway.get(person.token, "/butler/v1/inbox", limit=100)
    return render(request, "_inbox_rows.html", person, items=page["items"])


@router.get("/users/{user_id}", response_class=HTMLResponse)
async def conversation(
    request: Request, user_id: str, person: ButlerDep, ctx: ContextDep
) -> Response:
    base = f"/butler/v1/users/{segment(user_id)}"
    # the conversation first: another butler's user is the API's 404, before anything else
    messages = await ctx.gateway.get(person.token, f"{base}/messages", limit=100)
    claims, suggestions = await asyncio.gather(
        ctx.gateway.get(person.token, f"{base}/claims", limit=100),
        ctx.gateway.get(person.token, f"{base}/suggestions"),
    )
    return render(
        request,
        "conversation.html",
        person,
        user_id=user_id,
        messages=list(reversed(messages["items"])),
        authors=labels.AUTHORS,
        suggestions=suggestions,
        claims=[claims_view.claim_card(c) for c in claims["items"]],
    )


@router.post("/users/{user_id}/messages", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def reply(
    user_id: str,
    person: ButlerDep,
    ctx: ContextDep,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    path = f"/butler/v1/users/{segment(user_id)}/messages"
    await ctx.gateway.send(person.token, "POST", path, {"text": text})
    return to(f"/console/users/{segment(user_id)}#reply")


@router.post(
    "/users/{user_id}/claims/{claim_id}/documents/{document_id}/fields",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
async def key_in(
    request: Request,
    user_id: str,
    claim_id: str,
    document_id: str,
    person: ButlerDep,
    ctx: ContextDep,
) -> Response:
    """The fields a person read off the document; empty inputs are left for later."""
    form = await request.form()
    fields: dict[str, Any] = claims_view.keyed_fields(form.multi_items())
    path = (
        f"/butler/v1/users/{segment(user_id)}/claims/{segment(claim_id)}"
        f"/documents/{segment(document_id)}/fields"
    )
    await ctx.gateway.send(person.token, "PUT", path, {"fields": fields})
    return to(f"/console/users/{segment(user_id)}#claim-{segment(claim_id)}")


@router.post(
    "/users/{user_id}/claims/{claim_id}/dispute",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
async def dispute_outcome(
    user_id: str,
    claim_id: str,
    person: ButlerDep,
    ctx: ContextDep,
    outcome: Annotated[str, Form(max_length=40)] = "",
    recovered_amount: Annotated[str, Form(max_length=20)] = "0",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    body = {"outcome": outcome, "recovered_amount": recovered_amount.strip() or "0", "note": note}
    await ctx.gateway.send(
        person.token, "POST", f"/butler/v1/claims/{segment(claim_id)}/disputes", body
    )
    return to(f"/console/users/{segment(user_id)}#claim-{segment(claim_id)}")

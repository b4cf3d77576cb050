"""Logging in and out: the login code goes through the gateway's `POST /api/v1/session`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.domain import csrf
from console.gateway_client import Refused
from console.session import COOKIE_PATH, CSRF_COOKIE, SESSION_COOKIE, read_token
from console.web import (
    ROLE_HOME,
    ContextDep,
    CsrfChecked,
    LoginRequired,
    WrongRole,
    current_person,
    error_page,
    render,
    set_cookie,
    to,
)

router = APIRouter(prefix="/console", tags=["console"])


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, expired: bool = False) -> Response:
    """The login form, or the person's home once logged in. After the gateway refused the
    token (`expired`), always the form: the cookie may not have been cleared."""
    if expired:
        return render(request, "login.html", expired=True)
    try:
        person = current_person(request)
    except LoginRequired as exc:
        return render(request, "login.html", expired=expired or exc.expired)
    except WrongRole:
        return render(request, "login.html")
    assert person.role is not None
    return to(ROLE_HOME[person.role])


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def login(
    request: Request, ctx: ContextDep, code: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    try:
        session = await ctx.gateway.login(code.strip())
    except Refused:
        return render(request, "login.html", status_code=401, failed=True, code=code)
    person = read_token(str(session.get("access_token", "")))
    if person is None or person.role is None:
        return error_page(request, 403, "无权使用控制台", "控制台只供管家和运营人员使用。")
    response = to(ROLE_HOME[person.role])
    set_cookie(
        response,
        ctx.settings,
        SESSION_COOKIE,
        person.token,
        max_age=int(session.get("expires_in", 3600)),
    )
    # A new nonce: forms rendered before logging in are stale from now on.
    set_cookie(response, ctx.settings, CSRF_COOKIE, csrf.new_nonce())
    return response


@router.post("/logout", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def logout(ctx: ContextDep) -> Response:
    response = to("/console/")
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    set_cookie(response, ctx.settings, CSRF_COOKIE, csrf.new_nonce())
    return response

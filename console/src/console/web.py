"""What every page shares: templates, the logged-in person, CSRF checks and the error pages."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from console.domain import csrf, formatting, labels
from console.gateway_client import Gateway
from console.session import COOKIE_PATH, CSRF_COOKIE, SESSION_COOKIE, Person, Role, read_token
from console.settings import Settings

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    when=formatting.when,
    percent=formatting.share,
    minutes=formatting.minutes,
    status=lambda code: labels.word(labels.STATUS, code),
    field=lambda code: labels.word(labels.FIELDS, code),
    outcome=lambda code: labels.word(labels.OUTCOMES, code),
    author=lambda code: labels.word(labels.AUTHORS, code),
)
ROLE_HOME = {"butler": "/console/inbox", "ops": "/console/attention"}


class LoginRequired(Exception):
    def __init__(self, expired: bool = False) -> None:
        self.expired = expired


class WrongRole(Exception):
    """A token the console refuses (a policyholder's), or a page for the other role."""


class StaleForm(Exception):
    """The form's CSRF token does not match the browser's nonce."""


@dataclass
class Context:
    settings: Settings
    gateway: Gateway


def _context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


ContextDep = Annotated[Context, Depends(_context)]


def segment(value: str) -> str:
    """A path parameter passed on to the API as one segment, whatever it holds."""
    return quote(value, safe="")


def current_person(request: Request) -> Person:
    token = request.cookies.get(SESSION_COOKIE)
    person = read_token(token) if token else None
    if person is None:
        raise LoginRequired()
    if person.expired():
        raise LoginRequired(expired=True)
    if person.role is None:
        raise WrongRole()
    return person


def _role(role: Role) -> Any:
    def check(request: Request) -> Person:
        person = current_person(request)
        if person.role != role:
            raise WrongRole()
        return person

    return Depends(check)


ButlerDep = Annotated[Person, _role("butler")]
OpsDep = Annotated[Person, _role("ops")]


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    settings: Settings = request.app.state.context.settings
    if not csrf.is_valid(settings.console_secret, request.cookies.get(CSRF_COOKIE), csrf_token):
        raise StaleForm()


CsrfChecked = Depends(check_csrf)


def render(
    request: Request,
    template: str,
    person: Person | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    """A page, with the form token for the browser's nonce (a new nonce where it has none)."""
    settings: Settings = request.app.state.context.settings
    nonce = request.cookies.get(CSRF_COOKIE)
    fresh = nonce is None
    nonce = nonce or csrf.new_nonce()
    values = {
        "person": person,
        "csrf_token": csrf.token_for(settings.console_secret, nonce),
        "settings": settings,
        **values,
    }
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    if fresh:
        set_cookie(response, settings, CSRF_COOKIE, nonce)
    return response


def set_cookie(response: Response, settings: Settings, name: str, value: str, **extra: Any) -> None:
    response.set_cookie(
        name,
        value,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.console_cookie_secure,
        **extra,
    )


def to(url: str) -> RedirectResponse:
    """After a form: back to a page with a GET (303), so a reload never posts again."""
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    person = None
    with contextlib.suppress(LoginRequired, WrongRole):
        person = current_person(request)
    return render(request, "error.html", person, status, title=title, message=message, code=status)

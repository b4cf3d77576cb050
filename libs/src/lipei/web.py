"""HTTP pieces every service shares: RFC 9457 problems, health probes, the caller's identity."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """Raise to answer with an RFC 9457 problem: `type` is a short slug, e.g. `claim-not-found`."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title or _TITLES.get(status, "Error")
        self.headers = headers
        self.extra = extra


def problem_response(
    status: int,
    detail: str,
    *,
    type: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://lipei.example/problems/{type}" if type else "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    return errors


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status, exc.detail, type=exc.type, title=exc.title, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        return problem_response(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem_response(
            422, detail or "invalid request", type="validation-error", errors=errors
        )

    async def _database_away(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError) and not _unavailable(exc):
            return await _unexpected(request, exc)
        log.warning("unavailable on %s %s: %r", request.method, request.url.path, exc)
        return problem_response(
            503,
            "the database or another dependency did not answer in time; try again shortly",
            type="dependency-unavailable",
            headers={"Retry-After": "5"},
        )

    # A stalled or lost database: the transaction did not commit, so trying again is safe.
    for unavailable in (TimeoutError, ConnectionError, SQLAlchemyTimeout, DBAPIError):
        app.add_exception_handler(unavailable, _database_away)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "an unexpected error occurred; it has been logged")


def _unavailable(exc: DBAPIError) -> bool:
    """A database error that says the database is away, not that the statement was wrong."""
    return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)


ReadinessCheck = Callable[[], Awaitable[None]]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """`checks` names each dependency: "ok" or "unavailable: <error class>"."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, str]


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    """`/healthz`: the process answers. `/readyz`: every dependency answers (else 503)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> Health:
        return Health()

    @router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
    async def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:
                results[name] = f"unavailable: {type(exc).__name__}"
        ok = all(v == "ok" for v in results.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": results},
            status_code=200 if ok else 503,
        )

    return router


# --- identity passed by the gateway --------------------------------------------------------

USER_HEADER = "X-Lipei-User-Id"
ROLES_HEADER = "X-Lipei-Roles"
INSURER_HEADER = "X-Lipei-Insurer"
INTERNAL_TOKEN_HEADER = "X-Lipei-Internal-Token"
REQUEST_ID_HEADER = "X-Request-ID"


@dataclass(frozen=True)
class Caller:
    """Who is calling, as verified by the gateway: a policyholder, an ops user or an insurer."""

    user_id: str | None
    roles: frozenset[str]
    insurer_code: str | None

    @property
    def is_ops(self) -> bool:
        return "ops" in self.roles


async def current_caller(
    request: Request,
    # Not called `user_id`: a route's `{user_id}` path parameter would take the name.
    caller_user_id: Annotated[str | None, Header(alias=USER_HEADER)] = None,
    roles: Annotated[str | None, Header(alias=ROLES_HEADER)] = None,
    insurer: Annotated[str | None, Header(alias=INSURER_HEADER)] = None,
    token: Annotated[str | None, Header(alias=INTERNAL_TOKEN_HEADER)] = None,
) -> Caller:
    """The caller as verified by the gateway; identity headers count only with its token.
    (async, as every dependency on a request's path: a sync one costs a thread-pool hop.)"""
    expected: str = request.app.state.settings.internal_token
    return _verified(token, expected, caller_user_id, roles, insurer)


def caller_from(headers: Mapping[str, str], expected_token: str) -> Caller:
    """`current_caller` outside FastAPI's dependencies (`lipei.hot_reads`)."""
    return _verified(
        headers.get(INTERNAL_TOKEN_HEADER),
        expected_token,
        headers.get(USER_HEADER),
        headers.get(ROLES_HEADER),
        headers.get(INSURER_HEADER),
    )


def _verified(
    token: str | None,
    expected: str,
    user_id: str | None,
    roles: str | None,
    insurer: str | None,
) -> Caller:
    # As bytes: compare_digest refuses a str with characters beyond ASCII.
    if not token or not secrets.compare_digest(token.encode(), expected.encode()):
        raise Problem(401, "calls must come through the gateway", type="unauthenticated")
    return Caller(
        user_id=user_id or None,
        roles=frozenset(r for r in (roles or "").split(",") if r),
        insurer_code=insurer or None,
    )


CallerDep = Annotated[Caller, Depends(current_caller)]


def require_user(caller: Caller) -> str:
    if caller.user_id is None:
        raise Problem(401, "a signed-in policyholder is required", type="unauthenticated")
    return caller.user_id


def require_ops(caller: Caller) -> Caller:
    if not caller.is_ops:
        raise Problem(403, "this needs the ops role", type="forbidden")
    return caller


def require_insurer(caller: Caller) -> str:
    if caller.insurer_code is None:
        raise Problem(401, "a signed partner request is required", type="unauthenticated")
    return caller.insurer_code


def install_request_ids(app: FastAPI) -> None:
    """Echo (or mint) `X-Request-ID` so one request can be followed through every log."""
    app.add_middleware(RequestIds)


class RequestIds:
    """A plain ASGI middleware (BaseHTTPMiddleware would add a task and a stream copy to every
    request): keeps the caller's `X-Request-ID` or mints one, in `request.state` and the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        rid = rid or uuid.uuid4().hex.encode()
        scope.setdefault("state", {})["request_id"] = rid.decode("latin-1")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k != b"x-request-id"]
                headers.append((b"x-request-id", rid))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


def cookieless() -> CookieJar:
    """A cookie jar that keeps nothing. An HTTP client that calls for many people (the gateway
    forwarding to the console, the console calling the gateway) must never keep a cookie one
    answer set and send it with someone else's request."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


__all__ = [
    "Caller",
    "CallerDep",
    "Depends",
    "HTTPException",
    "Problem",
    "RequestIds",
    "cookieless",
    "current_caller",
    "health_router",
    "install_problem_handlers",
    "install_request_ids",
    "problem_response",
    "require_insurer",
    "require_ops",
    "require_user",
]

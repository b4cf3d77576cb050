"""A service's hottest reads answered before FastAPI's routing and dependency solving.

A policyholder's claim and its progress are most of the traffic, polled every few seconds. On
such a read FastAPI's router, dependency solver and exception middleware cost more CPU than the
read itself. A hot route is served here by the same function its FastAPI route calls, with the
same caller check; its errors are turned into answers by the app's own exception handlers, so a
404, 401 or 503 reads exactly as before. Request ids, metrics and traces come from the
middleware outside this one, which sees every request alike. The FastAPI route stays: it is in
the OpenAPI document, and serves any request this layer lets through.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lipei.telemetry import name_route
from lipei.web import Caller, caller_from

Read = Callable[[Request, Caller, dict[str, str]], Awaitable[Response]]
_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class HotRoute:
    """`template` as FastAPI spells it ("/api/v1/claims/{claim_id}"); `read` gets the request,
    the caller and the path parameters."""

    template: str
    read: Read
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        # Literal parts escaped, each {name} one path segment, as FastAPI matches it.
        parts = _PARAM.split(self.template)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
        )
        object.__setattr__(self, "pattern", re.compile(regex))


class HotReads:
    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: tuple[HotRoute, ...],
        internal_token: str,
        exception_handlers: Mapping[Any, Callable[..., Any]],
    ) -> None:
        self.app = app
        self.routes = routes
        self.internal_token = internal_token
        # The app's own handlers (the dict FastAPI keeps: handlers added later are seen too).
        self.exception_handlers = exception_handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            for route in self.routes:
                found = route.pattern.fullmatch(scope["path"])
                if found is not None:
                    response = await self._answer(route, found.groupdict(), scope, receive)
                    name_route(scope, route.template)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(
        self, route: HotRoute, params: dict[str, str], scope: Scope, receive: Receive
    ) -> Response:
        request = Request(scope, receive)
        try:
            caller = caller_from(request.headers, self.internal_token)
            return await route.read(request, caller, params)
        except Exception as exc:
            handler = self._handler_for(exc)
            if handler is None:
                raise
            answer = handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer

    def _handler_for(self, exc: Exception) -> Callable[..., Any] | None:
        for kind in type(exc).__mro__:
            if kind in self.exception_handlers:
                return self.exception_handlers[kind]
        return None

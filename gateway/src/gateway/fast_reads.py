"""The reads, straight to forwarding: a GET on a forwarded path skips FastAPI's routing and
dependency machinery, which cost the gateway about a third of its CPU on each read. Every check
is the same one (`forwarding.forward_on`); anything else — the gateway's own routes, other methods,
a path no route takes — goes on to the app as before.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.components import Components
from gateway.forwarding import OWN_ROUTES, forward_on
from gateway.routing import Route, get_route
from lipei.web import Problem, problem_response


class FastReads:
    def __init__(self, app: ASGIApp, *, parts: Components) -> None:
        self.app = app
        self.parts = parts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = _read_route(scope) if scope["type"] == "http" else None
        if chosen is None:
            await self.app(scope, receive, send)
            return
        try:
            response = await forward_on(Request(scope, receive), chosen, self.parts)
        except Problem as exc:
            response = problem_response(
                exc.status,
                exc.detail,
                type=exc.type,
                title=exc.title,
                headers=exc.headers,
                **exc.extra,
            )
        await response(scope, receive, send)


def _read_route(scope: Scope) -> Route | None:
    """The route a GET takes, or None where the app decides (own routes, 404s, 405s)."""
    path: str = scope["path"]
    if scope["method"] != "GET" or path in OWN_ROUTES:
        return None
    if any(part in (".", "..") for part in path.split("/")):
        return None
    return get_route(path)

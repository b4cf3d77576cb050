"""Which upstream serves which public path, and who may call it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Upstream = Literal["intake", "ocr", "tracking", "notify", "butler", "assessment", "console"]
# `link`: a download link the service itself signs (expiry + signature in the query).
# `butler`: a butler's own routes; ops may call them too (the service scopes each butler).
Audience = Literal["user", "ops", "partner", "link", "butler"]


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    methods: frozenset[str]
    upstream: Upstream
    audience: Audience

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"\{([a-z_]+)\}", self.template)


def _r(path: str, methods: str, upstream: Upstream, audience: Audience) -> Route:
    regex = "^" + re.sub(r"\{[a-z_]+\}", r"[^/]+", path) + "$"
    return Route(path, re.compile(regex), frozenset(methods.split()), upstream, audience)


ROUTES: tuple[Route, ...] = (
    _r("/api/v1/claim-types", "GET", "intake", "user"),
    _r("/api/v1/policies", "GET", "intake", "user"),
    _r("/api/v1/claims", "GET POST", "intake", "user"),
    _r("/api/v1/claims/{claim_id}/progress", "GET", "tracking", "user"),
    _r("/api/v1/claims/{claim_id}/dispute", "POST", "tracking", "user"),
    _r("/api/v1/claims/{claim_id}/assessment", "GET", "assessment", "user"),
    _r("/api/v1/claims/{claim_id}", "GET", "intake", "user"),
    _r("/api/v1/claims/{claim_id}/documents", "GET POST", "intake", "user"),
    _r("/api/v1/claims/{claim_id}/checklist", "GET", "intake", "user"),
    _r("/api/v1/claims/{claim_id}/signature", "POST", "intake", "user"),
    _r("/api/v1/claims/{claim_id}/submit", "POST", "intake", "user"),
    _r("/api/v1/claims/{claim_id}/withdraw", "POST", "intake", "user"),
    _r("/api/v1/me/notifications", "GET", "notify", "user"),
    _r("/api/v1/me/notification-preferences", "GET PUT", "notify", "user"),
    _r("/api/v1/butler", "GET", "butler", "user"),
    _r("/api/v1/butler/messages", "GET POST", "butler", "user"),
    _r("/api/v1/butler/complaints", "POST", "butler", "user"),
    _r("/butler/v1/inbox", "GET", "butler", "butler"),
    _r("/butler/v1/users/{user_id}/messages", "GET POST", "butler", "butler"),
    _r("/butler/v1/users/{user_id}/claims", "GET", "butler", "butler"),
    _r("/butler/v1/users/{user_id}/suggestions", "GET", "butler", "butler"),
    _r(
        "/butler/v1/users/{user_id}/claims/{claim_id}/documents/{document_id}/fields",
        "PUT",
        "butler",
        "butler",
    ),
    _r("/butler/v1/claims/{claim_id}/disputes", "POST", "butler", "butler"),
    _r("/ops/v1/insurers/{insurer_code}", "PUT", "intake", "ops"),
    _r("/ops/v1/policies/{policy_id}", "PUT", "intake", "ops"),
    _r("/ops/v1/attention", "GET", "tracking", "ops"),
    _r("/ops/v1/stats", "GET", "tracking", "ops"),
    _r("/ops/v1/claims/{claim_id}/assessment", "GET", "assessment", "ops"),
    _r("/ops/v1/claims/{claim_id}/documents/{document_id}/fields", "PUT", "intake", "ops"),
    _r("/ops/v1/claims/{claim_id}/documents/{document_id}/keyings", "GET", "intake", "ops"),
    _r("/ops/v1/alerts", "POST", "notify", "ops"),
    _r("/ops/v1/butlers/{butler_id}", "PUT", "butler", "ops"),
    _r("/ops/v1/knowledge/{article_id}", "PUT", "butler", "ops"),
    _r("/ops/v1/complaints", "GET", "butler", "ops"),
    _r("/ops/v1/complaints/{complaint_id}/resolve", "POST", "butler", "ops"),
    _r("/ops/v1/qa/sample", "GET", "butler", "ops"),
    _r("/ops/v1/qa/reviews", "POST", "butler", "ops"),
    _r("/ops/v1/qa/butlers", "GET", "butler", "ops"),
    _r("/partner/v1/decisions", "POST", "tracking", "partner"),
    _r("/partner/v1/claims/{claim_id}/package", "GET", "intake", "partner"),
    _r("/partner/v1/claims/{claim_id}/assessment", "GET", "assessment", "partner"),
    _r("/partner/v1/claims/{claim_id}/documents/{document_id}", "GET", "intake", "link"),
)


# Web pages served whole by one upstream under a path prefix: the console authenticates its own
# visitors (an HttpOnly cookie holding their gateway token) and calls the routes above with it.
WEB_PREFIXES: dict[str, Upstream] = {"/console": "console"}
WEB_METHODS = frozenset({"GET", "HEAD", "POST"})


def web_upstream(path: str) -> Upstream | None:
    """The upstream serving the web pages under `path`, or None for an API path."""
    for prefix, upstream in WEB_PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return upstream
    return None


def match(path: str) -> list[Route]:
    """Routes whose path matches (any method), most specific first as listed."""
    return [route for route in ROUTES if route.pattern.match(path)]


# Every GET route in one expression, tried in C: each read looks its route up (a loop over the
# patterns was a tenth of the gateway's CPU on a read).
_GETS = [route for route in ROUTES if "GET" in route.methods]
_ANY_GET = re.compile("|".join(f"(?P<r{i}>{r.pattern.pattern})" for i, r in enumerate(_GETS)))


def get_route(path: str) -> Route | None:
    """The first route, as listed, that serves GET on `path`."""
    found = _ANY_GET.match(path)
    return _GETS[int(found.lastgroup[1:])] if found and found.lastgroup else None

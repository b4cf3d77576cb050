"""One OpenAPI document for every public route: the gateway's own plus each service's public paths.

Each service's `/openapi.json` is fetched over HTTP (every service runs on its own in production)
and cut down to the paths the route table exposes; gateway-level answers (401, 403, 413, 429, 503,
problem+json validation errors) and the security schemes are added to every operation.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from typing import Any

import httpx

from gateway.routing import ROUTES, Route

log = logging.getLogger(__name__)

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
    "example": {
        "type": "https://lipei.example/problems/claim-not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "no such claim",
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "the access_token from POST /api/v1/session",
    },
    "partnerInsurer": {"type": "apiKey", "in": "header", "name": "X-Lipei-Insurer"},
    "partnerTimestamp": {"type": "apiKey", "in": "header", "name": "X-Lipei-Timestamp"},
    "partnerSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Lipei-Signature",
        "description": (
            "lowercase hex HMAC-SHA256(partner secret, METHOD\\nPATH\\nTIMESTAMP\\nBODY); "
            "PATH without the query string; at most 300 s old; each signature is accepted once"
        ),
    },
}

_GATEWAY_HEADERS = {
    "x-lipei-user-id",
    "x-lipei-roles",
    "x-lipei-insurer",
    "x-lipei-internal-token",
}

PROBLEM_REF = "#/components/schemas/Problem"

_ERRORS = {
    "400": "bad request",
    "401": "not signed in, or the token or signature is not valid",
    "403": "not allowed for this caller",
    "404": "no such resource (another user's or insurer's resources are 404 too)",
    "409": "conflicts with the current state",
    "413": "the request body is too large",
    "415": "unsupported media type",
    "422": "validation error; `errors` names each bad field",
    "429": "too many requests; see Retry-After",
    "503": "a service is unavailable; see Retry-After",
}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}},
    }


def _security(route: Route) -> list[dict[str, list[str]]]:
    if route.audience == "partner":
        return [{"partnerInsurer": [], "partnerTimestamp": [], "partnerSignature": []}]
    if route.audience == "link":
        return []
    return [{"bearer": []}]


def _placeholder(route: Route, method: str) -> dict[str, Any]:
    """Used while a service's own document cannot be fetched."""
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.parameters
    ]
    return {
        "summary": f"{method} {route.template}",
        "parameters": params,
        "responses": {"200": {"description": "OK", "content": {"application/json": {}}}},
    }


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if not renames:
        return node
    text = json.dumps(node)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    return json.loads(text)


def merge(gateway_doc: dict[str, Any], upstream_docs: dict[str, dict[str, Any] | None]) -> dict:
    doc = copy.deepcopy(gateway_doc)
    paths: dict[str, Any] = doc.setdefault("paths", {})
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    # Every route is documented, a placeholder standing in for a service not (yet) heard from.
    for upstream in dict.fromkeys([*upstream_docs, *(r.upstream for r in ROUTES)]):
        upstream_doc = upstream_docs.get(upstream)
        renames: dict[str, str] = {}
        if upstream_doc:
            theirs = upstream_doc.get("components", {}).get("schemas", {})
            for name, schema in theirs.items():
                if name in schemas and schemas[name] != schema:
                    renames[name] = f"{upstream}_{name}"
            for name, schema in theirs.items():
                schemas[renames.get(name, name)] = _rename_refs(schema, renames)
        their_paths = _rename_refs((upstream_doc or {}).get("paths", {}), renames)
        for route in ROUTES:
            if route.upstream != upstream:
                continue
            for method in sorted(route.methods):
                operation = their_paths.get(route.template, {}).get(method.lower())
                if operation is None:
                    operation = _placeholder(route, method)
                operation = copy.deepcopy(operation)
                operation.setdefault("tags", [route.audience])
                paths.setdefault(route.template, {})[method.lower()] = operation
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, item in paths.items():
        for method, operation in item.items():
            owner = next((r for r in ROUTES if r.template == path), None)
            _decorate(operation, owner, method)
    doc.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return doc


def _decorate(operation: dict[str, Any], route: Route | None, method: str) -> None:
    # Identity headers are set by the gateway alone; callers never send them.
    operation["parameters"] = [
        p
        for p in operation.get("parameters", [])
        if not (p.get("in") == "header" and str(p.get("name", "")).lower() in _GATEWAY_HEADERS)
    ]
    responses: dict[str, Any] = operation.setdefault("responses", {})
    # Errors are problem+json everywhere, validation errors included.
    responses["422"] = _problem_response(_ERRORS["422"])
    codes = ["400", "413", "415", "429", "503"]
    if route is not None:
        operation["security"] = _security(route)
        # a download link whose signature or expiry is wrong is a 401 from the service
        codes += ["401", "403", "404", "409"]
    elif operation.get("security"):
        codes += ["401", "403"]
    for code in codes:
        if code not in responses or "application/problem+json" not in json.dumps(responses[code]):
            responses[code] = _problem_response(_ERRORS[code])


async def fetch_upstream_docs(clients: dict[str, httpx.AsyncClient]) -> dict[str, Any]:
    async def fetch(name: str, client: httpx.AsyncClient) -> Any:
        try:
            response = await client.get("/openapi.json", timeout=5.0)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("no OpenAPI document from %s: %s", name, type(exc).__name__)
            return None

    names = list(clients)
    docs = await asyncio.gather(*(fetch(name, clients[name]) for name in names))
    return dict(zip(names, docs, strict=True))


class MergedDocument:
    """The merged document, kept once every service has given its own; until then each request
    merges again, so a service that was down early still gets its paths documented."""

    def __init__(self) -> None:
        self._complete: dict[str, Any] | None = None

    async def get(
        self, gateway_doc: dict[str, Any], clients: dict[str, httpx.AsyncClient]
    ) -> dict[str, Any]:
        if self._complete is not None:
            return self._complete
        docs = await fetch_upstream_docs(clients)
        document = merge(gateway_doc, docs)
        if all(doc is not None for doc in docs.values()):
            self._complete = document
        return document

"""A database that does not answer is a 503 with Retry-After, never a 500; a wrong statement
stays a 500."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from lipei.web import install_problem_handlers

RAISED = {
    "statement-timeout": TimeoutError(),
    "pool-timeout": PoolTimeout("QueuePool limit reached"),
    "connection-lost": OperationalError("SELECT 1", {}, ConnectionResetError()),
    "duplicate": IntegrityError("INSERT", {}, Exception("duplicate key")),
}


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/{case}")
    async def fail(case: str) -> None:
        raise RAISED[case]

    return app


@pytest.mark.parametrize("case", ["statement-timeout", "pool-timeout", "connection-lost"])
async def test_a_database_that_does_not_answer_is_a_503_to_try_again(case: str) -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(f"/{case}")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("dependency-unavailable")


async def test_a_statement_the_database_refused_is_still_a_500() -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/duplicate")
    assert response.status_code == 500

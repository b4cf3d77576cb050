"""A hot read answers exactly as its FastAPI route would: the same body, status, headers and
problems, the same caller check, and it is counted under its route template."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lipei.app import service_app
from lipei.hot_reads import HotRoute
from lipei.runtime import ServiceRuntime
from lipei.settings import ServiceSettings
from lipei.web import Caller, CallerDep, Problem, require_user
from lipei_testing.databases import create_database, drop_database

TOKEN = "internal-token"


class Missing(Exception):
    """A domain error the app turns into a problem with a handler of its own."""


async def read_thing(request: Request, caller: Caller, params: dict[str, str]) -> Response:
    user = require_user(caller)
    if params["thing_id"] == "gone":
        raise Missing()
    if params["thing_id"] == "forbidden":
        raise Problem(403, "not yours", type="forbidden")
    return JSONResponse({"thing": params["thing_id"], "for": user}, headers={"ETag": '"v1"'})


def _app(tmp_path: Path, *, hot: bool) -> FastAPI:
    router = APIRouter()

    @router.get("/things/{thing_id}")
    async def thing(request: Request, thing_id: str, caller: CallerDep) -> Response:
        return await read_thing(request, caller, {"thing_id": thing_id})

    settings = ServiceSettings(
        service_name="things",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'things.db'}",
        internal_token=TOKEN,
    )
    runtime = ServiceRuntime(settings, migrations=tmp_path)
    app = service_app(
        title="things",
        runtime=runtime,
        routers=[router],
        hot_reads=(HotRoute("/things/{thing_id}", read_thing),) if hot else (),
    )

    @app.exception_handler(Missing)
    async def _missing(_: Request, __: Missing) -> JSONResponse:
        return JSONResponse(
            {"type": "gone"}, status_code=404, media_type="application/problem+json"
        )

    return app


async def _get(app: FastAPI, path: str, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path, headers=headers)


SIGNED = {"X-Lipei-Internal-Token": TOKEN, "X-Lipei-User-Id": "u1", "X-Request-ID": "r-1"}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/things/t1", SIGNED),
        ("/things/gone", SIGNED),
        ("/things/forbidden", SIGNED),
        ("/things/t1", {"X-Lipei-User-Id": "u1", "X-Request-ID": "r-2"}),  # not via the gateway
        ("/things/t1", {**SIGNED, "X-Lipei-Internal-Token": "wrong"}),
        ("/things/t1", {"X-Lipei-Internal-Token": TOKEN, "X-Request-ID": "r-3"}),  # no user
        ("/things/t1/more", SIGNED),  # no such route
    ],
)
async def test_a_hot_read_answers_as_the_route_does(
    tmp_path: Path, path: str, headers: dict[str, str]
) -> None:
    routed = await _get(_app(tmp_path, hot=False), path, headers)
    hot = await _get(_app(tmp_path, hot=True), path, headers)
    assert (hot.status_code, hot.content) == (routed.status_code, routed.content)
    for name in ("content-type", "etag", "x-request-id"):
        assert hot.headers.get(name) == routed.headers.get(name)


async def test_a_hot_read_is_counted_under_its_route_template(tmp_path: Path) -> None:
    app = _app(tmp_path, hot=True)
    await _get(app, "/things/t1", SIGNED)
    await _get(app, "/things/t2", SIGNED)
    metrics = app.state.runtime.metrics.exposition().decode()
    counted = [
        line
        for line in metrics.splitlines()
        if line.startswith("http_requests_total{") and 'route="/things/{thing_id}"' in line
    ]
    assert counted and counted[0].endswith(" 2.0")


async def test_reads_on_sqlite_see_what_was_written_and_cannot_write(tmp_path: Path) -> None:
    runtime = ServiceRuntime(
        ServiceSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"),
        migrations=tmp_path,
    )
    assert runtime.reader.inline is not None  # reads on the loop's thread
    try:
        async with runtime.unit_of_work() as s:
            await s.execute(text("CREATE TABLE notes (body TEXT)"))
            await s.execute(text("INSERT INTO notes VALUES ('first')"))
        async with runtime.reader() as s:
            assert (await s.execute(text("SELECT body FROM notes"))).scalars().all() == ["first"]
        async with runtime.unit_of_work() as s:
            await s.execute(text("INSERT INTO notes VALUES ('second')"))
        async with runtime.reader() as s:
            assert len((await s.execute(text("SELECT body FROM notes"))).all()) == 2
            with pytest.raises(Exception, match=r"readonly|read-only|query_only"):
                await s.execute(text("INSERT INTO notes VALUES ('sneaked')"))
    finally:
        await runtime.engine.dispose()
        await runtime.reader.dispose()


async def test_a_read_on_a_connection_the_database_dropped_fails_once_then_reads(
    tmp_path: Path,
) -> None:
    """Reads skip the ping before each checkout; a connection the server closed costs one
    failed read (answered 503 by the problem handlers), and the next read works."""
    url = await create_database("hot_reads", tmp_path)
    runtime = ServiceRuntime(ServiceSettings(database_url=url), migrations=tmp_path)
    try:
        async with runtime.unit_of_work() as s:
            await s.execute(text("CREATE TABLE notes (body TEXT)"))
            await s.execute(text("INSERT INTO notes VALUES ('kept')"))
        async with runtime.reader() as s:
            assert (await s.execute(text("SELECT body FROM notes"))).scalar_one() == "kept"
        if runtime.reader.inline is None:  # PostgreSQL: the server ends every session
            async with runtime.unit_of_work() as s:
                await s.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            failures = 0
            for _ in range(2):
                try:
                    async with runtime.reader() as s:
                        await s.execute(text("SELECT body FROM notes"))
                except DBAPIError as exc:
                    assert exc.connection_invalidated
                    failures += 1
            assert failures <= 1
        async with runtime.reader() as s:
            assert (await s.execute(text("SELECT body FROM notes"))).scalar_one() == "kept"
    finally:
        await runtime.stop()
        await drop_database(url)

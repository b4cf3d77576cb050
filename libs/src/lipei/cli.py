"""The command line every service shares: `python -m <service> serve|migrate|outbox ...`."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from lipei.db import make_engine, make_sessionmaker, migrate
from lipei.logs import configure_logging, logging_config
from lipei.messaging.outbox import mark_for_replay, pending_count
from lipei.settings import ServiceSettings


def main(
    package: str,
    settings_factory: Callable[[], ServiceSettings],
    *,
    http_protocol: type[asyncio.Protocol] | None = None,
) -> NoReturn:
    """A service's whole `__main__`: `main(__package__, Settings)`.

    The app factory is `<package>.app:create_app`; a package with a `migrations/` folder gets
    the database and outbox commands too, one without (the gateway) serves by default."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise SystemExit(f"no package {package}")
    migrations = Path(spec.origin).parent / "migrations"
    sys.exit(
        service_main(
            settings_factory=settings_factory,
            app_factory=f"{package}.app:create_app",
            migrations=migrations if migrations.is_dir() else None,
            http_protocol=http_protocol,
        )
    )


def service_main(
    *,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    migrations: Path | None,
    argv: list[str] | None = None,
    http_protocol: type[asyncio.Protocol] | None = None,
) -> int:
    settings = settings_factory()
    parser = argparse.ArgumentParser(prog=f"python -m {app_factory.partition('.')[0]}")
    sub = parser.add_subparsers(dest="command", required=migrations is not None)
    serve = sub.add_parser("serve", help="run the HTTP service, its consumers and outbox relay")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    if migrations is None:
        # Nothing but serving (the gateway keeps no database): `python -m gateway` serves.
        parser.set_defaults(command="serve", host=settings.host, port=settings.port)
        return _serve(parser.parse_args(argv), settings, app_factory, http_protocol)
    scripts: Path = migrations
    sub.add_parser("migrate", help="bring the database to the newest schema")
    outbox = sub.add_parser("outbox", help="inspect or replay the outbox")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_sub.add_parser("status", help="how many events wait to be published")
    replay = outbox_sub.add_parser(
        "replay", help="publish again every event sent since a time (after a broker lost data)"
    )
    replay.add_argument("--since", help="ISO 8601 time (default: 24 hours ago)")
    args = parser.parse_args(argv)
    configure_logging(settings.log_level, settings.service_name, settings.log_format)

    if args.command == "serve":
        return _serve(args, settings, app_factory, http_protocol)
    if args.command == "migrate":
        asyncio.run(_with_engine(settings, lambda e, _: migrate(e, scripts)))
        print(f"{settings.service_name}: database at the newest schema")
        return 0
    if args.outbox_command == "status":
        count = asyncio.run(_with_session(settings, pending_count))
        print(f"{settings.service_name}: {count} event(s) waiting to be published")
        return 0
    since = (
        datetime.fromisoformat(args.since) if args.since else datetime.now(UTC) - timedelta(days=1)
    )
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    count = asyncio.run(_with_session(settings, lambda s: mark_for_replay(s, since=since)))
    print(f"{settings.service_name}: {count} event(s) queued again; the running service sends them")
    return 0


def _serve(
    args: argparse.Namespace,
    settings: ServiceSettings,
    app_factory: str,
    http_protocol: type[asyncio.Protocol] | None,
) -> int:
    configure_logging(settings.log_level, settings.service_name, settings.log_format)
    import uvicorn

    from lipei.http_protocol import CoalescingHttpToolsProtocol

    uvicorn.run(
        app_factory,
        factory=True,
        host=args.host,
        port=args.port,
        # applied again in every worker process (configure_logging reached this one only)
        log_config=logging_config(settings.log_level, settings.service_name, settings.log_format),
        proxy_headers=True,
        timeout_keep_alive=settings.http_keep_alive_seconds,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        workers=settings.workers,
        access_log=settings.access_log,
        http=http_protocol or CoalescingHttpToolsProtocol,
    )
    return 0


async def _with_engine(settings: ServiceSettings, fn: Callable[[Any, Any], Any]) -> Any:
    engine = make_engine(settings.database_url)
    try:
        return await fn(engine, make_sessionmaker(engine))
    finally:
        await engine.dispose()


async def _with_session(settings: ServiceSettings, fn: Callable[[Any], Any]) -> Any:
    async def run(_: Any, sessionmaker: Any) -> Any:
        async with sessionmaker() as session, session.begin():
            return await fn(session)

    return await _with_engine(settings, run)
